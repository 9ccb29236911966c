//! Properties: each type accepts exactly what a reference predicate, written here in a
//! different way (code point numbers, a character scan, URL parts), accepts.

use std::path::{Component, Path};

use proptest::prelude::*;
use vetted::types::{CmdArg, FiniteF64, HttpUrl, HttpsUrl, NonEmpty, RelativePath, SingleLine};

use super::Hooks;

/// Characters that matter to some rule, mixed with arbitrary ones.
fn interesting_char() -> impl Strategy<Value = char> {
    let special = prop::sample::select(vec![
        '/',
        '.',
        '\\',
        ':',
        '-',
        'C',
        'a',
        ' ',
        '\0',
        '\t',
        '\n',
        '\r',
        '\u{1b}',
        '\u{7f}',
        '\u{85}',
        '\u{a0}',
        '\u{ad}',
        '\u{200b}',
        '\u{200d}',
        '\u{200e}',
        '\u{2028}',
        '\u{2029}',
        '\u{202a}',
        '\u{202e}',
        '\u{2060}',
        '\u{2066}',
        '\u{2069}',
        '\u{2800}',
        '\u{3000}',
        '\u{3164}',
        '\u{fe0f}',
        '\u{feff}',
        '\u{e0041}',
        'é',
        '😀',
    ]);
    prop_oneof![3 => special, 1 => any::<char>()]
}

/// Short strings of interesting characters, and strings near the byte limits.
fn text() -> impl Strategy<Value = String> {
    let short = prop::collection::vec(interesting_char(), 0..12).prop_map(String::from_iter);
    prop_oneof![
        8 => short,
        1 => "[a-z]{1018,1030}",
        1 => "[a ]{4090,4100}",
    ]
}

/// Paths built from components that matter to some rule, and arbitrary text.
fn path_text() -> impl Strategy<Value = String> {
    let special = prop::sample::select(vec![
        "", ".", "..", "...", "a", "b.png", "C:", "c:x", "-rf", "a\\b", "x\0", "\n",
    ]);
    let short = prop::collection::vec(interesting_char(), 0..4).prop_map(String::from_iter);
    let component = prop_oneof![3 => special.prop_map(String::from), 1 => short];
    let joined = prop::collection::vec(component, 1..5).prop_map(|parts| parts.join("/"));
    prop_oneof![3 => joined, 1 => text()]
}

/// Whether `code` is in category Cc: C0, DEL or C1.
fn is_cc(code: u32) -> bool {
    code <= 0x1f || (0x7f..=0x9f).contains(&code)
}

fn reference_relative_path(text: &str) -> bool {
    let bytes = text.as_bytes();
    let drive = bytes.len() >= 2 && bytes[0].is_ascii_alphabetic() && bytes[1] == b':';
    let bad_char = text.chars().any(|c| is_cc(c as u32) || c == '\\');
    let mut component = String::new();
    let mut components_ok = true;
    for c in text.chars().chain(['/']) {
        if c != '/' {
            component.push(c);
            continue;
        }
        components_ok &= !component.is_empty() && component != "." && component != "..";
        component.clear();
    }
    !text.is_empty() && text.len() <= 1024 && !drive && !bad_char && components_ok
}

fn reference_single_line(text: &str, max: usize) -> bool {
    let bad = |code: u32| {
        is_cc(code)
            || code == 0x2028
            || code == 0x2029
            || (0x202a..=0x202e).contains(&code)
            || (0x2066..=0x2069).contains(&code)
    };
    text.len() <= max && !text.chars().any(|c| bad(c as u32))
}

fn reference_cmd_arg(text: &str) -> bool {
    let starts_plain = text.chars().next().is_some_and(|first| first != '-');
    starts_plain && text.len() <= 4096 && text.chars().all(|c| !is_cc(c as u32))
}

/// White_Space code points, from PropList.txt.
const WHITE_SPACE: &[(u32, u32)] = &[
    (0x09, 0x0d),
    (0x20, 0x20),
    (0x85, 0x85),
    (0xa0, 0xa0),
    (0x1680, 0x1680),
    (0x2000, 0x200a),
    (0x2028, 0x2029),
    (0x202f, 0x202f),
    (0x205f, 0x205f),
    (0x3000, 0x3000),
];

