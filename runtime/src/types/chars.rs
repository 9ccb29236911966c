//! Character classes shared by the text types.
//!
//! Each class is a plain function over one `char` so that the rules of every type read
//! as a list of named checks, and the tables are written once.

/// A control character: Unicode category `Cc` (C0 controls including NUL, CR, LF and
/// ESC, DEL, and the C1 controls including NEL).
pub(crate) fn is_control(c: char) -> bool {
    c.is_control()
}

/// U+2028 LINE SEPARATOR or U+2029 PARAGRAPH SEPARATOR: not `Cc`, yet many viewers and
/// JavaScript string literals treat them as line breaks.
pub(crate) fn is_line_separator(c: char) -> bool {
    matches!(c, '\u{2028}' | '\u{2029}')
}

/// A bidirectional embedding, override or isolate control (U+202A–U+202E and
/// U+2066–U+2069): they reorder how the text around them is shown ("Trojan Source",
/// CVE-2021-42574).
pub(crate) fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// A variation selector (U+180B–U+180D, U+180F, U+FE00–U+FE0F, U+E0100–U+E01EF): it
/// changes how the character before it is drawn, such as the emoji form of U+2764.
pub(crate) fn is_variation_selector(c: char) -> bool {
    matches!(
        c,
        '\u{180B}'..='\u{180D}' | '\u{180F}' | '\u{FE00}'..='\u{FE0F}' | '\u{E0100}'..='\u{E01EF}'
    )
}

/// A `Default_Ignorable_Code_Point` of Unicode (DerivedCoreProperties): characters a
/// renderer shows as nothing when it has no special handling for them, such as
/// U+200B ZERO WIDTH SPACE, U+200D ZERO WIDTH JOINER, U+2060 WORD JOINER, U+FEFF, the
/// soft hyphen, the Hangul fillers, variation selectors and tag characters.
pub(crate) fn is_default_ignorable(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}'
            | '\u{034F}'
            | '\u{061C}'
            | '\u{115F}'..='\u{1160}'
            | '\u{17B4}'..='\u{17B5}'
            | '\u{180B}'..='\u{180F}'
            | '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{206F}'
            | '\u{3164}'
            | '\u{FE00}'..='\u{FE0F}'
            | '\u{FEFF}'
            | '\u{FFA0}'
            | '\u{FFF0}'..='\u{FFF8}'
            | '\u{1BCA0}'..='\u{1BCA3}'
            | '\u{1D173}'..='\u{1D17A}'
            | '\u{E0000}'..='\u{E0FFF}'
    )
}

/// A character that draws no ink: white space, a default-ignorable code point, or
/// U+2800 BRAILLE PATTERN BLANK (a visible-width blank often used to fake an empty name).
pub(crate) fn is_blank(c: char) -> bool {
    c.is_whitespace() || is_default_ignorable(c) || c == '\u{2800}'
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_covers_c0_del_and_c1() {
        for c in ['\0', '\n', '\r', '\u{1b}', '\u{7f}', '\u{85}', '\u{9f}'] {
            assert!(is_control(c), "{:?}", c);
        }
        assert!(!is_control('a'));
        assert!(!is_control('\u{2028}'));
    }

    #[test]
    fn variation_selectors_are_default_ignorable() {
        for c in ['\u{180B}', '\u{FE0F}', '\u{E0100}', '\u{E01EF}'] {
            assert!(
                is_variation_selector(c) && is_default_ignorable(c),
                "{:?}",
                c
            );
        }
    }

    #[test]
    fn default_ignorable_edges() {
        for c in [
            '\u{200B}',
            '\u{200F}',
            '\u{2060}',
            '\u{206F}',
            '\u{FEFF}',
            '\u{E0FFF}',
        ] {
            assert!(is_default_ignorable(c), "{:?}", c);
        }
        for c in [
            'a',
            ' ',
            '\u{200A}',
            '\u{2010}',
            '\u{2070}',
            '\u{FFF9}',
            '\u{E1000}',
        ] {
            assert!(!is_default_ignorable(c), "{:?}", c);
        }
    }
}
