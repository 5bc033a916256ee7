//! The documented range of every numeric flag, and the clap value parsers that enforce it while
//! the command line is parsed: a value out of range, negative or unreadable gets one sentence
//! naming the flag and its range, before anything runs. A range keeps a typo from starting a
//! run that never ends (`--io-ms 18446744073709551615`) or asks for more memory than exists.

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
pub const TASKS: Whole = Whole {
    flag: "--tasks",
    min: 1,
    max: 10_000_000,
    what: "tasks each batch runs",
};
/// `analyze --tasks`: tasks per measured run (only scales seconds into tasks/s).
pub const ANALYZE_TASKS: Whole = Whole {
    flag: "--tasks",
    min: 1,
    max: 1_000_000_000_000,
    what: "tasks each measured run did",
};
/// `--iterations`: loop length of each cpu task.
pub const ITERATIONS: Whole = Whole {
    flag: "--iterations",
    min: 1,
    max: 100_000_000_000,
    what: "loop iterations of each cpu task",
};
/// `--repetitions`: kept batches per worker count.
pub const REPETITIONS: Whole = Whole {
    flag: "--repetitions",
    min: 1,
    max: 10_000,
    what: "kept batches per worker count (for tighter intervals use --target-ci)",
};
/// `--warmup`: discarded batches per worker count.
pub const WARMUP: Whole = Whole {
    flag: "--warmup",
    min: 0,
    max: 1_000,
    what: "discarded batches per worker count",
};
/// `--seed`: any unsigned 64-bit number.
pub const SEED: Whole = Whole {
    flag: "--seed",
    min: 0,
    max: u64::MAX,
    what: "the seed of the shuffles and the bootstrap",
};
/// `--buffer-mib`: MiB each memory task streams through (also checked against the machine's
/// memory by `config::workload`).
pub const BUFFER_MIB: Whole = Whole {
    flag: "--buffer-mib",
    min: 1,
    max: 1 << 20,
    what: "MiB of buffer each memory task streams through",
};
/// `--io-ms`: how long each io task blocks (a minute at most).
pub const IO_MS: Whole = Whole {
    flag: "--io-ms",
    min: 1,
    max: 60_000,
    what: "milliseconds each io task blocks",
};
/// `--updates`: locked updates per contended task.
pub const UPDATES: Whole = Whole {
    flag: "--updates",
    min: 1,
    max: 1_000_000_000,
    what: "locked updates each contended task makes",
};
/// `--work-ns`: nanoseconds of work per tiny task (a second at most).
pub const WORK_NS: Whole = Whole {
    flag: "--work-ns",
    min: 0,
    max: 1_000_000_000,
    what: "nanoseconds of work per tiny task",
};
/// `--chunk`: tasks a worker claims at once.
pub const CHUNK: Whole = Whole {
    flag: "--chunk",
    min: 1,
    max: 10_000_000,
    what: "tasks a worker claims at once",
};

/// Highest `--price-per-hour` and `--price` accepted, in USD per hour.
pub const MAX_PRICE_PER_HOUR: f64 = 1_000_000.0;

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
    pub fn parser(self) -> impl Fn(&str) -> Result<u64, String> + Clone + Send + Sync + 'static {
        move |text| self.check(text)
    }

    /// A clap value parser for this range into a `u32` (the range must fit in one).
    pub fn parser_u32(
        self,
    ) -> impl Fn(&str) -> Result<u32, String> + Clone + Send + Sync + 'static {
        move |text| {
            self.check(text)
                .and_then(|v| u32::try_from(v).map_err(|e| e.to_string()))
        }
    }
}

/// A clap value parser for a price in USD per hour: above 0, at most `MAX_PRICE_PER_HOUR`.
pub fn price(text: &str) -> Result<f64, String> {
    let v: Option<f64> = text.trim().parse().ok();
    match v {
        Some(p) if p.is_finite() && p > 0.0 && p <= MAX_PRICE_PER_HOUR => Ok(p),
        _ => Err(format!(
            "--price-per-hour {} is not a price: give a number of USD per hour above 0 and at most {MAX_PRICE_PER_HOUR}",
            crate::visible::excerpt(text, 40)
        )),
    }
}

/// A clap value parser for `--alpha`: a significance level above 0 and below 1.
pub fn alpha(text: &str) -> Result<f64, String> {
    let v: Option<f64> = text.trim().parse().ok();
    match v {
        Some(a) if a > 0.0 && a < 0.5 => Ok(a),
        _ => Err(format!(
            "--alpha {} is out of range: give an error rate above 0 and below 0.5, such as 0.05",
            crate::visible::excerpt(text, 40)
        )),
    }
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
    }

    #[test]
    fn prices_and_alpha() {
        assert_eq!(price("0.5"), Ok(0.5));
        for bad in ["-5", "0", "nan", "inf", "1e9", "free"] {
            assert!(
                price(bad).unwrap_err().starts_with("--price-per-hour "),
                "{bad}"
            );
        }
        assert_eq!(alpha("0.05"), Ok(0.05));
        for bad in ["-1", "0", "1", "x"] {
            assert!(alpha(bad).unwrap_err().starts_with("--alpha "), "{bad}");
        }
    }
}
