//! The gate on recorded samples (runs swept by the deterministic fake executor): the same
//! build with noise passes, a 10% slower build is flagged, across many seed pairs.

pub mod common;

use common::recording::{Recording, record};
use plateau::compare::{CompareOptions, Status, Verdict, compare};

const DEFAULT: CompareOptions = CompareOptions {
    threshold: 0.05,
    alpha: 0.05,
};

#[test]
fn same_build_with_noise_passes_in_every_pair() {
    for pair in 0..20u64 {
        let base = record(Recording::new(2 * pair + 1));
        let cur = record(Recording::new(2 * pair + 2));
        let c = compare(&base, &cur, &DEFAULT);
        assert_eq!(c.verdict, Verdict::Pass, "pair {pair}: {:?}", c.points);
        assert!(c.regressions.is_empty());
    }
}

#[test]
fn ten_percent_slower_is_flagged_in_every_pair() {
    for pair in 0..20u64 {
        let base = record(Recording::new(2 * pair + 1));
        let slow = record(Recording {
            task_s: 0.011,
            ..Recording::new(2 * pair + 2)
        });
        let c = compare(&base, &slow, &DEFAULT);
        assert_eq!(c.verdict, Verdict::Regression, "pair {pair}");
        let whole = c.whole_curve.expect("three decided counts");
        assert_eq!(whole.status, Status::Regression);
        assert!(
            (whole.evidence.ratio.ratio - 1.0 / 1.1).abs() < 0.03,
            "{:?}",
            whole.evidence.ratio
        );
    }
}

#[test]
fn a_change_hidden_by_noise_is_inconclusive_not_guessed() {
    // 30% jitter hides a 10% slowdown in 5 samples: beyond the threshold but not significant
    // is reported as inconclusive; only significant drops are called regressions.
    let noisy = |seed| Recording {
        jitter: 0.3,
        ..Recording::new(seed)
    };
    let mut inconclusive = 0;
    let mut regressions = 0;
    for pair in 0..20u64 {
        let slow = Recording {
            task_s: 0.011,
            ..noisy(2 * pair + 2)
        };
        let c = compare(&record(noisy(2 * pair + 1)), &record(slow), &DEFAULT);
        for p in &c.points {
            let e = p.evidence.expect("5 samples per side are decided");
            if e.ratio.ratio < 0.95 {
                let significant = e.p_slower_holm < DEFAULT.alpha;
                let want = if significant {
                    Status::Regression
                } else {
                    Status::Inconclusive
                };
                assert_eq!(p.status, want, "pair {pair}, {} workers", p.workers);
                inconclusive += usize::from(!significant);
                regressions += usize::from(significant);
            }
        }
    }
    assert!(inconclusive > regressions, "{inconclusive} {regressions}");
}

#[test]
fn three_repetitions_are_too_few_to_decide() {
    let few = |seed| Recording {
        repetitions: 3,
        ..Recording::new(seed)
    };
    let slow = Recording {
        task_s: 0.02,
        ..few(2)
    };
    let c = compare(&record(few(1)), &record(slow), &DEFAULT);
    assert_eq!(
        c.verdict,
        Verdict::Undecided,
        "twice as slow, but 3 samples"
    );
    assert!(c.points.iter().all(|p| p.status == Status::TooFewSamples));
}
