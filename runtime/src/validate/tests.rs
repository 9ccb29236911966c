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
