//! Unit tests of the rule checks and the standard `Validate` impls.

use std::collections::{BTreeMap, HashSet};

use regex::Regex;

use super::rules::*;
use super::{FieldPath, Validate, ValidationErrors, validate};

const WEB: &[&str] = &["http", "https"];

fn failures<T: Validate + ?Sized>(value: &T) -> Vec<(String, &'static str)> {
    let errors = validate(value).err().unwrap_or_default();
    errors
        .errors()
        .iter()
        .map(|e| (e.path.clone(), e.code))
        .collect()
}

#[test]
fn url_allows_only_the_listed_schemes() {
    assert!(check_url("https://example.com/a?b", WEB));
    assert!(check_url("HTTP://EXAMPLE.COM", WEB));
    for hostile in [
        "javascript:alert(1)",
        "file:///etc/passwd",
        "data:,x",
        "gopher://h/",
    ] {
        assert!(!check_url(hostile, WEB), "{hostile}");
    }
    assert!(!check_url("not a url", WEB));
    assert!(check_url("ftp://files.example.com", &["ftp"]));
    assert!(!check_url("https://example.com", &["ftp"]));
}

#[test]
fn email_checks_syntax() {
    assert!(check_email("ann@example.com"));
    assert!(!check_email("ann"));
    assert!(!check_email("@example.com"));
    assert!(check_email(&None::<String>));
}

#[test]
fn text_rules_see_through_option_and_box() {
    let boxed: Box<str> = "a\u{0}b".into();
    assert!(!check_non_control_character(&boxed));
    assert!(check_non_control_character(&Some("plain".to_string())));
    assert!(check_contains(&Some("a-b".to_string()), "-"));
    assert!(!check_does_not_contain("a--b", "--"));
    assert!(check_regex(&None::<String>, &Regex::new("^x$").unwrap()));
    assert!(!check_regex("y", &Regex::new("^x$").unwrap()));
}

#[test]
fn length_counts_chars_and_elements() {
    assert!(check_length("ééé", Some(3), Some(3), None));
    assert!(!check_length("ééé", None, Some(2), None));
    assert!(check_length(&vec![1, 2], None, None, Some(2)));
    assert!(!check_length(&HashSet::from([1]), Some(2), None, None));
    assert!(check_length(&[0u8; 4], Some(4), None, None));
    assert!(check_length(&None::<String>, Some(1), None, None));
}

fn bounds<B>(min: Option<B>, max: Option<B>) -> RangeBounds<B> {
    RangeBounds {
        min,
        max,
        exclusive_min: None,
        exclusive_max: None,
    }
}

#[test]
fn range_rejects_nan_and_respects_exclusive_bounds() {
    assert!(check_range(&5u8, bounds(Some(1), Some(5))));
    assert!(!check_range(&6u8, bounds(Some(1), Some(5))));
    assert!(!check_range(&f64::NAN, bounds(Some(0.0), None)));
    let exclusive = RangeBounds {
        min: None,
        max: None,
        exclusive_min: Some(0),
        exclusive_max: Some(2),
    };
    assert!(check_range(&1i32, exclusive));
    assert!(!check_range(&0i32, exclusive));
    assert!(check_range(&None::<i32>, exclusive));
}

#[test]
fn required_custom_and_must_match() {
    assert!(!check_required(&None::<u8>));
    assert!(check_required(&Some(0u8)));
    assert!(check_must_match("a", "a"));
    assert!(!check_must_match(&1u8, &2u8));
    let short = |text: &str| {
        if text.len() < 3 {
            Ok(())
        } else {
            Err(RuleError::new("long"))
        }
    };
    assert_eq!(
        check_custom(&Some("abcd".to_string()), short),
        Err(RuleError::new("long"))
    );
    assert_eq!(check_custom(&None::<String>, short), Ok(()));
}

#[test]
fn floats_must_be_finite_wherever_they_are() {
    assert_eq!(failures(&1.5f64), vec![]);
    assert_eq!(failures(&f32::NAN), vec![(String::new(), "finite")]);
    let nested = (vec![1.0, f64::INFINITY], Some(Box::new(f64::NEG_INFINITY)));
    let expected = vec![
        ("[0][1]".to_string(), "finite"),
        ("[1]".to_string(), "finite"),
    ];
    assert_eq!(failures(&nested), expected);
}

#[test]
fn map_keys_and_set_order_never_enter_a_path() {
    let map = BTreeMap::from([("secret".to_string(), f64::NAN)]);
    let mut errors = ValidationErrors::default();
    map.validate_into(&FieldPath::Root.field("scores"), &mut errors);
    assert_eq!(errors.errors()[0].path, "scores[*]");
    assert!(!errors.to_string().contains("secret"));
}

#[test]
fn each_visits_elements_under_their_paths() {
    let mut seen = Vec::new();
    let root = FieldPath::Task("t").field("xs");
    let mut record = |value: &u8, path: &FieldPath<'_>| seen.push(format!("{path}={value}"));
    check_each(&vec![1u8, 2], &root, &mut record);
    check_each(&Some(3u8), &root, &mut record);
    check_each(&None::<u8>, &root, &mut record);
    check_each(&BTreeMap::from([("secret", 4u8)]), &root, &mut record);
    check_each(&Box::new([5u8]), &root, &mut record);
    assert_eq!(seen, ["xs[0]=1", "xs[1]=2", "xs=3", "xs[*]=4", "xs[0]=5"]);
}

#[test]
fn length_units_count_chars_or_bytes_of_text_only() {
    assert!(check_length_chars("ééé", None, Some(3), None));
    assert!(!check_length_bytes("ééé", None, Some(3), None));
    assert!(check_length_bytes("abc", Some(3), Some(3), Some(3)));
    assert!(check_length_bytes(&None::<String>, Some(1), None, None));
}

#[test]
fn task_paths_print_like_root_paths_and_name_the_task() {
    let task = FieldPath::Root.within_task("email:send");
    let field = task.field("to");
    let element = field.index(2);
    assert_eq!(element.to_string(), "to[2]");
    assert_eq!(element.task_name(), Some("email:send"));
    assert_eq!(FieldPath::Root.field("to").task_name(), None);
    assert_eq!(field.within_task("other").task_name(), Some("email:send"));
    let context = super::RuleContext::new(&element);
    assert_eq!(context.task_name(), Some("email:send"));
    assert_eq!(context.path().to_string(), "to[2]");
}

#[test]
fn custom_with_context_skips_absent_values() {
    let path = FieldPath::Root.field("name");
    let context = super::RuleContext::new(&path);
    let refuse = |_: &str, _: &super::RuleContext<'_>| Err(RuleError::new("no"));
    assert_eq!(
        check_custom_with_context(&None::<String>, &context, refuse),
        Ok(())
    );
    let result = check_custom_with_context(&Some("x".to_string()), &context, refuse);
    assert_eq!(result, Err(RuleError::new("no")));
}
