//! How plateau writes numbers for people: rates (thousands grouped), seconds with their unit,
//! and durations in the grammar the duration flags accept. One formatter for the verdict, every
//! writer and every error message, so a figure reads the same wherever it appears. Pure.

use std::time::Duration;

/// A rate with thousands grouped: `12,346`, `333.9`, `7.805`; very small rates keep three
/// significant digits (`4.20e-3`); not finite is `-`.
pub fn rate(x: f64) -> String {
    if !x.is_finite() {
        return "-".into();
    }
    let a = x.abs();
    if a >= 1000.0 {
        let sign = if x < 0.0 { "-" } else { "" };
        format!("{sign}{}", grouped(a.round() as u64))
    } else if a >= 10.0 {
        format!("{x:.1}")
    } else if a >= 0.01 || a == 0.0 {
        format!("{x:.3}")
    } else {
        format!("{x:.2e}")
    }
}

/// `1234567` as `1,234,567`.
fn grouped(whole: u64) -> String {
    let digits = whole.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Seconds with a unit that keeps about four significant digits: `1.235 s`, `12.30 ms`.
pub fn secs(s: f64) -> String {
    if s >= 100.0 {
        format!("{s:.1} s")
    } else if s >= 1.0 {
        format!("{s:.3} s")
    } else if s >= 1e-3 {
        format!("{:.2} ms", s * 1e3)
    } else {
        format!("{:.1} µs", s * 1e6)
    }
}

/// Seconds for a sentence, to two or three significant digits: `40 ms`, `2.5 ms`, `850 µs`,
/// `1.20 s`.
pub fn short_secs(s: f64) -> String {
    let (v, unit) = if s >= 1.0 {
        (s, "s")
    } else if s >= 1e-3 {
        (s * 1e3, "ms")
    } else {
        (s * 1e6, "µs")
    };
    if v >= 10.0 || v == 0.0 {
        format!("{v:.0} {unit}")
    } else if unit == "s" {
        format!("{v:.2} {unit}")
    } else {
        format!("{v:.1} {unit}")
    }
}

/// A duration as a short string in the duration flags' own grammar: `250us`, `500ms`, `90s` as
/// `1m 30s`, `10m`, `1h 30m`, `168h`. Below a second it rounds down to whole units.
pub fn show_duration(d: Duration) -> String {
    if d < Duration::from_millis(1) {
        return format!("{}us", d.as_micros());
    }
    if d < Duration::from_secs(1) {
        return format!("{}ms", d.as_millis());
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

    #[test]
    fn rates_group_thousands_and_keep_small_ones_readable() {
        assert_eq!(rate(1_234_567.8), "1,234,568");
        assert_eq!(rate(12_345.6), "12,346");
        assert_eq!(rate(-12_345.6), "-12,346");
        assert_eq!(rate(333.94), "333.9");
        assert_eq!(rate(12.34), "12.3");
        assert_eq!(rate(7.8049), "7.805");
        assert_eq!(rate(0.0), "0.000");
        assert_eq!(rate(0.0042), "4.20e-3");
        assert_eq!(rate(f64::NAN), "-");
        assert_eq!(rate(f64::INFINITY), "-");
    }

    #[test]
    fn seconds_carry_their_unit() {
        assert_eq!(secs(123.45), "123.5 s");
        assert_eq!(secs(1.23456), "1.235 s");
        assert_eq!(secs(0.0123), "12.30 ms");
        assert_eq!(secs(0.0000123), "12.3 µs");
    }

    #[test]
    fn short_seconds_read_in_a_sentence() {
        assert_eq!(short_secs(0.04), "40 ms");
        assert_eq!(short_secs(0.0025), "2.5 ms");
        assert_eq!(short_secs(0.00085), "850 µs");
        assert_eq!(short_secs(1.2), "1.20 s");
        assert_eq!(short_secs(0.0), "0 µs");
    }

    #[test]
    fn durations_use_the_flags_grammar() {
        assert_eq!(show_duration(Duration::from_micros(250)), "250us");
        assert_eq!(show_duration(Duration::from_millis(250)), "250ms");
        assert_eq!(show_duration(Duration::from_secs(90)), "1m 30s");
        assert_eq!(show_duration(Duration::from_secs(600)), "10m");
        assert_eq!(show_duration(Duration::from_secs(3600)), "1h");
        assert_eq!(show_duration(Duration::from_secs(5400)), "1h 30m");
    }
}
