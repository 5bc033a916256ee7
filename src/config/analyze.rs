//! A validated `plateau analyze`: the input files, the task count, the analysis options (shared
//! with `run`) and where the outputs go. Each flag's value was typed and range-checked by its
//! value parser; what is left (an empty label) is refused here; bad files are refused by
//! `import`, which reads them.

use super::OutDir;
use crate::analysis::AnalysisOptions;
use crate::cli::{AnalysisArgs, AnalyzeArgs};
use crate::error::usage;
use std::num::NonZeroU64;
use std::path::PathBuf;

/// A validated `plateau analyze`.
#[derive(Debug, Clone)]
pub struct AnalyzeConfig {
    /// The measurement files, in the order given.
    pub files: Vec<PathBuf>,
    /// Tasks per measured run, when given.
    pub tasks: Option<NonZeroU64>,
    /// A name for the data, when given.
    pub label: Option<String>,
    /// Tolerance and threshold.
    pub analysis: AnalysisOptions,
    /// Where the outputs go.
    pub out: OutDir,
    /// Print results.json on stdout.
    pub json: bool,
    /// `--force`: replace a results.json the folder already holds.
    pub replace: bool,
    /// The command line as typed.
    pub command_line: Vec<String>,
}

impl AnalyzeConfig {
    /// Validates `args`. `now_stamp` names the default dated folder.
    pub fn from_args(
        args: &AnalyzeArgs,
        now_stamp: &str,
        command_line: Vec<String>,
    ) -> anyhow::Result<Self> {
        if args.label.as_deref().is_some_and(|l| l.trim().is_empty()) {
            return Err(usage(
                "--label is empty; give a name for the analysed data, or drop the flag to use the file names",
            ));
        }
        let out = OutDir::given_or_dated(args.out.as_deref(), now_stamp, "analyze");
        Ok(Self {
            files: args.files.clone(),
            tasks: args.tasks,
            label: args.label.clone(),
            analysis: analysis_options(&args.analysis),
            out,
            json: args.json,
            replace: args.force,
            command_line,
        })
    }
}

/// The analysis flags of `run` and `analyze`, `--tolerance` and `--retrograde-threshold`, as
/// options (their parsers already held each from 0% to below 100%).
pub fn analysis_options(args: &AnalysisArgs) -> AnalysisOptions {
    AnalysisOptions {
        tolerance: args.tolerance.fraction(),
        retrograde_threshold: args.retrograde_threshold.fraction(),
        latency_slo: args.latency_slo,
    }
}
