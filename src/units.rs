//! The one grammar of flag values that carry a unit: durations (`--timeout`, `--max-time`,
//! `--wait-idle`) and percentages (`--tolerance`, `--retrograde-threshold`, `--target-ci`,
//! `--threshold`), and the clap value parsers built on it, so these flags arrive typed
//! (`Duration`, `Percent`) from the command line. Each flag passes in its own range (the
//! `limits` module names them); every error is one sentence naming the flag, the value given
//! and what is accepted.
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

pub mod latency_slo;

use crate::error::FlagError;
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

impl DurationRange {
    /// From `min` to `MAX_DURATION`, the range of most duration flags.
    pub const fn up_to_a_week(min: Duration) -> Self {
        DurationRange {
            min,
            max: MAX_DURATION,
        }
    }
}

/// A duration flag and its range: the clap value parser of `--timeout`, `--max-time`, ...
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DurationFlag {
    /// The flag, e.g. `--timeout`.
    pub flag: &'static str,
    /// What it accepts.
    pub range: DurationRange,
}

impl DurationFlag {
    /// A clap value parser: a `Duration` within the range, or one sentence naming the flag.
    pub fn parser(
        self,
    ) -> impl Fn(&str) -> Result<Duration, FlagError> + Clone + Send + Sync + 'static {
        move |text| parse_duration(self.flag, text, self.range).map_err(FlagError)
    }
}

/// Parses a duration for `flag` and checks it against `range`.
fn parse_duration(flag: &str, text: &str, range: DurationRange) -> Result<Duration, String> {
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

/// A share such as `5%`: a fraction inside (0.05), shown as a percentage. Made by a
/// `PercentFlag`'s parser, so it is always within its flag's range.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd)]
pub struct Percent(f64);

impl Percent {
    /// The share as a fraction: 5% is 0.05.
    pub fn fraction(self) -> f64 {
        self.0
    }
}

impl std::fmt::Display for Percent {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&percent(self.0))
    }
}

/// A percentage flag and its range: the clap value parser of `--tolerance`, `--target-ci`, ...
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PercentFlag {
    /// The flag, e.g. `--tolerance`.
    pub flag: &'static str,
    /// What it accepts.
    pub range: PercentRange,
}

impl PercentFlag {
    /// A clap value parser: a `Percent` within the range, or one sentence naming the flag.
    pub fn parser(
        self,
    ) -> impl Fn(&str) -> Result<Percent, FlagError> + Clone + Send + Sync + 'static {
        move |text| {
            parse_percent(self.flag, text, self.range)
                .map(Percent)
                .map_err(FlagError)
        }
    }
}

/// Parses a percentage for `flag` into a fraction (`5%` and `0.05` give 0.05) and checks it
/// against `range`.
fn parse_percent(flag: &str, text: &str, range: PercentRange) -> Result<f64, String> {
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
mod tests;
