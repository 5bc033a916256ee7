//! A validated `plateau analyze`: the input files, the task count, the analysis options (shared
//! with `run`) and where the outputs go. Every bad flag of `analyze` is refused here; bad files
//! are refused by `import`, which reads them.

use super::OutDir;
use super::units::{PercentRange, parse_percent};
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
        let tasks = match args.tasks {
            Some(0) => {
                return Err(usage(
                    "--tasks must be at least 1: it is the number of tasks each measured run did",
                ));
            }
            t => t.and_then(NonZeroU64::new),
        };
        let out = match &args.out {
            Some(p) => OutDir {
                path: p.clone(),
                dated: false,
            },
            None => OutDir {
                path: PathBuf::from("reports").join(format!("{now_stamp}_analyze")),
                dated: true,
            },
        };
        Ok(Self {
            files: args.files.clone(),
            tasks,
            label: args.label.clone(),
            analysis: analysis_options(&args.analysis)?,
            out,
            json: args.json,
            replace: args.force,
            command_line,
        })
    }
}

/// Validates the analysis flags of `run` and `analyze`: `--tolerance` and
/// `--retrograde-threshold`, each from 0% to below 100%.
pub fn analysis_options(args: &AnalysisArgs) -> anyhow::Result<AnalysisOptions> {
    let fraction =
        |flag: &str, text: &str| parse_percent(flag, text, PercentRange::FROM_ZERO).map_err(usage);
    Ok(AnalysisOptions {
        tolerance: fraction("--tolerance", &args.tolerance)?,
        retrograde_threshold: fraction("--retrograde-threshold", &args.retrograde_threshold)?,
    })
}
