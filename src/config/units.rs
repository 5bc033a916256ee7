//! The one grammar of flag values that carry a unit: durations (`--timeout`, `--max-time`,
//! `--wait-idle`) and percentages (`--tolerance`, `--retrograde-threshold`, `--target-ci`,
//! `--threshold`). Each flag passes in its own range; every error is one sentence naming the
//! flag, the value given and what is accepted.
//!
//! Durations: a number and a unit, `us` (or `µs`), `ms`, `s` (or `sec`), `m` (or `min`) or `h`,
//! with optional space between (`250us`, `500ms`, `1.5s`, `10m`, `1h`); a bare number is seconds,
//! as for `sleep` and `timeout`. No other units.
//!
//! Percentages: `N%` is N percent (`5%`, `0.5%`); a bare number below 1 is a fraction (`0.05` is
//! 5%); a bare number of 1 or more is refused as ambiguous (`5` could mean 5% or 500%).
//!
//! Numbers in both are plain decimals (`12`, `1.5`, `.5`): no exponent, no `+`, no `inf`. A
//! minus sign is read, so that `-5m` is told it is out of range rather than unreadable.

use crate::numbers::show_duration;
use std::time::Duration;

/// The longest duration any flag accepts: a week. Longer is almost surely a typo, and it keeps
/// `Instant` and `Duration` arithmetic far from overflow.
pub const MAX_DURATION: Duration = Duration::from_secs(7 * 24 * 3600);

/// The durations a flag accepts, both ends included.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DurationRange {
    /// Shortest accepted.
    pub min: Duration,
    /// Longest accepted.
    pub max: Duration,
}

/// Parses a duration for `flag` and checks it against `range`.
pub fn parse_duration(flag: &str, text: &str, range: DurationRange) -> Result<Duration, String> {
    let t = text.trim();
    let bounds = format!(
        "from {} to {}",
        show_duration(range.min),
        show_duration(range.max)
    );
    let not_a_duration = || {
        format!(
            "{flag} {} is not a duration: write a number and a unit (us, ms, s, m or h; a bare number is seconds) {bounds}, such as 90s or 10m",
            shown(text)
        )
    };
    let split = t.find(|c: char| c.is_alphabetic()).unwrap_or(t.len());
    let (number, unit) = t.split_at(split);
    let value = plain_number(number.trim()).ok_or_else(not_a_duration)?;
    let scale = match unit {
        "us" | "µs" => 1e-6,
        "ms" => 1e-3,
        "" | "s" | "sec" => 1.0,
        "m" | "min" => 60.0,
        "h" => 3600.0,
        _ => return Err(not_a_duration()),
    };
    let secs = value * scale;
    // Checked before `Duration::from_secs_f64`, which panics on negative or huge values.
    if !secs.is_finite() || secs < range.min.as_secs_f64() || secs > range.max.as_secs_f64() {
        return Err(format!(
            "{flag} {} is out of range: give a duration {bounds}",
            shown(text)
        ));
    }
    Ok(Duration::from_secs_f64(secs))
}

/// One end of a `PercentRange`, as a fraction.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Bound {
    /// This value is accepted.
    Inclusive(f64),
    /// Only values strictly beyond this one are accepted.
    Exclusive(f64),
}

/// The percentages a flag accepts, as fractions (1.0 is 100%).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PercentRange {
    /// The lower end.
    pub low: Bound,
    /// The upper end.
    pub high: Bound,
}

impl PercentRange {
    /// Above 0% and below 100%: `--target-ci`, `--threshold`.
    pub const ABOVE_ZERO: PercentRange = PercentRange {
        low: Bound::Exclusive(0.0),
        high: Bound::Exclusive(1.0),
    };
    /// From 0% to below 100%: `--tolerance`, `--retrograde-threshold`.
    pub const FROM_ZERO: PercentRange = PercentRange {
        low: Bound::Inclusive(0.0),
        high: Bound::Exclusive(1.0),
    };

    fn contains(&self, f: f64) -> bool {
        let above = match self.low {
            Bound::Inclusive(l) => f >= l,
            Bound::Exclusive(l) => f > l,
        };
        let below = match self.high {
            Bound::Inclusive(h) => f <= h,
            Bound::Exclusive(h) => f < h,
        };
        above && below
    }

    /// The range in words: "above 0% and below 100%", "from 0% to below 100%".
    fn describe(&self) -> String {
        let high = |word_inclusive: &str| match self.high {
            Bound::Inclusive(h) => format!("{word_inclusive}{}", percent(h)),
            Bound::Exclusive(h) => format!("below {}", percent(h)),
        };
        match self.low {
            Bound::Inclusive(l) => format!("from {} to {}", percent(l), high("")),
            Bound::Exclusive(l) => format!("above {} and {}", percent(l), high("at most ")),
        }
    }
}

