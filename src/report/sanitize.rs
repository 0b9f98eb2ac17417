//! Text from AWS or logs is stripped of control characters before it reaches a terminal.

use std::borrow::Cow;

/// Replaces control characters (C0, DEL, C1, and bidi overrides) with a visible escape such
/// as `\x1b`, so an ANSI sequence in a user agent prints as text instead of acting.
pub fn clean(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_dangerous) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if is_dangerous(c) {
            let code = c as u32;
            if code <= 0xff {
                out.push_str(&format!("\\x{code:02x}"));
            } else {
                out.push_str(&format!("\\u{{{code:04x}}}"));
            }
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// [`clean`] for text of several lines: line breaks are kept, everything else is cleaned.
pub fn clean_lines(text: &str) -> String {
    text.split('\n')
        .map(|line| clean(line))
        .collect::<Vec<_>>()
        .join("\n")
}

fn is_dangerous(c: char) -> bool {
    c.is_control()
        // Bidirectional overrides and isolates can reorder what a terminal shows.
        || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_sequences_become_visible_text() {
        assert_eq!(
            clean("aws-cli\u{1b}[31mred\u{7}"),
            "aws-cli\\x1b[31mred\\x07"
        );
        assert_eq!(clean("a\u{9b}b"), "a\\x9bb");
        assert_eq!(clean("x\u{202e}y"), "x\\u{202e}y");
        assert_eq!(clean("tab\there\nnl"), "tab\\x09here\\x0anl");
    }

    #[test]
    fn line_breaks_survive_clean_lines() {
        assert_eq!(clean_lines("a\n\u{1b}b\n"), "a\n\\x1bb\n");
    }

    #[test]
    fn clean_text_is_borrowed() {
        assert!(matches!(clean("us-east-1 ünïcode"), Cow::Borrowed(_)));
    }
}
