//! The documented range of every numeric flag, and the clap value parsers that enforce it while
//! the command line is parsed: a value out of range, negative or unreadable gets one sentence
//! naming the flag and its range, before anything runs. A range keeps a typo from starting a
//! run that never ends (`--io-ms 18446744073709551615`) or asks for more memory than exists.
//! Durations and percentages are read by the grammar of `crate::units`; prices here.

use crate::error::FlagError;
use crate::units::{DurationFlag, DurationRange, PercentFlag, PercentRange};
use std::num::{NonZeroU32, NonZeroU64};
use std::time::Duration;

/// The whole numbers a flag accepts, both ends included.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Whole {
    /// The flag, e.g. `--io-ms`.
    pub flag: &'static str,
    /// Smallest accepted.
    pub min: u64,
    /// Largest accepted.
    pub max: u64,
    /// What the number counts, for the message: "milliseconds each io task blocks".
    pub what: &'static str,
}

/// `run --tasks`: tasks per batch.
pub const TASKS: Whole = whole("--tasks", 1, 10_000_000, "tasks each batch runs");
/// `analyze --tasks`: tasks per measured run (only scales seconds into tasks/s).
#[rustfmt::skip]
pub const ANALYZE_TASKS: Whole = whole("--tasks", 1, 1_000_000_000_000, "tasks each measured run did");
/// `--iterations`: loop length of each cpu task.
#[rustfmt::skip]
pub const ITERATIONS: Whole = whole("--iterations", 1, 100_000_000_000, "loop iterations of each cpu task");
/// `--repetitions`: kept batches per worker count.
#[rustfmt::skip]
pub const REPETITIONS: Whole = whole("--repetitions", 1, 10_000, "kept batches per worker count (for tighter intervals use --target-ci)");
/// `--warmup`: discarded batches per worker count.
pub const WARMUP: Whole = whole("--warmup", 0, 1_000, "discarded batches per worker count");
/// `--seed`: any unsigned 64-bit number.
#[rustfmt::skip]
pub const SEED: Whole = whole("--seed", 0, u64::MAX, "the seed of the shuffles and the bootstrap");
/// `--buffer-mib`: MiB each memory task streams through (also checked against the machine's
/// memory by `config::workload`).
#[rustfmt::skip]
pub const BUFFER_MIB: Whole = whole("--buffer-mib", 1, 1 << 20, "MiB of buffer each memory task streams through");
/// `--io-ms`: how long each io task blocks (a minute at most).
pub const IO_MS: Whole = whole("--io-ms", 1, 60_000, "milliseconds each io task blocks");
/// `--updates`: locked updates per contended task.
#[rustfmt::skip]
pub const UPDATES: Whole = whole("--updates", 1, 1_000_000_000, "locked updates each contended task makes");
/// `--work-ns`: nanoseconds of work per tiny task (a second at most).
#[rustfmt::skip]
pub const WORK_NS: Whole = whole("--work-ns", 0, 1_000_000_000, "nanoseconds of work per tiny task");
/// `--chunk`: tasks a worker claims at once.
pub const CHUNK: Whole = whole("--chunk", 1, 10_000_000, "tasks a worker claims at once");

/// `run --timeout`: from the grammar's smallest unit, 1us (shorter than a command takes to
/// start, it kills every task, and the run's error then names the timeout), to a week.
pub const TIMEOUT: DurationFlag = duration("--timeout", Duration::from_micros(1));
/// `run --ready-timeout`: from 10ms (a worker cannot start faster) to a week.
pub const READY_TIMEOUT: DurationFlag = duration("--ready-timeout", Duration::from_millis(10));
/// `--max-time` of `run` and of the gate: at least a second (a budget for whole rounds of
/// batches), at most a week.
pub const MAX_TIME: DurationFlag = duration("--max-time", Duration::from_secs(1));
/// `run --wait-idle`: at least the quiet period it waits for (`app::noise` wants three quiet
/// one-second samples in a row), so a shorter wait could only ever time out; at most a week.
pub const WAIT_IDLE: DurationFlag = duration("--wait-idle", Duration::from_secs(3));
/// The gate's `--batch-time`: from 10ms to a week.
pub const BATCH_TIME: DurationFlag = duration("--batch-time", Duration::from_millis(10));

