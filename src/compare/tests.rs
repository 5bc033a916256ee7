//! Unit tests of `compare` on hand-built records: verdicts, statuses, the correction, the
//! too-few-samples rule and the curve checks.

use super::*;
use crate::model::Peak;
use crate::stats::mann_whitney::PMethod;
use crate::testdata::{self, RecordSpec};

const OPTS: CompareOptions = CompareOptions {
    threshold: 0.05,
    alpha: 0.05,
};

/// A record of the given wall times per worker count (16 tasks, seed `seed`).
fn record(points: &[(usize, Vec<f64>)], seed: u64) -> RunRecord {
    RecordSpec {
        label: "t".into(),
        workload: serde_json::json!({"name": "cpu", "iterations": 1000}),
        tasks: 16,
        repetitions: 5,
        warmup: 1,
        seed,
        ..RecordSpec::default()
    }
    .with_samples(points)
}

/// Five walls around `centre` with +-2% spread in a fixed pattern.
fn walls(centre: f64) -> Vec<f64> {
    [1.0, 1.02, 0.98, 1.01, 0.99]
        .iter()
        .map(|f| f * centre)
        .collect()
}

fn curve(scale: f64) -> Vec<(usize, Vec<f64>)> {
    vec![(1, walls(1.0 * scale)), (2, walls(0.5 * scale))]
}

#[test]
fn the_same_curve_passes() {
    let c = compare(&record(&curve(1.0), 1), &record(&curve(1.0), 2), &OPTS);
    assert_eq!(c.verdict, Verdict::Pass);
    assert!(c.points.iter().all(|p| p.status == Status::WithinThreshold));
    assert!(c.regressions.is_empty() && c.improvements.is_empty());
    assert_eq!(c.whole_curve.unwrap().status, Status::WithinThreshold);
    assert!(
        c.notes.iter().all(|n| !n.contains("cannot reach")),
        "{:?}",
        c.notes
    );
}

#[test]
fn ten_percent_slower_everywhere_is_a_regression() {
    let c = compare(&record(&curve(1.0), 1), &record(&curve(1.1), 2), &OPTS);
    assert_eq!(c.verdict, Verdict::Regression);
    assert_eq!(c.regressions, vec![1, 2]);
    let whole = c.whole_curve.unwrap();
    assert_eq!(whole.status, Status::Regression);
    assert!((whole.evidence.ratio.ratio - 1.0 / 1.1).abs() < 1e-9);
    let e = c.points[0].evidence.unwrap();
    assert!(
        (e.p_slower - 1.0 / 252.0).abs() < 1e-12,
        "complete separation, 5 vs 5"
    );
    assert!(
        e.p_slower_holm > e.p_slower,
        "the family correction applies"
    );
    assert_eq!(c.points[0].p_method, Some(PMethod::Exact));
}

#[test]
fn faster_is_an_improvement_not_a_regression() {
    let c = compare(&record(&curve(1.0), 1), &record(&curve(0.85), 2), &OPTS);
    assert_eq!(c.verdict, Verdict::Pass);
    assert_eq!(c.improvements, vec![1, 2]);
}

#[test]
fn a_slowdown_within_the_threshold_passes_even_when_significant() {
    let c = compare(&record(&curve(1.0), 1), &record(&curve(1.03), 2), &OPTS);
    assert_eq!(c.verdict, Verdict::Pass);
    let e = c.points[0].evidence.unwrap();
    assert!(e.p_slower < 0.05, "3% slower with 2% spread is significant");
    assert_eq!(c.points[0].status, Status::WithinThreshold);
}

#[test]
fn a_large_but_noisy_change_is_inconclusive() {
    // Medians 10% apart, but the samples interleave: not significant.
    let base = vec![(1, vec![1.0, 1.5, 0.7, 1.3, 0.8])];
    let cur = vec![(1, vec![1.1, 1.4, 0.75, 1.6, 0.72])];
    let c = compare(&record(&base, 1), &record(&cur, 2), &OPTS);
    assert_eq!(c.points[0].status, Status::Inconclusive);
    assert_eq!(
        c.verdict,
        Verdict::Inconclusive,
        "a slowdown it cannot judge"
    );
    assert!(
        c.notes
            .iter()
            .any(|n| n.starts_with("With this spread, 5 samples per side resolve changes of about")),
        "{:?}",
        c.notes
    );
    let faster = compare(&record(&cur, 1), &record(&base, 2), &OPTS);
    assert_eq!(faster.points[0].status, Status::Inconclusive);
    assert_eq!(
        faster.verdict,
        Verdict::Pass,
        "a noisy speed-up is no regression"
    );
    assert!(
        c.notes
            .iter()
            .any(|n| n.contains("cannot be told reliably from noise")),
        "{:?}",
        c.notes
    );
}

