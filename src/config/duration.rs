//! Durations as users type them: `30s`, `500ms`, `2m`, `1.5s`, `1h`, `250us`, or a bare number
//! of seconds.

use std::time::Duration;

/// Parses a positive duration; the error says what was expected.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let t = text.trim();
    let split = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(t.len());
    let (num, unit) = t.split_at(split);
    let value: f64 = num.parse().map_err(|_| bad(text))?;
    let seconds = match unit.trim() {
        "" | "s" | "sec" => value,
        "ms" => value / 1e3,
        "us" | "µs" => value / 1e6,
        "m" | "min" => value * 60.0,
        "h" => value * 3600.0,
        _ => return Err(bad(text)),
    };
    if !seconds.is_finite() || seconds <= 0.0 || seconds > 1e9 {
        return Err(bad(text));
    }
    Ok(Duration::from_secs_f64(seconds))
}

fn bad(text: &str) -> String {
    format!("{text:?} is not a positive duration such as 30s, 500ms or 2m")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn duration_fixtures() {
        assert_eq!(parse_duration("30s"), Ok(Duration::from_secs(30)));
        assert_eq!(parse_duration("500ms"), Ok(Duration::from_millis(500)));
        assert_eq!(parse_duration("2m"), Ok(Duration::from_secs(120)));
        assert_eq!(parse_duration("1.5"), Ok(Duration::from_millis(1500)));
        assert_eq!(parse_duration("250us"), Ok(Duration::from_micros(250)));
        for bad in ["", "0s", "-1s", "5x", "ms", "1.2.3s"] {
            assert!(parse_duration(bad).is_err(), "{bad}");
        }
    }
}
