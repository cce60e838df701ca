//! Text from a peer or a certificate, made safe for a terminal.
//!
//! A subject, a SAN, an HTTP status line or a `Location:` header is chosen by whoever made
//! the certificate or runs the server. Sent raw to a terminal, an escape sequence in it can
//! clear the screen, redraw a verdict or forge a line (`\n` then `status valid`). Every text
//! rendering passes such strings through [`escape`] first; JSON output does not need it
//! (serde escapes control characters itself).

use std::borrow::Cow;
use std::fmt::Write;

/// Whether `c` must not reach a terminal as is: C0 controls (newline, carriage return and
/// tab included), DEL, C1 controls (U+0080..U+009F, which some terminals read as CSI/OSC),
/// the Unicode line and paragraph separators, and the bidirectional formatting characters
/// that reorder what is shown ("Trojan Source").
fn is_unsafe(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{061C}'
                | '\u{200E}'
                | '\u{200F}'
                | '\u{2028}'
                | '\u{2029}'
                | '\u{202A}'..='\u{202E}'
                | '\u{2066}'..='\u{2069}'
        )
}

fn push_escaped(out: &mut String, c: char) {
    match c {
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        c if (c as u32) < 0x100 => {
            let _ = write!(out, "\\x{:02x}", c as u32);
        }
        c => {
            let _ = write!(out, "\\u{{{:04x}}}", c as u32);
        }
    }
}

/// Escape untrusted text for one line of terminal output: every control character (C0
/// including `\n`, `\r`, `\t`; DEL; C1) and the bidi/line-separator characters are shown as
/// `\n`, `\r`, `\t`, `\x1b`, `\x9b` or `\u{202e}`, and a backslash is doubled, so the
/// output is unambiguous: `\x1b` on screen is always the escape character, never the four
/// characters a certificate spelled out. Text without any of these is returned unchanged
/// (borrowed).
pub fn escape(s: &str) -> Cow<'_, str> {
    if !s.chars().any(|c| c == '\\' || is_unsafe(c)) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if c == '\\' {
            out.push_str("\\\\");
        } else if is_unsafe(c) {
            push_escaped(&mut out, c);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Escape the control characters of a line secctl composed itself (an error message that
/// may quote a peer's text) without doubling backslashes, which secctl's own text may
/// carry (`{:?}`-quoted names). The last line of defence; strings from a peer are passed
/// through [`escape`] where they are formatted.
pub fn escape_controls(s: &str) -> Cow<'_, str> {
    if !s.chars().any(is_unsafe) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if is_unsafe(c) {
            push_escaped(&mut out, c);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_is_unchanged_and_borrowed() {
        for s in ["", "node-1", "CN=é, O=Ünïcode 名前", "spiffe://td/role/x"] {
            assert!(matches!(escape(s), Cow::Borrowed(_)), "{s}");
            assert_eq!(escape(s), s);
        }
    }

    #[test]
    fn controls_are_visible() {
        assert_eq!(escape("a\x1b[2Jb"), "a\\x1b[2Jb");
        assert_eq!(escape("ok\nstatus valid"), "ok\\nstatus valid");
        assert_eq!(escape("\r\t\0\x7f"), "\\r\\t\\x00\\x7f");
        assert_eq!(escape("\u{9b}31m"), "\\x9b31m");
        assert_eq!(escape("\u{85}"), "\\x85");
        assert_eq!(escape("abc\u{202e}fed"), "abc\\u{202e}fed");
        assert_eq!(escape("x\u{2028}y"), "x\\u{2028}y");
    }

    #[test]
    fn backslash_is_unambiguous() {
        // A certificate that spells out `\x1b` is not shown like one that holds ESC.
        assert_eq!(escape("\\x1b"), "\\\\x1b");
        assert_ne!(escape("\\x1b"), escape("\x1b"));
        assert_eq!(escape_controls("a\\b\x1b"), "a\\b\\x1b");
    }

    #[test]
    fn output_never_holds_a_control() {
        let all: String = (0u32..0x300).filter_map(char::from_u32).collect();
        let e = escape(&all);
        assert!(!e.chars().any(is_unsafe), "{e}");
        let e = escape_controls(&all);
        assert!(!e.chars().any(is_unsafe), "{e}");
    }
}
