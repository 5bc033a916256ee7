//! Property: whatever `analyze` accepts, and whatever a run can record, plateau writes a
//! results.json that it reads back, with every number finite: extreme inputs (subnormal and
//! huge times, u64::MAX counts and worker counts, control characters in labels) are either
//! refused on the way in or survive the round trip. The writers never panic on them.

use plateau::analysis::{AnalysisOptions, analyze};
use plateau::import::csv::from_text;
use plateau::import::record::{ImportContext, to_record};
use plateau::model::{RunRecord, Sample, json};
use plateau::summary::summarize_points;
use proptest::prelude::*;
use std::num::NonZeroU64;
use std::path::Path;

/// Numbers as a hostile CSV would write them.
fn number() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("1e-320".to_string()),
        Just("5e-324".to_string()),
        Just("2.2250738585072014e-308".to_string()),
        Just("1e308".to_string()),
        Just("1.7976931348623157e308".to_string()),
        Just("18446744073709551615".to_string()),
        Just("1e-9".to_string()),
        Just("1e12".to_string()),
        any::<f64>().prop_map(|x| x.to_string()),
        (1e-12f64..1e15).prop_map(|x| format!("{x:e}")),
        (0.001f64..100.0).prop_map(|x| x.to_string()),
    ]
}

fn workers() -> impl Strategy<Value = String> {
    prop_oneof![
        (1usize..=64).prop_map(|w| w.to_string()),
        Just("1048576".to_string()),
        Just("18446744073709551615".to_string()),
        Just("9007199254740993".to_string()),
    ]
}

/// Every number in the JSON text is finite (serde_json writes NaN and infinities as null,
/// which the reader would refuse; this names the culprit instead).
fn assert_readable(record: &RunRecord) -> Result<(), TestCaseError> {
    let bytes = json::render(record);
    let text = String::from_utf8(bytes).unwrap();
    let back = json::parse(&text, Path::new("results.json"));
    prop_assert!(back.is_ok(), "{:#}", back.unwrap_err());
    // Read back again: what was read renders to a file that reads back with the same values
    // (floats within parsing precision).
    let again = String::from_utf8(json::render(&back.unwrap())).unwrap();
    let third = json::parse(&again, Path::new("results.json"));
    prop_assert!(third.is_ok(), "{:#}", third.unwrap_err());
    let a: serde_json::Value = serde_json::from_str(&text).unwrap();
    let b: serde_json::Value = serde_json::from_str(&again).unwrap();
    prop_assert!(close(&a, &b), "the read-back record differs");
    Ok(())
}

/// Equal JSON trees, numbers within a relative 1e-12.
fn close(a: &serde_json::Value, b: &serde_json::Value) -> bool {
    use serde_json::Value::*;
    match (a, b) {
        (Number(x), Number(y)) => {
            let (x, y) = (x.as_f64().unwrap(), y.as_f64().unwrap());
            x == y || (x - y).abs() <= 1e-12 * x.abs().max(y.abs())
        }
        (Array(x), Array(y)) => x.len() == y.len() && x.iter().zip(y).all(|(x, y)| close(x, y)),
        (Object(x), Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| close(v, w)))
        }
        _ => a == b,
    }
}

fn render_everything(record: &RunRecord) -> Result<(), TestCaseError> {
    prop_assert!(plateau::render::chart::render(record).is_ok());
    let html = plateau::render::html::render_single(record).unwrap();
    let md = plateau::render::markdown::render_single(record).unwrap();
    for text in [&html, &md] {
        let raw = text.contains('\u{1b}') || text.contains('\u{7}');
        prop_assert!(!raw, "a raw control character reached an output");
    }
    let _ = plateau::term::table::render(record);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn what_analyze_accepts_reads_back(
        rows in prop::collection::vec((workers(), number()), 1..12),
        seconds in any::<bool>(),
        tasks in prop_oneof![Just(None), Just(Some(1u64)), Just(Some(1_000_000_000_000u64))],
        label in prop_oneof![Just(None), Just(Some("c7i\u{1b}[31m\u{7}".to_string()))],
    ) {
        let header = if seconds { "workers,seconds" } else { "workers,throughput" };
        let mut text = format!("{header}\n");
        for (w, v) in &rows {
            text.push_str(&format!("{w},{v}\n"));
        }
        let Ok(imported) = from_text(&text, Path::new("x.csv"), tasks.and_then(NonZeroU64::new)) else {
            return Ok(()); // refused on the way in: nothing to read back
        };
        let ctx = ImportContext {
            label,
            command_line: vec!["plateau".into(), "analyze".into()],
            now: "2026-01-01T00:00:00Z".into(),
        };
        let mut record = to_record(vec![imported], &ctx, || plateau::testdata::machine(4)).unwrap();
        summarize_points(&mut record.points, record.config.tasks, record.config.seed);
        record.analysis = analyze(&record, &AnalysisOptions::default());
        assert_readable(&record)?;
        render_everything(&record)?;
    }

    #[test]
    fn what_a_run_records_reads_back(
        walls in prop::collection::vec(prop::collection::vec(1e-9f64..1e6, 1..6), 1..6),
        tasks in prop_oneof![Just(1u64), Just(10_000_000u64), 1u64..1000],
        counter in prop_oneof![Just(0u64), Just(u64::MAX), any::<u64>()],
        failed in prop_oneof![Just(None), Just(Some(0u64)), Just(Some(u64::MAX))],
        price in prop_oneof![Just(None), Just(Some(1e-9f64)), Just(Some(1_000_000.0f64))],
    ) {
        let points: Vec<(usize, Vec<f64>)> =
            walls.into_iter().enumerate().map(|(i, w)| (1usize << i, w)).collect();
        let mut record = plateau::testdata::record_from_samples(&points, tasks, 2);
        record.run.price_per_hour = price;
        record.run.label = "lab\u{1b}]0;title\u{7}el".into();
        for s in record.points.iter_mut().flat_map(|p| p.samples.iter_mut()) {
            *s = Sample {
                voluntary_ctx_switches: counter,
                involuntary_ctx_switches: counter,
                peak_rss_bytes: counter,
                worker_peak_rss_bytes: vec![counter, counter],
                failed_tasks: failed,
                throttled_periods: Some(counter),
                ..s.clone()
            };
        }
        summarize_points(&mut record.points, record.config.tasks, record.config.seed);
        record.analysis = analyze(&record, &AnalysisOptions::default());
        assert_readable(&record)?;
        render_everything(&record)?;
    }
}