/// Parses a percentage for `flag` into a fraction (`5%` and `0.05` give 0.05) and checks it
/// against `range`.
pub fn parse_percent(flag: &str, text: &str, range: PercentRange) -> Result<f64, String> {
    let t = text.trim();
    let (number, is_percent) = match t.strip_suffix('%') {
        Some(n) => (n.trim(), true),
        None => (t, false),
    };
    let out_of_range = || {
        format!(
            "{flag} {} is out of range: give a percentage {}",
            shown(text),
            range.describe()
        )
    };
    let Some(value) = plain_number(number) else {
        return Err(format!(
            "{flag} {} is not a percentage: write N% or a fraction below 1 (such as 5% or 0.05), {}",
            shown(text),
            range.describe()
        ));
    };
    if is_percent {
        let f = value / 100.0;
        return if range.contains(f) {
            Ok(f)
        } else {
            Err(out_of_range())
        };
    }
    if value >= 1.0 {
        // Ambiguous only when reading it as a percentage would have been valid.
        return if range.contains(value / 100.0) {
            Err(format!(
                "{flag} {number} is ambiguous: write {number}% (or the fraction {})",
                decimal(value / 100.0)
            ))
        } else {
            Err(out_of_range())
        };
    }
    if range.contains(value) {
        Ok(value)
    } else {
        Err(out_of_range())
    }
}

/// A plain decimal number with an optional leading minus: digits and at most one point, at least
/// one digit. `f64::from_str` alone would also take `+`, `inf`, `NaN` and exponents.
fn plain_number(text: &str) -> Option<f64> {
    let digits = text.strip_prefix('-').unwrap_or(text);
    let plain = digits.chars().all(|c| c.is_ascii_digit() || c == '.')
        && digits.chars().any(|c| c.is_ascii_digit());
    // Adding 0.0 turns `-0` into 0, so `--tolerance -0` is plain 0.
    plain.then(|| text.parse::<f64>().ok().map(|v| v + 0.0))?
}

/// A fraction as a percentage for messages: 0.0 -> "0%", 1.0 -> "100%".
fn percent(f: f64) -> String {
    format!("{}%", decimal(f * 100.0))
}

