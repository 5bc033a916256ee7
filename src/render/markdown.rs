//! summary.md: the verdict and the table in markdown, for a pull-request comment or a CI step
//! summary. Pure: records in, markdown out, through the escaping templates.

use crate::model::RunRecord;
use crate::render::comparison::{self, Comparison};
use crate::render::html::work_text;
use crate::render::templates;
use crate::render::view;
use minijinja::context;
use minijinja::value::Serde;

/// The summary of one run.
pub fn render_single(record: &RunRecord) -> anyhow::Result<String> {
    templates::render(
        "summary.md",
        context! { run => Serde(view::run_view(record)) },
    )
}

/// The summary of a comparison.
pub fn render_comparison(c: &Comparison) -> anyhow::Result<String> {
    templates::render(
        "comparison.md",
        context! {
            work => work_text(c),
            headline => comparison::headline(c),
            rows => Serde(comparison::rows(c)),
            any_price => c.best_value.is_some(),
            runs => Serde(c.runs.iter().map(|r| view::run_view(&r.record)).collect::<Vec<_>>()),
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::comparison::{LoadedRun, compare};
    use crate::render::testdata;

    #[test]
    fn single_summary_has_verdict_table_and_command() {
        let md = render_single(&testdata::record_with_analysis()).unwrap();
        assert!(md.contains("Run 2 workers: throughput plateaus"));
        let table_rows = md.lines().filter(|l| l.starts_with("| ")).count();
        assert_eq!(
            table_rows,
            2 + 4,
            "header, alignment and one row per point:\n{md}"
        );
        assert!(md.contains("Command: <code>plateau run --label 'box a'</code>"));
    }

    #[test]
    fn labels_cannot_break_the_table_or_inject_html() {
        let mut a = testdata::record();
        a.run.label = "<script>alert(1)</script> | x".into();
        a.run.price_per_hour = Some(1.0);
        let mut b = testdata::record();
        b.run.label = "b".into();
        b.run.price_per_hour = Some(0.5);
        let c = compare(
            vec![
                LoadedRun {
                    source: "a.json".into(),
                    record: a,
                },
                LoadedRun {
                    source: "b.json".into(),
                    record: b,
                },
            ],
            &[],
        )
        .unwrap();
        let md = render_comparison(&c).unwrap();
        assert!(!md.contains("<script"), "{md}");
        let header_cells = md
            .lines()
            .find(|l| l.starts_with("| label"))
            .unwrap()
            .matches(" | ")
            .count();
        for row in md
            .lines()
            .filter(|l| l.starts_with("| ") && !l.starts_with("| label"))
        {
            if row.starts_with("| ---") {
                continue;
            }
            let cells = row.replace("\\|", "").matches(" | ").count();
            assert_eq!(cells, header_cells, "{row}");
        }
        assert!(md.contains("**best value**"), "{md}");
    }
}