/// `run --target-ci`: above 0% and below 100%.
pub const TARGET_CI: PercentFlag = percent("--target-ci", PercentRange::ABOVE_ZERO);
/// `compare --threshold`: above 0% and below 100%.
pub const THRESHOLD: PercentFlag = percent("--threshold", PercentRange::ABOVE_ZERO);
/// `--tolerance` of `run` and `analyze`: from 0% to below 100%.
pub const TOLERANCE: PercentFlag = percent("--tolerance", PercentRange::FROM_ZERO);
/// `--retrograde-threshold` of `run` and `analyze`: from 0% to below 100%.
#[rustfmt::skip]
pub const RETROGRADE_THRESHOLD: PercentFlag = percent("--retrograde-threshold", PercentRange::FROM_ZERO);

/// Highest `--price-per-hour` and `--price` accepted, in USD per hour.
pub const MAX_PRICE_PER_HOUR: f64 = 1_000_000.0;

/// A duration flag from `min` to a week, in one line.
const fn duration(flag: &'static str, min: Duration) -> DurationFlag {
    DurationFlag {
        flag,
        range: DurationRange::up_to_a_week(min),
    }
}

/// A percentage flag in one line.
const fn percent(flag: &'static str, range: PercentRange) -> PercentFlag {
    PercentFlag { flag, range }
}

/// A `Whole` range in one line.
const fn whole(flag: &'static str, min: u64, max: u64, what: &'static str) -> Whole {
    Whole {
        flag,
        min,
        max,
        what,
    }
}

impl Whole {
    /// Reads `text` as a whole number within the range, or says why not in one sentence that
    /// names the flag (`main` prints it as is, without clap's wrapping).
    pub fn check(&self, text: &str) -> Result<u64, String> {
        let t = text.trim();
        let range = format!("from {} to {}", self.min, self.max);
        let sentence = |why: &str| {
            format!(
                "{} {} {why}: give a whole number {range} ({})",
                self.flag,
                crate::visible::excerpt(text, 40),
                self.what
            )
        };
        let digits = t.strip_prefix('-').unwrap_or(t);
        if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit()) {
            return Err(sentence("is not a whole number"));
        }
        if t.starts_with('-') && digits.chars().any(|c| c != '0') {
            return Err(sentence("is negative"));
        }
        match digits.parse::<u64>() {
            Ok(v) if (self.min..=self.max).contains(&v) => Ok(v),
            _ => Err(sentence("is out of range")),
        }
    }

    /// A clap value parser for this range.
    pub fn parser(self) -> impl Fn(&str) -> Result<u64, FlagError> + Clone + Send + Sync + 'static {
        move |text| self.check(text).map_err(FlagError)
    }

    /// A clap value parser for this range into a `NonZeroU64` (the range must start at 1).
    pub fn parser_nonzero(
        self,
    ) -> impl Fn(&str) -> Result<NonZeroU64, FlagError> + Clone + Send + Sync + 'static {
        move |text| {
            let v = self.parser()(text)?;
            NonZeroU64::new(v).ok_or_else(|| FlagError(format!("{} must be at least 1", self.flag)))
        }
    }

    /// A clap value parser for this range into a `u32` (the range must fit in one).
    pub fn parser_u32(
        self,
    ) -> impl Fn(&str) -> Result<u32, FlagError> + Clone + Send + Sync + 'static {
        move |text| {
            let v = self.parser()(text)?;
            u32::try_from(v).map_err(|e| FlagError(format!("{} {v}: {e}", self.flag)))
        }
    }

    /// A clap value parser for this range into a `NonZeroU32` (the range must start at 1 and
    /// fit in a `u32`).
    pub fn parser_nonzero_u32(
        self,
    ) -> impl Fn(&str) -> Result<NonZeroU32, FlagError> + Clone + Send + Sync + 'static {
        move |text| {
            let v = self.parser_u32()(text)?;
            NonZeroU32::new(v).ok_or_else(|| FlagError(format!("{} must be at least 1", self.flag)))
        }
    }
}

/// A machine's price in USD per hour: above 0 and at most `MAX_PRICE_PER_HOUR`.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd)]
pub struct Price(f64);

impl Price {
    /// Reads a plain number of USD per hour within the range; `None` otherwise.
    pub fn parse(text: &str) -> Option<Price> {
        let v: f64 = text.trim().parse().ok()?;
        (v.is_finite() && v > 0.0 && v <= MAX_PRICE_PER_HOUR).then_some(Price(v))
    }

