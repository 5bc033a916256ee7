//! The analysis flags (`--tolerance`, `--retrograde-threshold`): fractions written `5%` or
//! `0.05`, validated into `AnalysisOptions`.

use crate::analysis::AnalysisOptions;
use crate::cli::AnalysisArgs;
use crate::error::usage;

/// Validates the analysis flags.
pub fn analysis_options(args: &AnalysisArgs) -> anyhow::Result<AnalysisOptions> {
    Ok(AnalysisOptions {
        tolerance: parse_fraction("--tolerance", &args.tolerance)?,
        retrograde_threshold: parse_fraction("--retrograde-threshold", &args.retrograde_threshold)?,
    })
}

/// A fraction in [0, 1) from `5%` or `0.05`. A bare number of 1 or more is refused rather than
/// guessed at: `5` could mean 5% or 500%.
pub fn parse_fraction(flag: &str, text: &str) -> anyhow::Result<f64> {
    let t = text.trim();
    let (number, percent) = match t.strip_suffix('%') {
        Some(n) => (n.trim(), true),
        None => (t, false),
    };
    let bad = || {
        usage(format!(
            "{flag} must be a fraction such as 5% or 0.05 (from 0 to below 100%), not `{text}`"
        ))
    };
    let v: f64 = number.parse().map_err(|_| bad())?;
    if !v.is_finite() || v < 0.0 {
        return Err(bad());
    }
    let f = if percent { v / 100.0 } else { v };
    if !percent && v >= 1.0 {
        return Err(usage(format!(
            "{flag} {text} is ambiguous: write {text}% for a percentage, or a fraction below 1 such as 0.05"
        )));
    }
    if f >= 1.0 {
        return Err(bad());
    }
    Ok(f)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_and_fraction_forms() {
        assert_eq!(parse_fraction("--tolerance", "5%").unwrap(), 0.05);
        assert_eq!(parse_fraction("--tolerance", " 0.05 ").unwrap(), 0.05);
        assert_eq!(parse_fraction("--tolerance", "0").unwrap(), 0.0);
        assert_eq!(parse_fraction("--tolerance", "2.5 %").unwrap(), 0.025);
    }

    #[test]
    fn bad_values_name_the_flag() {
        for bad in [
            "", "abc", "-1%", "-0.1", "100%", "5", "1", "NaN", "inf%", "%",
        ] {
            let err = parse_fraction("--retrograde-threshold", bad).unwrap_err();
            assert!(err.downcast_ref::<crate::error::UsageError>().is_some());
            assert!(
                err.to_string().starts_with("--retrograde-threshold"),
                "{bad}: {err}"
            );
        }
    }
}