#[test]
fn too_few_samples_are_said_plainly_and_never_judged() {
    let base = vec![(1, walls(1.0)), (2, vec![0.5, 0.5, 0.5])];
    let cur = vec![(1, walls(1.0)), (2, vec![0.9, 0.9, 0.9])];
    let c = compare(&record(&base, 1), &record(&cur, 2), &OPTS);
    assert_eq!(c.points[1].status, Status::TooFewSamples);
    assert!(c.points[1].evidence.is_none());
    assert_eq!(
        c.verdict,
        Verdict::Pass,
        "the 80% slower point has 3 samples"
    );
    assert!(
        c.notes
            .iter()
            .any(|n| n
                .contains("Too few samples to decide at worker count 2 (3 baseline, 3 current)")),
        "{:?}",
        c.notes
    );
    let none = compare(
        &record(&[(1, vec![1.0; 4])], 1),
        &record(&[(1, vec![2.0; 4])], 2),
        &OPTS,
    );
    assert_eq!(none.verdict, Verdict::Undecided);
    assert!(none.whole_curve.is_none());
}

#[test]
fn counts_in_one_run_only_are_listed() {
    let base = vec![(1, walls(1.0)), (4, walls(0.3))];
    let cur = vec![(1, walls(1.0)), (2, walls(0.5))];
    let c = compare(&record(&base, 1), &record(&cur, 2), &OPTS);
    let statuses: Vec<(usize, Status)> = c.points.iter().map(|p| (p.workers, p.status)).collect();
    assert_eq!(
        statuses,
        [
            (1, Status::WithinThreshold),
            (2, Status::OnlyInCurrent),
            (4, Status::OnlyInBaseline)
        ]
    );
}

#[test]
fn many_counts_with_few_samples_get_a_power_note_but_the_curve_still_gates() {
    let many = |scale: f64| -> Vec<(usize, Vec<f64>)> {
        (1..=24).map(|w| (w, walls(scale / w as f64))).collect()
    };
    let c = compare(&record(&many(1.0), 1), &record(&many(1.1), 2), &OPTS);
    assert!(c.regressions.is_empty(), "1/252 x 25 tests is above alpha");
    assert_eq!(c.whole_curve.as_ref().unwrap().status, Status::Regression);
    assert_eq!(c.verdict, Verdict::Regression);
    assert!(
        c.notes
            .iter()
            .any(|n| n.contains("cannot reach significance")),
        "{:?}",
        c.notes
    );
}

fn analysed(mut r: RunRecord, recommended: usize) -> RunRecord {
    let peak = Peak {
        workers: 2,
        tasks_per_sec: 32.0,
    };
    r.analysis = Some(testdata::analysis(peak, recommended));
    r
}

#[test]
fn curve_checks_use_the_analysis_when_present() {
    let b = analysed(record(&curve(1.0), 1), 2);
    let c = analysed(record(&curve(1.0), 2), 1);
    let out = compare(&b, &c, &OPTS);
    assert_eq!(out.curve.recommendation.moved, Some(true));
    assert!(out.curve.recommendation.note.contains("moved from 2 to 1"));
    let peak = out.curve.peak.unwrap();
    assert_eq!(peak.source, "analysis");
    assert_eq!(peak.baseline.tasks_per_sec, 32.0);
    assert_eq!(out.curve.efficiency.unwrap().workers, 2);
}

#[test]
fn without_analysis_the_peak_comes_from_samples_and_the_recommendation_is_skipped() {
    let out = compare(&record(&curve(1.0), 1), &record(&curve(1.1), 2), &OPTS);
    let peak = out.curve.peak.unwrap();
    assert_eq!(peak.source, "summaries");
    assert_eq!(peak.baseline.workers, 2);
    assert!((peak.baseline.tasks_per_sec - 32.0).abs() < 1e-9);
    assert_eq!(peak.movement, Movement::Lower);
    assert!(peak.ratio.unwrap().ci.hi < 1.0);
    assert_eq!(out.curve.recommendation.moved, None);
    assert!(out.curve.recommendation.note.contains("analysis is null"));
    let eff = out.curve.efficiency.unwrap();
    assert!((eff.baseline - 1.0).abs() < 1e-9 && eff.movement == Movement::Steady);
}

#[test]
fn config_differences_are_recorded_and_task_counts_only_noted() {
    let b = record(&curve(1.0), 1);
    let mut c = record(&curve(1.0), 2);
    c.config.mode = crate::model::RunMode::Processes;
    let out = compare(&b, &c, &OPTS);
    assert_eq!(out.config_differences.len(), 1);
    assert_eq!(out.config_differences[0].field, "mode");
    let mut c = record(&curve(1.0), 2);
    c.config.tasks = b.config.tasks + 8;
    let out = compare(&b, &c, &OPTS);
    assert!(out.config_differences.is_empty());
    assert!(
        out.notes
            .iter()
            .any(|n| n.contains("different task counts")),
        "{:?}",
        out.notes
    );
}

#[test]
fn movement_thresholds() {
    assert_eq!(Movement::of(0.94, 0.05), Movement::Lower);
    assert_eq!(Movement::of(0.96, 0.05), Movement::Steady);
    assert_eq!(Movement::of(1.06, 0.05), Movement::Higher);
}