    /// USD per hour.
    pub fn usd_per_hour(self) -> f64 {
        self.0
    }
}

/// A clap value parser for `--price-per-hour`.
pub fn price(text: &str) -> Result<Price, FlagError> {
    Price::parse(text).ok_or_else(|| {
        FlagError(format!(
            "--price-per-hour {} is not a price: give a number of USD per hour above 0 and at most {MAX_PRICE_PER_HOUR}",
            crate::visible::excerpt(text, 40)
        ))
    })
}

/// A price given at report time (`--price LABEL=USD`) for the run with this label.
#[derive(Debug, Clone, PartialEq)]
pub struct PriceOverride {
    /// The run's label as shown in the comparison.
    pub label: String,
    /// USD per hour, positive and finite.
    pub usd_per_hour: f64,
}

/// A clap value parser for `--price LABEL=USD`. The last `=` splits, so labels may contain `=`
/// themselves.
pub fn price_override(text: &str) -> Result<PriceOverride, FlagError> {
    price_override_sentence(text).map_err(FlagError)
}

/// `price_override`'s reading, or the sentence of its refusal.
fn price_override_sentence(text: &str) -> Result<PriceOverride, String> {
    let short = |t: &str| crate::visible::shorten(t, 60);
    let Some((label, usd)) = text.rsplit_once('=') else {
        return Err(format!(
            "--price \"{}\" is not LABEL=USD; write it like --price c7i.2xlarge=0.357",
            short(text)
        ));
    };
    if label.is_empty() {
        return Err(format!(
            "--price \"{}\" has no label before '='; write it like --price c7i.2xlarge=0.357",
            short(text)
        ));
    }
    let price = Price::parse(usd).ok_or_else(|| {
        format!(
            "--price \"{}\": \"{}\" is not a positive number of USD per hour (at most {MAX_PRICE_PER_HOUR})",
            short(text),
            short(usd),
        )
    })?;
    Ok(PriceOverride {
        label: label.to_string(),
        usd_per_hour: price.usd_per_hour(),
    })
}

/// A clap value parser for `--alpha`: a significance level above 0 and below 1.
pub fn alpha(text: &str) -> Result<f64, FlagError> {
    let v: Option<f64> = text.trim().parse().ok();
    match v {
        Some(a) if a > 0.0 && a < 0.5 => Ok(a),
        _ => Err(FlagError(format!(
            "--alpha {} is out of range: give an error rate above 0 and below 0.5, such as 0.05",
            crate::visible::excerpt(text, 40)
        ))),
    }
}