/// Default_Ignorable_Code_Point, from DerivedCoreProperties.txt, plus U+2800.
const INVISIBLE: &[(u32, u32)] = &[
    (0x00ad, 0x00ad),
    (0x034f, 0x034f),
    (0x061c, 0x061c),
    (0x115f, 0x1160),
    (0x17b4, 0x17b5),
    (0x180b, 0x180d),
    (0x180e, 0x180e),
    (0x180f, 0x180f),
    (0x200b, 0x200f),
    (0x202a, 0x202e),
    (0x2060, 0x2064),
    (0x2065, 0x2065),
    (0x2066, 0x206f),
    (0x2800, 0x2800),
    (0x3164, 0x3164),
    (0xfe00, 0xfe0f),
    (0xfeff, 0xfeff),
    (0xffa0, 0xffa0),
    (0xfff0, 0xfff8),
    (0x1bca0, 0x1bca3),
    (0x1d173, 0x1d17a),
    (0xe0000, 0xe0fff),
];

fn in_table(c: char, table: &[(u32, u32)]) -> bool {
    table
        .iter()
        .any(|&(low, high)| (low..=high).contains(&(c as u32)))
}

/// Variation selectors, which trimming keeps at the end.
const VARIATION_SELECTORS: &[(u32, u32)] = &[
    (0x180b, 0x180d),
    (0x180f, 0x180f),
    (0xfe00, 0xfe0f),
    (0xe0100, 0xe01ef),
];

/// `text` without white space and default-ignorable characters at the start, and
/// without those other than variation selectors at the end.
fn reference_trim(text: &str) -> &str {
    let is_ignorable =
        |c: char| in_table(c, WHITE_SPACE) || in_table(c, INVISIBLE) && c != '\u{2800}';
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let Some(first) = chars.iter().position(|&(_, c)| !is_ignorable(c)) else {
        return "";
    };
    let last = chars
        .iter()
        .rposition(|&(_, c)| !is_ignorable(c) || in_table(c, VARIATION_SELECTORS))
        .unwrap_or(first);
    let (start, (end_at, end_char)) = (chars[first].0, chars[last]);
    &text[start..end_at + end_char.len_utf8()]
}

fn reference_non_empty(text: &str) -> bool {
    let visible = |c: char| !in_table(c, WHITE_SPACE) && !in_table(c, INVISIBLE);
    text.len() <= 4096 && text.chars().any(visible)
}

/// The URL parts a generated URL is made of.
#[derive(Debug, Clone)]
struct UrlParts {
    scheme: &'static str,
    user_info: &'static str,
    host: &'static str,
    port: Option<u16>,
    path: String,
}

impl UrlParts {
    fn text(&self) -> String {
        let port = self.port.map(|p| format!(":{p}")).unwrap_or_default();
        format!(
            "{}://{}{}{port}/{}",
            self.scheme, self.user_info, self.host, self.path
        )
    }
}

/// Hosts that `Hooks` lists, in the spelling used here.
const LISTED_HOSTS: &[&str] = &[
    "allowed.example",
    "ALLOWED.Example",
    "api.allowed.example",
    "a.b.allowed.example",
    "203.0.113.7",
    "0xcb.0.113.7",
    "[2001:db8::1]",
    "[2001:DB8:0:0::1]",
];

fn url_parts() -> impl Strategy<Value = UrlParts> {
    let schemes = vec!["http", "https", "HTTPS", "ftp", "ws", "file", "javascript"];
    let user_infos = vec!["", "", "", "@", "user@", "user:pw@", ":pw@"];
    let mut hosts = LISTED_HOSTS.to_vec();
    hosts.extend([
        "allowed.example.evil",
        "evilallowed.example",
        "allowed.example.",
        ".allowed.example",
        "example",
        "127.0.0.1",
        "2130706433",
        "169.254.169.254",
        "[::1]",
        "[::ffff:203.0.113.7]",
        "10.0.0.5",
        "localhost",
    ]);
    let ports = prop_oneof![
        Just(None),
        prop::sample::select(vec![80, 443, 8443, 6379]).prop_map(Some)
    ];
    (
        prop::sample::select(schemes),
        prop::sample::select(user_infos),
        prop::sample::select(hosts),
        ports,
        "[a-z0-9._~%-]{0,8}(/[a-z0-9]{0,4}){0,2}(\\?[a-z=&]{0,6})?(#[a-z]{0,4})?",
    )
        .prop_map(|(scheme, user_info, host, port, path)| UrlParts {
            scheme,
            user_info,
            host,
            port,
            path,
        })
}

