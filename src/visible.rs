//! Text from users shown safely: control characters (ESC, BEL, DEL, C1) and bidirectional
//! overrides made visible as `\x1b`-style escapes, so a label can never drive a terminal or
//! reorder a page; and long values cut to a short excerpt, so an error never echoes a file.

use std::borrow::Cow;

/// True for characters shown escaped: every control character except newline and tab, and the
/// bidirectional embedding, override and isolate characters.
fn hidden(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t')
        || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// `text` with newlines and tabs kept and every other control character made visible:
/// `\x1b` for ESC, `\u{202e}` for a right-to-left override.
pub fn text(text: &str) -> Cow<'_, str> {
    if !text.chars().any(hidden) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        push(&mut out, c);
    }
    Cow::Owned(out)
}

/// One line: like `text`, and newlines and tabs are made visible too (for labels and names).
pub fn line(text: &str) -> Cow<'_, str> {
    if !text.chars().any(|c| hidden(c) || c == '\n' || c == '\t') {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c => push(&mut out, c),
        }
    }
    Cow::Owned(out)
}

fn push(out: &mut String, c: char) {
    if !hidden(c) {
        out.push(c);
    } else if (c as u32) < 0x100 {
        out.push_str(&format!("\\x{:02x}", c as u32));
    } else {
        out.push_str(&format!("\\u{{{:x}}}", c as u32));
    }
}

/// At most `max` characters of `text` on one line, for quoting a value in an error: longer text
/// keeps its start and says how long it was; quoted when empty or holding spaces.
pub fn excerpt(text: &str, max: usize) -> String {
    let shown = shorten(text, max);
    if text.is_empty() || text.chars().any(char::is_whitespace) {
        format!("\"{shown}\"")
    } else {
        shown
    }
}

/// At most `max` characters of `text` on one line, unquoted: for quoting a message (a parser's
/// error) that may itself quote a long value.
pub fn shorten(text: &str, max: usize) -> String {
    let count = text.chars().count();
    if count > max {
        let head: String = text.chars().take(max).collect();
        format!("{}… ({count} characters)", line(&head))
    } else {
        line(text).into_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_become_visible_and_plain_text_is_untouched() {
        assert_eq!(text("a\u{1b}[31mb\u{7}"), "a\\x1b[31mb\\x07");
        assert_eq!(text("x\u{202e}y"), "x\\u{202e}y");
        assert_eq!(text("two\nlines\tok"), "two\nlines\tok");
        assert_eq!(line("two\nlines"), "two\\nlines");
        assert!(matches!(text("c7i.2xlarge – ü"), Cow::Borrowed(_)));
        assert_eq!(text("\u{7f}\u{85}"), "\\x7f\\x85");
    }

    #[test]
    fn excerpts_are_short() {
        let long = "x".repeat(1_000_000);
        let e = excerpt(&long, 60);
        assert!(e.len() < 100, "{e}");
        assert!(e.ends_with("(1000000 characters)"), "{e}");
        assert_eq!(excerpt("", 10), "\"\"");
        assert_eq!(excerpt("abc", 10), "abc");
        assert_eq!(excerpt("a\u{1b}", 10), "a\\x1b");
    }
}
