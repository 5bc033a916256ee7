//! `plateau analyze`: read measurements made elsewhere (CSV, hyperfine JSON, results.json),
//! pool them into a record, analyse it, write the four outputs `run` writes (results.json,
//! chart.svg, report.html, summary.md, through `app::write_outputs`), and print the table and
//! verdict (or the JSON). Inputs are all read before the output folder is touched.

use super::print_stdout;
use crate::cli::AnalyzeArgs;
use crate::clock::UtcTime;
use crate::config::analyze::AnalyzeConfig;
use crate::import::{self, record::ImportContext};
use crate::model::json;
use crate::outdir::claim::{Existing, Outputs, claim};
use crate::outdir::target;
use crate::summary::summarize_points;

/// Runs `plateau analyze` from the command line's flags.
pub fn analyze(args: &AnalyzeArgs, command_line: Vec<String>) -> anyhow::Result<()> {
    let now = UtcTime::now();
    let config = AnalyzeConfig::from_args(args, &now.folder_stamp(), command_line)?;
    import::refuse_duplicates(&config.files)?;
    target::check_folder(
        target::OutputFlag::Out,
        &config.out.path,
        &target::RUN_OUTPUTS,
        &config.files,
    )?;
    let files = config
        .files
        .iter()
        .map(|f| import::read(f, config.tasks))
        .collect::<anyhow::Result<Vec<_>>>()?;
    let ctx = ImportContext {
        label: config.label.clone(),
        command_line: config.command_line.clone(),
        now: now.rfc3339(),
    };
    let mut record = import::record::to_record(files, &ctx, crate::machine::detect)?;
    summarize_points(&mut record.points, record.config.tasks, record.config.seed);
    refuse_slo_without_latencies(&record, &config)?;
    record.analysis = crate::analysis::analyze(&record, &config.analysis);

    let existing = if config.replace {
        Existing::Replace
    } else {
        Existing::Refuse
    };
    let out = claim(&config.out, Outputs::Analysis, existing)?;
    super::write_outputs(&out, &record)?;
    if config.json {
        print_stdout(&String::from_utf8_lossy(&json::render(&record)))
    } else {
        print_stdout(&super::written_text(&record, &[], &out))
    }
}

/// `--latency-slo` needs task latencies, which only plateau's own runs record: refused before
/// anything is written when no point of the input has them.
fn refuse_slo_without_latencies(
    record: &crate::model::RunRecord,
    config: &AnalyzeConfig,
) -> anyhow::Result<()> {
    let Some(slo) = config.analysis.latency_slo else {
        return Ok(());
    };
    let has = record
        .points
        .iter()
        .any(|p| p.summary.as_ref().is_some_and(|s| s.latency.is_some()));
    if has {
        return Ok(());
    }
    let files: Vec<String> = config
        .files
        .iter()
        .map(|f| f.display().to_string())
        .collect();
    Err(crate::error::usage(format!(
        "--latency-slo {} needs task latencies, and {} holds none (only a results.json from a \
plateau run that records them does); drop --latency-slo to analyse throughput alone",
        slo.to_string().replace(" <= ", "="),
        files.join(", ")
    )))
}
