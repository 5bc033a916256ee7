//! `--latency-slo PERCENTILE=LIMIT` (`p99=50ms`, `p50=200us`, `p999=1.5s`): the clap value
//! parser that turns it into a typed `LatencySlo`, or one sentence naming the flag, the value and
//! what is wanted. The limit needs a unit (a bare `50` could be seconds or milliseconds).

use crate::error::FlagError;
use crate::model::Percentile;
use std::time::Duration;

/// A latency objective: this percentile of task latency at most this long.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LatencySlo {
    /// The percentile bounded.
    pub percentile: Percentile,
    /// Its limit (above zero, at most an hour).
    pub limit: Duration,
}

impl std::fmt::Display for LatencySlo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} <= {}",
            self.percentile,
            crate::numbers::short_secs(self.limit.as_secs_f64())
        )
    }
}

/// The longest limit: the latency histogram counts tasks up to an hour.
const MAX_LIMIT: Duration = Duration::from_secs(3600);

/// The clap value parser of `--latency-slo`.
pub fn parse(text: &str) -> Result<LatencySlo, FlagError> {
    parse_slo(text).map_err(FlagError)
}

fn parse_slo(text: &str) -> Result<LatencySlo, String> {
    let shown = super::shown(text);
    let want = "write PERCENTILE=LIMIT with one of p50, p90, p99 or p999 and a duration with its \
unit (us, ms or s), such as p99=50ms";
    let Some((name, limit)) = text.trim().split_once('=') else {
        return Err(format!("--latency-slo {shown} names no percentile: {want}"));
    };
    let name = name.trim().to_ascii_lowercase();
    let Some(percentile) = Percentile::KNOWN.into_iter().find(|p| p.as_str() == name) else {
        return Err(format!(
            "--latency-slo {shown}: {} is not a percentile plateau records; {want}",
            super::shown(&name)
        ));
    };
    let limit = limit.trim();
    if limit.is_empty() || !limit.contains(|c: char| c.is_alphabetic()) {
        return Err(format!(
            "--latency-slo {shown} gives no unit for the limit: {want}"
        ));
    }
    let range = super::DurationRange {
        min: Duration::from_nanos(1),
        max: MAX_LIMIT,
    };
    let flag = super::DurationFlag {
        flag: "--latency-slo",
        range,
    };
    let limit = (flag.parser())(limit).map_err(|_| {
        format!(
            "--latency-slo {shown} needs a limit above zero and at most 1h, with its unit: {want}"
        )
    })?;
    if limit.is_zero() {
        return Err(format!(
            "--latency-slo {shown} needs a limit above zero and at most 1h, with its unit: {want}"
        ));
    }
    Ok(LatencySlo { percentile, limit })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_and_units_are_read() {
        let s = parse("p99=50ms").unwrap();
        assert_eq!(s.percentile, Percentile::P99);
        assert_eq!(s.limit, Duration::from_millis(50));
        assert_eq!(
            parse("P50 = 200us").unwrap().limit,
            Duration::from_micros(200)
        );
        assert_eq!(parse("p999=1.5s").unwrap().percentile, Percentile::P999);
        assert_eq!(parse("p90=2s").unwrap().to_string(), "p90 <= 2.00 s");
    }

    #[test]
    fn each_bad_value_gets_its_own_sentence() {
        let says = |text: &str, needle: &str| {
            let e = parse(text).unwrap_err().0;
            assert!(e.starts_with("--latency-slo"), "{e}");
            assert!(e.contains(needle), "{text}: {e}");
            assert!(!e.contains('\n'), "{e}");
        };
        says("50ms", "names no percentile");
        says("p95=50ms", "not a percentile");
        says("p99=50", "no unit");
        says("p99=", "no unit");
        says("p99=0ms", "above zero");
        says("p99=-5ms", "above zero");
        says("p99=2h", "at most 1h");
        says("p99=fast", "above zero");
    }
}
