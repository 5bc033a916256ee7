//! report.html: one self-contained page (inline CSS and SVG, no script, no network) for one run
//! or a comparison of several. Pure: records in, HTML text out, through the escaping templates.

use crate::model::RunRecord;
use crate::render::chart;
use crate::render::comparison::{self, Comparison};
use crate::render::facts::workload_text;
use crate::render::overlay_chart::{self, OverlaySeries, Scale};
use crate::render::templates::{self, trusted_markup};
use crate::render::view;
use minijinja::context;
use minijinja::value::Serde;

/// The report of one run: verdict and recommendation, chart, points, fits, warnings, machine
/// and method.
pub fn render_single(record: &RunRecord) -> anyhow::Result<String> {
    let svg = chart::render(record)?;
    let latency = crate::render::latency_chart::render(record).transpose()?;
    templates::render(
        "report.html",
        context! {
            title => format!("plateau: {}", record.run.label),
            generator => generator(),
            run => Serde(view::run_view(record)),
            chart => trusted_markup(svg),
            latency_chart => latency.map(trusted_markup),
        },
    )
}

/// The comparison of several runs: conclusion, table, the overlay charts (total and per
/// effective CPU), then each run's verdict, machine and method.
pub fn render_comparison(c: &Comparison) -> anyhow::Result<String> {
    let series: Vec<OverlaySeries> = c
        .runs
        .iter()
        .map(|r| OverlaySeries::from_record(&r.label, &r.record, r.chosen.map(|ch| ch.workers)))
        .collect();
    let work = work_text(c);
    let total = overlay_chart::render(
        &series,
        Scale::Total,
        &format!("Throughput vs workers: {work}"),
    )?;
    let per_core = overlay_chart::render(
        &series,
        Scale::PerCore,
        &format!("Throughput per effective CPU: {work}"),
    )?;
    templates::render(
        "comparison.html",
        context! {
            title => format!("plateau: {} runs compared", c.runs.len()),
            generator => generator(),
            work => work,
            headline => comparison::headline(c),
            rows => Serde(comparison::rows(c)),
            any_price => c.best_value.is_some(),
            runs => Serde(c.runs.iter().map(|r| view::run_view(&r.record)).collect::<Vec<_>>()),
            sources => c.runs.iter().map(|r| r.source.display().to_string()).collect::<Vec<_>>(),
            chart_total => trusted_markup(total),
            chart_per_core => trusted_markup(per_core),
        },
    )
}

/// The shared workload and the task counts of a comparison, e.g. "cpu (iterations 2000), 40
/// tasks per batch", or "..., 32 to 40 tasks per batch" when each machine sized its own.
pub fn work_text(c: &Comparison) -> String {
    let workload = workload_text(&c.runs[0].record.config.workload);
    if c.runs
        .iter()
        .any(|r| r.record.config.per_worker().is_some())
    {
        return format!("{workload}, batches sized per count on each machine");
    }
    let tasks = c.runs.iter().map(|r| r.record.config.tasks);
    let (Some(lo), Some(hi)) = (tasks.clone().min(), tasks.max()) else {
        return String::new();
    };
    let counts = if lo == hi {
        lo.to_string()
    } else {
        format!("{lo} to {hi}")
    };
    format!("{workload}, {counts} tasks per batch")
}

fn generator() -> String {
    format!("plateau {}", env!("CARGO_PKG_VERSION"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::comparison::{LoadedRun, compare};
    use crate::render::testdata;

    fn count(haystack: &str, needle: &str) -> usize {
        haystack.matches(needle).count()
    }

    #[test]
    fn single_report_has_every_section_in_order_and_one_chart() {
        let html = render_single(&testdata::record_with_analysis()).unwrap();
        assert_eq!(count(&html, "<svg"), 1);
        let order = [
            "id=\"verdict\"",
            "id=\"chart\"",
            "id=\"points\"",
            "id=\"fits\"",
            "id=\"warnings\"",
            "id=\"machine\"",
            "id=\"method\"",
        ];
        let at: Vec<usize> = order
            .iter()
            .map(|id| html.find(id).unwrap_or_else(|| panic!("{id} missing")))
            .collect();
        assert!(
            at.windows(2).all(|w| w[0] < w[1]),
            "sections out of order: {at:?}"
        );
        assert!(html.contains("USL sigma (contention)"));
        assert!(html.contains("The machine was busy"));
        assert!(!html.contains("<script"));
        assert!(
            !html.contains("http://") || !html.contains("<link"),
            "no external resources"
        );
    }

    #[test]
    fn single_report_without_analysis_says_so() {
        let html = render_single(&testdata::record()).unwrap();
        assert!(html.contains("No scaling analysis in this file"));
        assert!(!html.contains("USL sigma"));
        assert!(html.contains("id=\"machine\""));
    }

    #[test]
    fn user_strings_are_escaped_everywhere() {
        let evil = "<script>alert(1)</script>";
        let mut r = testdata::record_with_analysis();
        r.run.label = evil.into();
        r.machine.cpu_brand = "CPU <b>&\"quoted\"".into();
        r.machine.hostname = evil.into();
        r.run.command_line.push(evil.into());
        r.analysis.as_mut().unwrap().warnings.push(evil.into());
        r.analysis.as_mut().unwrap().verdict = evil.into();
        let html = render_single(&r).unwrap();
        assert!(!html.contains("<script"), "raw script tag in the page");
        assert!(!html.contains("<b>&"), "raw CPU brand in the page or chart");
        assert!(html.contains("&lt;script&gt;alert(1)&lt;"));
        let mut other = testdata::record();
        other.run.label = "b".into();
        let c = compare(
            vec![
                LoadedRun {
                    source: "a.json".into(),
                    record: r,
                },
                LoadedRun {
                    source: "b.json".into(),
                    record: other,
                },
            ],
            &[],
        )
        .unwrap();
        let html = render_comparison(&c).unwrap();
        assert!(!html.contains("<script"));
        assert!(html.contains("&lt;script&gt;alert(1)&lt;"));
    }
}