/// A number without float noise: at most 10 decimals, trailing zeros dropped.
fn decimal(x: f64) -> String {
    let s = format!("{x:.10}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    s.to_string()
}

/// The value as typed for an error message, quoted when it is empty or holds spaces.
fn shown(text: &str) -> String {
    if text.is_empty() || text.chars().any(char::is_whitespace) {
        format!("\"{}\"", crate::visible::shorten(text, 40))
    } else {
        crate::visible::shorten(text, 40)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const WIDE: DurationRange = DurationRange {
        min: Duration::from_micros(1),
        max: MAX_DURATION,
    };

    #[test]
    fn every_duration_form_is_accepted() {
        let d = |t| parse_duration("--timeout", t, WIDE);
        assert_eq!(d("250us"), Ok(Duration::from_micros(250)));
        assert_eq!(d("250µs"), Ok(Duration::from_micros(250)));
        assert_eq!(d("500ms"), Ok(Duration::from_millis(500)));
        assert_eq!(d("30s"), Ok(Duration::from_secs(30)));
        assert_eq!(d("30sec"), Ok(Duration::from_secs(30)));
        assert_eq!(d("1.5s"), Ok(Duration::from_millis(1500)));
        assert_eq!(d("1.5"), Ok(Duration::from_millis(1500)));
        assert_eq!(d("30"), Ok(Duration::from_secs(30)));
        assert_eq!(d("2m"), Ok(Duration::from_secs(120)));
        assert_eq!(d("2min"), Ok(Duration::from_secs(120)));
        assert_eq!(d("1.5h"), Ok(Duration::from_secs(5400)));
        assert_eq!(d(" 10 m "), Ok(Duration::from_secs(600)));
        assert_eq!(d(".5s"), Ok(Duration::from_millis(500)));
        assert_eq!(d("168h"), Ok(MAX_DURATION));
    }

    #[test]
    fn every_refused_duration_form_names_the_flag() {
        let d = |t| parse_duration("--max-time", t, WIDE);
        for bad in [
            "", "0", "0s", "-5m", "+5m", "abc", "m", ".s", "-", "--5m", "10x", "8d", "10S", "1e3s",
            "1e30s", "nan", "inf", "10 m s", "1.2.3s", "169h", "0.1us",
        ] {
            let e = d(bad).unwrap_err();
            assert!(e.starts_with("--max-time "), "{bad}: {e}");
            assert!(
                e.contains("is not a duration") || e.contains("is out of range"),
                "{bad}: {e}"
            );
            assert!(e.contains("from 1us to 168h"), "{bad}: {e}");
        }
        assert_eq!(
            d("5x").unwrap_err(),
            "--max-time 5x is not a duration: write a number and a unit (us, ms, s, m or h; a bare number is seconds) from 1us to 168h, such as 90s or 10m"
        );
        assert_eq!(
            d("169h").unwrap_err(),
            "--max-time 169h is out of range: give a duration from 1us to 168h"
        );
        assert!(d("").unwrap_err().starts_with("--max-time \"\" is not"));
        assert_eq!(
            d("-5m").unwrap_err(),
            "--max-time -5m is out of range: give a duration from 1us to 168h"
        );
    }

    #[test]
    fn each_flag_passes_its_own_duration_range() {
        let seconds = DurationRange {
            min: Duration::from_secs(1),
            max: MAX_DURATION,
        };
        assert!(parse_duration("--timeout", "500us", WIDE).is_ok());
        let e = parse_duration("--max-time", "500ms", seconds).unwrap_err();
        assert_eq!(
            e,
            "--max-time 500ms is out of range: give a duration from 1s to 168h"
        );
        assert_eq!(
            parse_duration("--max-time", "1s", seconds),
            Ok(Duration::from_secs(1))
        );
    }

    #[test]
    fn durations_are_shown_in_the_grammar() {
        assert_eq!(show_duration(Duration::from_micros(250)), "250us");
        assert_eq!(show_duration(Duration::from_millis(250)), "250ms");
        assert_eq!(show_duration(Duration::from_secs(90)), "1m 30s");
        assert_eq!(show_duration(Duration::from_secs(600)), "10m");
        assert_eq!(show_duration(Duration::from_secs(5400)), "1h 30m");
        assert_eq!(show_duration(MAX_DURATION), "168h");
    }

    #[test]
    fn every_percentage_form_is_accepted() {
        let p = |t| parse_percent("--tolerance", t, PercentRange::FROM_ZERO);
        assert_eq!(p("5%"), Ok(0.05));
        assert_eq!(p(" 2.5 % "), Ok(0.025));
        assert_eq!(p("0.5%"), Ok(0.005));
        assert_eq!(p("0.05"), Ok(0.05));
        assert_eq!(p(".05"), Ok(0.05));
        assert_eq!(p("0"), Ok(0.0));
        assert_eq!(p("0%"), Ok(0.0));
        assert!(p("-0").unwrap().is_sign_positive());
        assert_eq!(p("99%"), Ok(0.99));
    }

    #[test]
    fn bare_numbers_of_one_or_more_are_ambiguous() {
        let p = |t| parse_percent("--threshold", t, PercentRange::ABOVE_ZERO);
        assert_eq!(
            p("5").unwrap_err(),
            "--threshold 5 is ambiguous: write 5% (or the fraction 0.05)"
        );
        assert_eq!(
            p("1").unwrap_err(),
            "--threshold 1 is ambiguous: write 1% (or the fraction 0.01)"
        );
        assert_eq!(
            p("7.1").unwrap_err(),
            "--threshold 7.1 is ambiguous: write 7.1% (or the fraction 0.071)"
        );
        // No suggestion that would be refused next: 150% is out of range too.
        assert_eq!(
            p("150").unwrap_err(),
            "--threshold 150 is out of range: give a percentage above 0% and below 100%"
        );
    }

    #[test]
    fn every_refused_percentage_names_the_flag() {
        for (range, bad) in [
            (
                PercentRange::FROM_ZERO,
                &["-1%", "-0.1", "-5", "100%", "150"][..],
            ),
            (
                PercentRange::ABOVE_ZERO,
                &["0", "0%", "-2%", "100%", "150%"][..],
            ),
        ] {
            for bad in bad {
                let e = parse_percent("--target-ci", bad, range).unwrap_err();
                assert!(
                    e.starts_with(&format!("--target-ci {bad} is out of range")),
                    "{bad}: {e}"
                );
            }
        }
        for bad in [
            "", "abc", "%", "nan", "NaN%", "inf%", "2%%", "5 %%", "two", "1e-2", "+5%", "-", ".%",
        ] {
            let e = parse_percent("--target-ci", bad, PercentRange::ABOVE_ZERO).unwrap_err();
            assert!(e.starts_with("--target-ci "), "{bad}: {e}");
            assert!(e.contains("is not a percentage"), "{bad}: {e}");
            assert!(e.ends_with("above 0% and below 100%"), "{bad}: {e}");
        }
        assert_eq!(
            parse_percent("--tolerance", "x", PercentRange::FROM_ZERO).unwrap_err(),
            "--tolerance x is not a percentage: write N% or a fraction below 1 (such as 5% or 0.05), from 0% to below 100%"
        );
        let closed = PercentRange {
            low: Bound::Inclusive(0.0),
            high: Bound::Inclusive(1.0),
        };
        assert_eq!(parse_percent("--x", "100%", closed), Ok(1.0));
        assert!(
            parse_percent("--x", "101%", closed)
                .unwrap_err()
                .ends_with("from 0% to 100%")
        );
    }

    proptest! {
        #[test]
        fn never_panics(text in ".{0,12}") {
            let _ = parse_duration("--max-time", &text, WIDE);
            let _ = parse_percent("--target-ci", &text, PercentRange::FROM_ZERO);
        }

        #[test]
        fn a_percent_and_its_fraction_agree(n in 0u32..10_000) {
            let pct = format!("{}%", f64::from(n) / 100.0);
            let frac = decimal(f64::from(n) / 10_000.0);
            let a = parse_percent("--tolerance", &pct, PercentRange::FROM_ZERO).unwrap();
            let b = parse_percent("--tolerance", &frac, PercentRange::FROM_ZERO).unwrap();
            prop_assert!((a - b).abs() < 1e-12, "{pct} {frac}");
        }
    }
}
