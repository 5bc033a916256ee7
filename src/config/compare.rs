//! Validated settings of `plateau compare`: the threshold and alpha are checked here, once,
//! with one sentence per mistake.

use super::units::{PercentRange, parse_percent};
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
        let threshold = parse_percent("--threshold", &args.threshold, PercentRange::ABOVE_ZERO)
            .map_err(usage)?;
        if args.json && args.markdown.as_deref() == Some(std::path::Path::new("-")) {
            return Err(usage(
                "--markdown - and --json both print on stdout; give --markdown a file",
            ));
        }
        if !(args.alpha > 0.0 && args.alpha < 1.0) {
            return Err(usage(format!(
                "--alpha must be between 0 and 1 (e.g. 0.05), not {}",
                args.alpha
            )));
        }
        Ok(Self {
            baseline: args.baseline.clone(),
            current: args.current.clone(),
            options: CompareOptions {
                threshold,
                alpha: args.alpha,
            },
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