fn reference_http_url(parts: &UrlParts) -> bool {
    let scheme = parts.scheme.to_ascii_lowercase();
    let default_port = if scheme == "https" { 443 } else { 80 };
    let port_ok = parts.port.is_none_or(|p| p == default_port || p == 8443);
    let user_info_ok = matches!(parts.user_info, "" | "@");
    let scheme_ok = scheme == "http" || scheme == "https";
    scheme_ok && user_info_ok && LISTED_HOSTS.contains(&parts.host) && port_ok
}

/// Arbitrary bit patterns, and floats of every class, NaN and the infinities included.
fn finite_f64_bits() -> impl Strategy<Value = u64> {
    use prop::num::f64::{ANY, INFINITE, NEGATIVE, POSITIVE, QUIET_NAN, SIGNALING_NAN};
    let special = POSITIVE | NEGATIVE | INFINITE | QUIET_NAN | SIGNALING_NAN;
    prop_oneof![
        any::<u64>(),
        ANY.prop_map(f64::to_bits),
        special.prop_map(f64::to_bits)
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn relative_path_matches_the_reference(text in path_text()) {
        let made = RelativePath::try_new(&text);
        prop_assert_eq!(made.is_ok(), reference_relative_path(&text));
        if let Ok(path) = made {
            let base = Path::new("/base/dir");
            let joined = path.join_under(base);
            prop_assert!(joined.starts_with(base));
            let extra: Vec<_> = joined.components().skip(base.components().count()).collect();
            prop_assert_eq!(extra.len(), path.components().count());
            prop_assert!(extra.iter().all(|c| matches!(c, Component::Normal(_))));
        }
    }

    #[test]
    fn single_line_matches_the_reference(text in text()) {
        prop_assert_eq!(SingleLine::<8>::try_new(&text).is_ok(), reference_single_line(&text, 8));
        prop_assert_eq!(
            SingleLine::<1024>::try_new(&text).is_ok(),
            reference_single_line(&text, 1024)
        );
    }

    #[test]
    fn cmd_arg_matches_the_reference(text in text()) {
        prop_assert_eq!(CmdArg::try_new(&text).is_ok(), reference_cmd_arg(&text));
    }

    #[test]
    fn non_empty_matches_the_reference_and_stores_a_stable_trim(text in text()) {
        let made = NonEmpty::try_new(&text);
        prop_assert_eq!(made.is_ok(), reference_non_empty(&text));
        if let Ok(value) = made {
            prop_assert_eq!(value.as_str(), reference_trim(&text));
            let again = NonEmpty::try_new(&value).unwrap();
            prop_assert_eq!(again, value);
        }
    }

    #[test]
    fn http_url_matches_the_reference(parts in url_parts()) {
        let text = parts.text();
        let made = HttpUrl::<Hooks>::try_new(&text);
        prop_assert_eq!(made.is_ok(), reference_http_url(&parts), "{} {:?}", text, made);
        let https = HttpsUrl::<Hooks>::try_new(&text).is_ok();
        let is_https = parts.scheme.eq_ignore_ascii_case("https");
        prop_assert_eq!(https, reference_http_url(&parts) && is_https);
        if let Ok(url) = made {
            let again = HttpUrl::<Hooks>::try_new(url.as_str()).unwrap();
            prop_assert_eq!(again, url);
        }
    }

    #[test]
    fn finite_f64_matches_the_reference(bits in finite_f64_bits()) {
        let exponent_all_ones = (bits >> 52) & 0x7ff == 0x7ff;
        let value = f64::from_bits(bits);
        prop_assert_eq!(FiniteF64::try_new(value).is_ok(), !exponent_all_ones);
    }

    #[test]
    fn decoding_agrees_with_the_constructor(text in path_text()) {
        let json = serde_json::to_vec(&text).unwrap();
        let decoded = serde_json::from_slice::<RelativePath>(&json).ok();
        prop_assert_eq!(decoded, RelativePath::try_new(&text).ok());
        let decoded = serde_json::from_slice::<NonEmpty>(&json).ok();
        prop_assert_eq!(decoded, NonEmpty::try_new(&text).ok());
    }
}
