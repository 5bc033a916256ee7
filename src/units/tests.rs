//! Tests of the units grammar: every accepted and refused form, each flag's own range.

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
fn a_percent_is_a_fraction_shown_as_a_percentage() {
    let parse = PercentFlag {
        flag: "--tolerance",
        range: PercentRange::FROM_ZERO,
    }
    .parser();
    let p = parse("0.025").unwrap();
    assert_eq!(p.fraction(), 0.025);
    assert_eq!(p.to_string(), "2.5%");
    assert_eq!(parse("5%").unwrap().to_string(), "5%");
    assert_eq!(parse("0").unwrap().to_string(), "0%");
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
