//! The four files of a run's folder, written in order: results.json first (every sample and the
//! analysis), then chart.svg, report.html and summary.md, rendered from it. A rendering that
//! fails after results.json was saved says which files were written, that results.json is
//! complete, and the `plateau report` command that renders the rest once there is room.

use crate::analysis::verdict_noise::join;
use crate::error::RunFailed;
use crate::model::RunRecord;
use crate::model::json;
use crate::outdir::OutputDir;
use crate::render::chart;
use crate::render::facts::shell_join;
use crate::render::html;
use crate::render::markdown;

/// A writer of one file from the record.
type Render = fn(&RunRecord) -> anyhow::Result<String>;

/// The renderings of results.json and their writers, in the order they are written.
pub const RENDERINGS: [(&str, Render); 3] = [
    ("chart.svg", chart::render),
    ("report.html", html::render_single),
    ("summary.md", markdown::render_single),
];

/// Writes results.json, chart.svg, report.html and summary.md from the record as it stands.
pub fn write_outputs(out: &OutputDir, record: &RunRecord) -> anyhow::Result<()> {
    out.write("results.json", &json::render(record))?;
    write_renderings(out, record)
}

/// Writes chart.svg, report.html and summary.md, once results.json holds `record`. The first
/// that fails stops the rest, with a sentence saying what the folder holds and how to finish it.
pub fn write_renderings(out: &OutputDir, record: &RunRecord) -> anyhow::Result<()> {
    let mut written = Vec::new();
    for (name, render) in RENDERINGS {
        match render(record).and_then(|text| out.write(name, text.as_bytes())) {
            Ok(_) => written.push(name),
            Err(e) => return Err(RunFailed(incomplete(out, name, &e, &written)).into()),
        }
    }
    Ok(())
}

/// "could not write DIR/report.html (CAUSE); results.json is complete and chart.svg was
/// written; once there is room, `plateau report ...` renders report.html and summary.md from
/// it".
fn incomplete(out: &OutputDir, failed: &str, e: &anyhow::Error, written: &[&str]) -> String {
    let dir = out.path();
    let others = match written {
        [] => " (nothing else was written)".to_string(),
        [one] => format!(" and {one} was written"),
        many => format!(
            ", and {} were written",
            join(&many.iter().map(|s| s.to_string()).collect::<Vec<_>>())
        ),
    };
    // `plateau report` refuses to replace a report it did not write unless told to.
    let force = ["report.html", "summary.md"]
        .iter()
        .any(|f| dir.join(f).exists());
    let results = dir.join("results.json");
    let mut command = vec![
        "plateau".to_string(),
        "report".into(),
        results.display().to_string(),
        "--out".into(),
        dir.display().to_string(),
    ];
    if force {
        command.push("--force".into());
    }
    let chart = if written.contains(&"chart.svg") {
        ""
    } else {
        " (report.html carries the chart)"
    };
    format!(
        "could not write {} ({}); results.json is complete{others}; once there is room, `{}` renders report.html and summary.md from it{chart}",
        dir.join(failed).display(),
        e.root_cause(),
        shell_join(&command),
    )
}
