//! The template engine of the HTML and markdown writers: minijinja with the templates embedded
//! from templates/ at build time. Every value is escaped on output unless it is marked safe:
//! HTML rules for `.html` templates, markdown rules for `.md` templates (so a label can neither
//! inject a tag nor break a table row). Only the SVG charts, which plotters escapes itself,
//! are marked safe.

use anyhow::anyhow;
use minijinja::value::Value;
use minijinja::{AutoEscape, Environment, UndefinedBehavior, escape_formatter};

const TEMPLATES: &[(&str, &str)] = &[
    ("base.html", include_str!("../../templates/base.html")),
    ("style.css", include_str!("../../templates/style.css")),
    ("report.html", include_str!("../../templates/report.html")),
    (
        "comparison.html",
        include_str!("../../templates/comparison.html"),
    ),
    ("summary.md", include_str!("../../templates/summary.md")),
    (
        "comparison.md",
        include_str!("../../templates/comparison.md"),
    ),
];

const MARKDOWN: &str = "markdown";

/// Renders the embedded template `name` with `ctx`.
pub fn render(name: &str, ctx: Value) -> anyhow::Result<String> {
    let env = environment()?;
    let tmpl = env
        .get_template(name)
        .map_err(|e| anyhow!("template {name}: {e:#}"))?;
    tmpl.render(ctx)
        .map_err(|e| anyhow!("could not render {name}: {e:#}"))
}

/// A string the templates insert as is: only for markup plateau generated and escaped itself.
pub fn trusted_markup(markup: String) -> Value {
    Value::from_safe_string(markup)
}

fn environment() -> anyhow::Result<Environment<'static>> {
    let mut env = Environment::new();
    // A misspelt field must fail the tests, not render as an empty cell.
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.set_auto_escape_callback(|name| {
        if name.ends_with(".md") {
            AutoEscape::Custom(MARKDOWN.into())
        } else if name.ends_with(".html") {
            AutoEscape::Html
        } else {
            AutoEscape::None
        }
    });
    env.set_formatter(|out, state, value| {
        if matches!(state.auto_escape(), AutoEscape::Custom(n) if n == MARKDOWN) {
            let text = if value.is_safe() {
                value.to_string()
            } else if value.is_none() || value.is_undefined() {
                String::new()
            } else {
                markdown_escape(&value.to_string())
            };
            out.write_str(&text).map_err(minijinja::Error::from)
        } else {
            escape_formatter(out, state, value)
        }
    });
    for (name, source) in TEMPLATES {
        env.add_template(name, source)
            .map_err(|e| anyhow!("template {name}: {e:#}"))?;
    }
    Ok(env)
}

/// Text safe inside a markdown paragraph or table cell: markup characters are
/// backslash-escaped, HTML's `<`, `>` and `&` become entities, newlines become spaces.
pub fn markdown_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\n' | '\r' => out.push(' '),
            '\\' | '`' | '*' | '_' | '[' | ']' | '|' | '$' | '~' | '#' | '!' => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_escaping_neutralises_markup_and_tables() {
        assert_eq!(
            markdown_escape("<script>a|b</script>\n*x*"),
            "&lt;script&gt;a\\|b&lt;/script&gt; \\*x\\*"
        );
        assert_eq!(markdown_escape("$0.25"), "\\$0.25");
    }

    #[test]
    fn html_templates_escape_and_safe_markup_passes() {
        let env = environment().unwrap();
        let out = env
            .render_str(
                "{{ a }}{{ b }}",
                minijinja::context! { a => "<b>&\"", b => trusted_markup("<svg/>".into()) },
            )
            .unwrap();
        // render_str has no name, so nothing is escaped: the templates' names decide.
        assert_eq!(out, "<b>&\"<svg/>");
        let tmpl = env
            .template_from_named_str("x.html", "{{ a }}{{ b }}")
            .unwrap();
        let out = tmpl
            .render(minijinja::context! { a => "<b>&\"", b => trusted_markup("<svg/>".into()) })
            .unwrap();
        assert_eq!(out, "&lt;b&gt;&amp;&quot;<svg/>");
    }
}
