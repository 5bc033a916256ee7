//! Parses the unit-carrying flag values of `run`: percentages (`--target-ci 2%`) and durations
//! (`--max-time 10m`, `--wait-idle 90s`). Errors are one sentence naming the flag.

use std::time::Duration;

/// The longest duration accepted: a week. Longer is almost surely a typo, and it keeps
/// `Duration` arithmetic far from overflow.
pub const MAX_DURATION: Duration = Duration::from_secs(7 * 24 * 3600);

/// Parses a percentage such as `2%`, `2` or `0.5%` into a fraction (0.02, 0.02, 0.005).
/// It must lie in (0, 100).
pub fn parse_percent(flag: &str, text: &str) -> Result<f64, String> {
    let t = text.trim();
    let number = t.strip_suffix('%').unwrap_or(t).trim();
    let hint = || {
        format!(
            "{flag} {text:?} is not a percentage; give a number above 0 and below 100, such as 2% or 0.5%"
        )
    };
    let value: f64 = number.parse().map_err(|_| hint())?;
    if !value.is_finite() || value <= 0.0 || value >= 100.0 {
        return Err(hint());
    }
    Ok(value / 100.0)
}

/// Parses a duration: a number with a unit, `ms`, `s`, `m` or `h` (`90s`, `10m`, `1.5h`), or
/// a plain number of seconds. It must be above zero and at most a week.
pub fn parse_duration(flag: &str, text: &str) -> Result<Duration, String> {
    let t = text.trim();
    let hint = || {
        format!(
            "{flag} {text:?} is not a duration; give a number with a unit, such as 90s, 10m or 1h (at most a week)"
        )
    };
    let split = t.find(|c: char| c.is_ascii_alphabetic()).unwrap_or(t.len());
    let (number, unit) = t.split_at(split);
    let scale = match unit.trim() {
        "ms" => 1e-3,
        "" | "s" => 1.0,
        "m" | "min" => 60.0,
        "h" => 3600.0,
        _ => return Err(hint()),
    };
    let value: f64 = number.trim().parse().map_err(|_| hint())?;
    let secs = value * scale;
    // Checked before `Duration::from_secs_f64`, which panics on negative or huge values.
    if !secs.is_finite() || secs <= 0.0 || secs > MAX_DURATION.as_secs_f64() {
        return Err(hint());
    }
    Ok(Duration::from_secs_f64(secs))
}

/// A duration as a short human string: `90s`, `10m`, `1h 30m`, `250ms`.
pub fn show_duration(d: Duration) -> String {
    let ms = d.as_millis();
    if ms < 1000 {
        return format!("{ms}ms");
    }
    let s = d.as_secs();
    match (s / 3600, (s % 3600) / 60, s % 60) {
        (0, 0, sec) => format!("{sec}s"),
        (0, m, 0) => format!("{m}m"),
        (0, m, sec) => format!("{m}m {sec}s"),
        (h, 0, 0) => format!("{h}h"),
        (h, m, _) => format!("{h}h {m}m"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn percentages() {
        assert_eq!(parse_percent("--target-ci", "2%"), Ok(0.02));
        assert_eq!(parse_percent("--target-ci", "2"), Ok(0.02));
        assert_eq!(parse_percent("--target-ci", " 0.5 % "), Ok(0.005));
        for bad in [
            "0", "0%", "-1%", "100%", "abc", "", "%", "nan", "inf%", "2%%",
        ] {
            let e = parse_percent("--target-ci", bad).unwrap_err();
            assert!(e.starts_with("--target-ci"), "{bad}: {e}");
        }
    }

    #[test]
    fn durations() {
        let d = |t| parse_duration("--max-time", t);
        assert_eq!(d("90s"), Ok(Duration::from_secs(90)));
        assert_eq!(d("10m"), Ok(Duration::from_secs(600)));
        assert_eq!(d("1.5h"), Ok(Duration::from_secs(5400)));
        assert_eq!(d("250ms"), Ok(Duration::from_millis(250)));
        assert_eq!(d("30"), Ok(Duration::from_secs(30)));
        for bad in [
            "0", "0s", "-5m", "abc", "", "m", "10x", "8d", "1e30s", "nan", "inf", "10 m s",
        ] {
            let e = d(bad).unwrap_err();
            assert!(e.starts_with("--max-time"), "{bad}: {e}");
        }
        assert!(d("168h").is_ok());
        assert!(d("169h").is_err());
    }

    #[test]
    fn shown() {
        assert_eq!(show_duration(Duration::from_secs(90)), "1m 30s");
        assert_eq!(show_duration(Duration::from_secs(600)), "10m");
        assert_eq!(show_duration(Duration::from_secs(5400)), "1h 30m");
        assert_eq!(show_duration(Duration::from_millis(250)), "250ms");
    }

    proptest! {
        #[test]
        fn never_panics(text in ".{0,12}") {
            let _ = parse_duration("--max-time", &text);
            let _ = parse_percent("--target-ci", &text);
        }
    }
}