/// The sentence of a flag's value parser (a `FlagError`, which already names its flag) out of
/// clap's error ("invalid value ... for ..." around it); `None` for any other error.
pub fn own_sentence(e: &clap::Error) -> Option<String> {
    if e.kind() != clap::error::ErrorKind::ValueValidation {
        return None;
    }
    let source = std::error::Error::source(e)?;
    source.downcast_ref::<FlagError>().map(|f| f.0.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_refusal_names_the_flag_and_the_range() {
        for (text, why) in [
            ("-5", "negative"),
            ("0", "out of range"),
            ("60001", "out of range"),
            ("18446744073709551615", "out of range"),
            ("99999999999999999999999", "out of range"),
            ("5ms", "not a whole number"),
            ("", "not a whole number"),
            ("1e3", "not a whole number"),
            ("+5", "not a whole number"),
        ] {
            let e = IO_MS.check(text).unwrap_err();
            assert!(e.starts_with("--io-ms "), "{text}: {e}");
            assert!(e.contains(&format!(" is {why}: ")), "{text}: {e}");
            assert!(
                e.contains("milliseconds each io task blocks"),
                "{text}: {e}"
            );
            assert!(e.contains("from 1 to 60000"), "{text}: {e}");
        }
        assert_eq!(IO_MS.check(" 20 "), Ok(20));
        assert_eq!(WORK_NS.check("0"), Ok(0));
        assert_eq!(WORK_NS.check("-0"), Ok(0));
        assert_eq!(SEED.check("18446744073709551615"), Ok(u64::MAX));
        assert_eq!(
            SEED.check("-1").unwrap_err(),
            "--seed -1 is negative: give a whole number from 0 to 18446744073709551615 (the seed of the shuffles and the bootstrap)"
        );
        assert!(TASKS.check(&"9".repeat(10_000)).unwrap_err().len() < 300);
        assert_eq!(
            TASKS.parser_nonzero()("64"),
            Ok(NonZeroU64::new(64).unwrap())
        );
        assert!(
            TASKS.parser_nonzero()("0")
                .unwrap_err()
                .0
                .starts_with("--tasks 0 is out of range")
        );
    }

    #[test]
    fn prices_and_alpha() {
        assert_eq!(price("0.5").map(Price::usd_per_hour), Ok(0.5));
        assert_eq!(price("1000000").map(Price::usd_per_hour), Ok(1e6));
        for bad in ["-5", "0", "nan", "inf", "1e9", "1000000.5", "free", ""] {
            assert!(
                price(bad).unwrap_err().0.starts_with("--price-per-hour "),
                "{bad}"
            );
        }
        assert_eq!(alpha("0.05"), Ok(0.05));
        for bad in ["-1", "0", "1", "x"] {
            assert!(alpha(bad).unwrap_err().0.starts_with("--alpha "), "{bad}");
        }
    }

    #[test]
    fn price_overrides_split_on_the_last_equals_sign() {
        let p = price_override("size=large=0.5").unwrap();
        assert_eq!(p.label, "size=large");
        assert_eq!(p.usd_per_hour, 0.5);
        for (bad, says) in [
            ("c7i", "\"c7i\" is not LABEL=USD"),
            ("=1.0", "has no label before '='"),
            ("c7i=", "\"\" is not a positive number"),
            ("c7i=abc", "\"abc\" is not a positive number"),
            ("c7i=-1", "is not a positive number"),
            ("c7i=0", "is not a positive number"),
            ("c7i=inf", "is not a positive number"),
            ("c7i=2000000", "(at most 1000000)"),
        ] {
            let e = price_override(bad).unwrap_err().0;
            assert!(e.starts_with("--price \""), "{bad}: {e}");
            assert!(e.contains(says), "{bad}: {e}");
        }
    }

    #[test]
    fn each_duration_flag_holds_its_own_range() {
        for (flag, shortest, below) in [
            (TIMEOUT, "1us", None),
            (READY_TIMEOUT, "10ms", Some("9ms")),
            (MAX_TIME, "1s", Some("999ms")),
            (WAIT_IDLE, "3s", Some("2s")),
            (BATCH_TIME, "10ms", Some("9ms")),
        ] {
            let parse = flag.parser();
            assert_eq!(parse(shortest), Ok(flag.range.min), "{}", flag.flag);
            assert_eq!(parse("168h"), Ok(crate::units::MAX_DURATION));
            assert_eq!(parse("90s"), Ok(Duration::from_secs(90)));
            let mut refused = vec!["169h", "0", "-5m"];
            refused.extend(below);
            for bad in refused {
                let e = parse(bad).unwrap_err().0;
                assert_eq!(
                    e,
                    format!(
                        "{} {bad} is out of range: give a duration from {shortest} to 168h",
                        flag.flag
                    )
                );
            }
            let e = parse("soon").unwrap_err().0;
            assert!(
                e.starts_with(&format!("{} soon is not a duration", flag.flag)),
                "{e}"
            );
        }
    }

    #[test]
    fn each_percentage_flag_holds_its_own_range() {
        for (flag, zero_ok) in [
            (TARGET_CI, false),
            (THRESHOLD, false),
            (TOLERANCE, true),
            (RETROGRADE_THRESHOLD, true),
        ] {
            let parse = flag.parser();
            let name = flag.flag;
            assert_eq!(parse("5%").map(|p| p.fraction()), Ok(0.05), "{name}");
            assert_eq!(parse("0.05").map(|p| p.fraction()), Ok(0.05), "{name}");
            assert_eq!(parse("99.5%").map(|p| p.to_string()), Ok("99.5%".into()));
            assert_eq!(parse("0%").is_ok(), zero_ok, "{name}");
            let e = parse("100%").unwrap_err().0;
            assert!(
                e.starts_with(&format!("{name} 100% is out of range")),
                "{e}"
            );
            let e = parse("-1%").unwrap_err().0;
            assert!(e.starts_with(&format!("{name} -1% is out of range")), "{e}");
            assert_eq!(
                parse("5").unwrap_err().0,
                format!("{name} 5 is ambiguous: write 5% (or the fraction 0.05)")
            );
            let e = parse("five").unwrap_err().0;
            assert!(
                e.starts_with(&format!("{name} five is not a percentage")),
                "{e}"
            );
        }
    }
}
