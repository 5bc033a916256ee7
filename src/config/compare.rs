//! Validated settings of `plateau compare`: the threshold and alpha are checked here, once,
//! with one sentence per mistake.

use crate::cli::CompareArgs;
use crate::compare::CompareOptions;
use crate::error::usage;
use std::path::PathBuf;

/// A validated `plateau compare`.
#[derive(Debug, Clone, PartialEq)]
pub struct CompareConfig {
    /// The baseline results.json.
    pub baseline: PathBuf,
    /// The results.json judged against it.
    pub current: PathBuf,
    /// Threshold and alpha.
    pub options: CompareOptions,
    /// Where to write the markdown table, when asked (`-` is stdout).
    pub markdown: Option<super::report::MarkdownTarget>,
    /// Print the verdict as JSON.
    pub json: bool,
    /// Compare despite differing settings.
    pub allow_config_change: bool,
    /// `$GITHUB_STEP_SUMMARY`: the markdown is appended there when set.
    pub step_summary: Option<PathBuf>,
}

impl CompareConfig {
    /// Validates `args`; `step_summary` is the value of `$GITHUB_STEP_SUMMARY`, if any.
    pub fn from_args(args: &CompareArgs, step_summary: Option<PathBuf>) -> anyhow::Result<Self> {
        let (Some(baseline), Some(current)) = (&args.baseline, &args.current) else {
            return Err(usage(
                "give two results.json files (BASELINE.json CURRENT.json), or the two sides to measure with --baseline-cmd/--candidate-cmd or --baseline-args/--candidate-args",
            ));
        };
        let (threshold, alpha) = super::gate::threshold_and_alpha(args);
        if args.json && args.markdown.as_deref() == Some(std::path::Path::new("-")) {
            return Err(usage(
                "--markdown - and --json both print on stdout; give --markdown a file",
            ));
        }
        Ok(Self {
            baseline: baseline.clone(),
            current: current.clone(),
            options: CompareOptions { threshold, alpha },
            markdown: args
                .markdown
                .as_deref()
                .map(super::report::MarkdownTarget::from_path),
            json: args.json,
            allow_config_change: args.allow_config_change,
            step_summary: step_summary.filter(|p| !p.as_os_str().is_empty()),
        })
    }
}
