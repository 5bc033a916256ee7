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
    /// Where to write the markdown table, when asked.
    pub markdown: Option<PathBuf>,
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
        let threshold = parse_threshold(&args.threshold)?;
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
            markdown: args.markdown.clone(),
            json: args.json,
            allow_config_change: args.allow_config_change,
            step_summary: step_summary.filter(|p| !p.as_os_str().is_empty()),
        })
    }
}

/// `5%` or `5` -> 0.05. A bare number below 1 (`0.05`) is refused rather than guessed: it
/// could mean 5% or 0.05%.
pub fn parse_threshold(text: &str) -> anyhow::Result<f64> {
    let t = text.trim();
    let (digits, has_percent) = match t.strip_suffix('%') {
        Some(d) => (d.trim(), true),
        None => (t, false),
    };
    let value: f64 = digits.parse().map_err(|_| {
        usage(format!(
            "--threshold {text:?} is not a percentage; write it like 5% or 10%"
        ))
    })?;
    if !value.is_finite() || value <= 0.0 || value >= 100.0 {
        return Err(usage(format!(
            "--threshold must be above 0% and below 100%, not {text}"
        )));
    }
    if !has_percent && value < 1.0 {
        return Err(usage(format!(
            "--threshold {text} is ambiguous (a fraction or a percent?); write {}% or {text}%",
            value * 100.0
        )));
    }
    Ok(value / 100.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn threshold_forms() {
        assert!((parse_threshold("5%").unwrap() - 0.05).abs() < 1e-15);
        assert!((parse_threshold("7.5").unwrap() - 0.075).abs() < 1e-15);
        assert!((parse_threshold(" 0.5% ").unwrap() - 0.005).abs() < 1e-15);
        for bad in ["0.05", "0%", "-5%", "100%", "five", "", "NaN%"] {
            let err = parse_threshold(bad).unwrap_err().to_string();
            assert!(err.starts_with("--threshold"), "{bad}: {err}");
        }
        assert!(
            parse_threshold("0.05")
                .unwrap_err()
                .to_string()
                .contains("write 5% or 0.05%")
        );
    }
}
