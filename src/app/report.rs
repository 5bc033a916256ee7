//! `plateau report`: read the results.json files, refuse what cannot be compared, then write
//! report.html and summary.md (one run's report, or a comparison of several) and the optional
//! extra markdown copy.

use super::{print_stdout, write_markdown};
use crate::cli::ReportArgs;
use crate::clock::UtcTime;
use crate::config::report::{MarkdownTarget, ReportConfig};
use crate::model::json;
use crate::outdir::claim::{Existing, Outputs, claim};
use crate::outdir::target;
use crate::render::comparison::{Comparison, LoadedRun, compare};
use crate::render::html;
use crate::render::markdown;

/// The rendered report: the page and its markdown summary.
#[derive(Debug, Clone)]
pub struct RenderedReport {
    /// report.html.
    pub html: String,
    /// summary.md.
    pub markdown: String,
}

/// Runs `plateau report`.
pub fn report(args: &ReportArgs) -> anyhow::Result<()> {
    let config = ReportConfig::from_args(args, &UtcTime::now().folder_stamp())?;
    // Check the outputs and read every input before creating any folder: a typo costs nothing.
    target::check_folder(
        target::OutputFlag::Out,
        &config.out.path,
        &target::REPORT_OUTPUTS,
        &config.inputs,
    )?;
    if let Some(MarkdownTarget::File(path)) = &config.markdown {
        target::check_file(target::OutputFlag::Markdown, path, &config.inputs)?;
    }
    let runs = config
        .inputs
        .iter()
        .map(|path| {
            let mut record = json::read(path)?;
            crate::analysis::data_notes::add_missing(&mut record);
            Ok(LoadedRun {
                source: path.clone(),
                record,
            })
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    let comparison = compare(runs, &config.prices)?;
    let rendered = render(&comparison)?;
    let existing = if config.replace {
        Existing::Replace
    } else {
        Existing::Refuse
    };
    let out = claim(&config.out, Outputs::Report, existing)?;
    out.write("report.html", rendered.html.as_bytes())?;
    out.write("summary.md", rendered.markdown.as_bytes())?;
    match &config.markdown {
        Some(MarkdownTarget::Stdout) => print_stdout(&rendered.markdown)?,
        Some(MarkdownTarget::File(path)) => write_markdown(path, &rendered.markdown)?,
        None => {}
    }
    if config.markdown != Some(MarkdownTarget::Stdout) {
        print_stdout(&format!(
            "Wrote {}/report.html and summary.md\n",
            out.path().display()
        ))?;
    }
    Ok(())
}

/// The report of a comparison: a single run's report when there is one run.
pub fn render(c: &Comparison) -> anyhow::Result<RenderedReport> {
    match c.runs.as_slice() {
        [one] => Ok(RenderedReport {
            html: html::render_single(&one.record)?,
            markdown: markdown::render_single(&one.record)?,
        }),
        _ => Ok(RenderedReport {
            html: html::render_comparison(c)?,
            markdown: markdown::render_comparison(c)?,
        }),
    }
}
