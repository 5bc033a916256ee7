//! Sweeps that continue a record (resume) or add adaptive rounds, on the deterministic fake.

use super::tests::{Recorder, spec, workload};
use super::*;
use crate::exec::fake::FakeExecutor;
use crate::testdata::empty_record;

fn counts(rec: &RunRecord) -> Vec<usize> {
    rec.points.iter().map(|p| p.samples.len()).collect()
}

#[test]
fn a_resumed_sweep_finishes_the_plan_without_repeating_batches() {
    let s = spec(&[1, 2, 3, 4]);
    let mut rec = empty_record(&s);
    // Warmup (4 batches) + round 0 (4) + 2 batches of round 1, then stop.
    let mut first = Recorder {
        stop_after: Some(10),
        ..Recorder::default()
    };
    let mut fake = FakeExecutor::new(2, 0.01, 3);
    let end = run_sweep(&s, &mut fake, &workload(), &mut rec, &mut first).unwrap();
    assert_eq!(end, SweepEnd::Stopped);
    let mut before = counts(&rec);
    before.sort_unstable();
    assert_eq!(before, vec![1, 1, 2, 2], "one round and half of the next");
    let cut_round: Vec<usize> = first.batches[8..].iter().map(|b| b.1).collect();

    let mut second = Recorder::default();
    let end = run_sweep(&s, &mut fake, &workload(), &mut rec, &mut second).unwrap();
    assert_eq!(end, SweepEnd::Completed);
    assert_eq!(counts(&rec), vec![3, 3, 3, 3]);
    let measured: Vec<(u32, usize)> = second
        .batches
        .iter()
        .filter(|b| !b.2)
        .map(|b| (b.0, b.1))
        .collect();
    // Round 1 visits only the two counts the cut left out; round 2 visits all four.
    assert_eq!(measured.len(), 2 + 4);
    for (round, workers) in &measured[..2] {
        assert_eq!(*round, 2);
        assert!(!cut_round.contains(workers));
    }
    // Later rounds keep the order the first session would have used.
    let orders = s.round_orders();
    let last: Vec<usize> = measured[2..].iter().map(|m| m.1).collect();
    let expected: Vec<usize> = orders[3].iter().map(|w| w.get()).collect();
    assert_eq!(last, expected);
    // Warmup is repeated for the counts still to measure: the machine has cooled since.
    assert_eq!(second.batches.iter().filter(|b| b.2).count(), 4);
}

#[test]
fn resuming_a_finished_plan_runs_nothing() {
    let s = spec(&[1, 2]);
    let mut rec = empty_record(&s);
    let mut fake = FakeExecutor::new(2, 0.01, 3);
    run_sweep(&s, &mut fake, &workload(), &mut rec, &mut Silent).unwrap();
    let mut again = Recorder::default();
    let end = run_sweep(&s, &mut fake, &workload(), &mut rec, &mut again).unwrap();
    assert_eq!(end, SweepEnd::Completed);
    assert!(again.batches.is_empty());
    assert_eq!(counts(&rec), vec![3, 3]);
}

fn adaptive_spec(workers: &[usize], target: f64, max_time_s: u64) -> SweepSpec {
    let mut s = spec(workers);
    s.design.adaptive = Some(crate::config::design::Adaptive {
        target,
        budget: crate::config::design::Budget::Given(Duration::from_secs(max_time_s)),
        by_default: false,
    });
    s
}

#[test]
fn quiet_points_stop_at_the_minimum_and_the_target_is_met() {
    let s = adaptive_spec(&[1, 2, 4], 0.02, 600);
    let mut rec = empty_record(&s);
    let mut fake = FakeExecutor::new(2, 0.01, 5);
    fake.jitter = 0.002;
    let end = run_sweep(&s, &mut fake, &workload(), &mut rec, &mut Silent).unwrap();
    assert_eq!(end, SweepEnd::Adaptive(AdaptiveStop::TargetMet));
    // Three planned repetitions, then rounds up to the minimum the CI needs.
    assert_eq!(counts(&rec), vec![adaptive::MIN_SAMPLES; 3]);
    assert!(rec.points.iter().all(|p| adaptive::converged(p, 0.02)));
}

#[test]
fn extra_rounds_visit_only_the_noisy_point_until_the_budget_ends() {
    let s = adaptive_spec(&[1, 2, 4], 0.02, 6);
    let mut rec = empty_record(&s);
    let mut fake = FakeExecutor::new(2, 0.01, 5);
    fake.jitter = 0.002;
    fake.jitter_at.insert(2, 0.6);
    let mut obs = Recorder::default();
    let end = run_sweep(&s, &mut fake, &workload(), &mut rec, &mut obs).unwrap();
    assert_eq!(end, SweepEnd::Adaptive(AdaptiveStop::MaxTime));
    let c = counts(&rec);
    // The steady 1-worker point stops at the minimum; the noisy point gets the extra rounds,
    // with 4 workers (the peak or its rival) as the anchor each round is compared within.
    assert_eq!(c[0], crate::decision::MIN_ROUNDS);
    assert!(
        c[1] > 10 && c[1] > c[2],
        "the noisy point got the extra rounds: {c:?}"
    );
    let late: Vec<usize> = obs
        .batches
        .iter()
        .filter(|b| b.0 >= s.rounds() + 2)
        .map(|b| b.1)
        .collect();
    assert!(!late.is_empty() && late.iter().all(|&w| w != 1), "{late:?}");
    assert!(late.contains(&2), "{late:?}");
    // Fake time spent stays within the budget: a round that would overrun is not started.
    let spent: f64 = time_in_samples(&rec);
    assert!(spent <= 6.0, "{spent}");
}

#[test]
fn a_resumed_adaptive_sweep_counts_the_time_already_spent() {
    let s = adaptive_spec(&[1, 2], 0.001, 5);
    let mut rec = empty_record(&s);
    let mut fake = FakeExecutor::new(2, 0.01, 5);
    fake.jitter = 0.5;
    let end = run_sweep(&s, &mut fake, &workload(), &mut rec, &mut Silent).unwrap();
    assert_eq!(end, SweepEnd::Adaptive(AdaptiveStop::MaxTime));
    let after_first = counts(&rec);
    let mut again = Recorder::default();
    let end = run_sweep(&s, &mut fake, &workload(), &mut rec, &mut again).unwrap();
    assert_eq!(end, SweepEnd::Adaptive(AdaptiveStop::MaxTime));
    assert!(
        again.batches.iter().all(|b| b.2),
        "only warmup ran: the budget was already spent"
    );
    assert_eq!(counts(&rec), after_first);
}
