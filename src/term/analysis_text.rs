//! The analysis as terminal text: the reasons as a wrapped list (a lead-in such as the peak,
//! then each sentence of the verdict), then one wrapped `warning:` paragraph per warning. Pure:
//! analysis in, text out.

use crate::model::Analysis;
use crate::render::headline::sentences;

/// Terminal width the paragraphs are wrapped to.
pub const WIDTH: usize = 100;

/// `first` (when not empty) and the verdict's sentences as a list, then the warnings, wrapped.
pub fn render(a: &Analysis, first: &str) -> String {
    let reasons = std::iter::once(first.to_string())
        .filter(|f| !f.is_empty())
        .chain(sentences(&a.verdict));
    let mut parts: Vec<String> = reasons.map(|r| wrap(&r, "- ", WIDTH)).collect();
    parts.extend(a.warnings.iter().map(|w| wrap(w, "warning: ", WIDTH)));
    parts.join("\n")
}

/// Greedy word wrap; continuation lines are indented by the prefix's width.
pub fn wrap(text: &str, prefix: &str, width: usize) -> String {
    let indent = " ".repeat(prefix.chars().count());
    let mut out = String::new();
    let mut line = prefix.to_string();
    let mut empty = true;
    for word in text.split_whitespace() {
        if !empty && line.chars().count() + 1 + word.chars().count() > width {
            out.push_str(&line);
            out.push('\n');
            line = indent.clone();
            empty = true;
        }
        if !empty {
            line.push(' ');
        }
        line.push_str(word);
        empty = false;
    }
    out.push_str(&line);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wraps_without_losing_words() {
        let text = "one two three four five six seven eight nine ten";
        let w = wrap(text, "warning: ", 20);
        assert!(w.lines().all(|l| l.chars().count() <= 20), "{w}");
        assert!(w.starts_with("warning: one"));
        assert!(w.lines().skip(1).all(|l| l.starts_with("         ")));
        assert_eq!(
            w.split_whitespace().skip(1).collect::<Vec<_>>().join(" "),
            text
        );
    }
}
