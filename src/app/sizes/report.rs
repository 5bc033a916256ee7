//! The comparison of a `--sizes` run: the sizes (and the `--reference` instance, scaled
//! against) compared as `plateau report` compares machines, report.html and summary.md
//! written into the run's folder, and the terminal table.

use crate::app::report::render;
use crate::config::OutDir;
use crate::model::RunRecord;
use crate::outdir::OutputDir;
use crate::render::comparison::{LoadedRun, compare};
use crate::term::sizes_text;

/// Compares the sizes (with the reference, when given), writes the report into `top` and
/// returns what the terminal shows.
pub fn write(
    top: &OutDir,
    mut runs: Vec<LoadedRun>,
    reference: Option<(std::path::PathBuf, RunRecord)>,
) -> anyhow::Result<String> {
    let scaled = match reference {
        Some((source, record)) => {
            let scale = crate::render::sizes_verdict::reference_scale(&mut runs, &record);
            runs.push(LoadedRun { source, record });
            scale
        }
        None => None,
    };
    let comparison = compare(runs, &[])?;
    let rendered = render(&comparison)?;
    let out = OutputDir::prepare(top)?;
    out.write("report.html", rendered.html.as_bytes())?;
    out.write("summary.md", rendered.markdown.as_bytes())?;
    let mut text = sizes_text::render(&comparison, scaled.as_ref());
    text.push_str(&format!(
        "\nWrote one folder per size and {}/report.html and summary.md\n",
        out.path().display()
    ));
    Ok(text)
}
