//! Tests of the sweep on the fake executor: rounds, shuffles, failures, stops.
use super::*;
use crate::exec::fake::FakeExecutor;
use crate::testdata::empty_record;
use crate::workload::cpu::CpuWorkload;
use std::sync::Arc;

pub(crate) fn spec(workers: &[usize]) -> SweepSpec {
    SweepSpec {
        workers: workers
            .iter()
            .map(|&w| NonZeroUsize::new(w).unwrap())
            .collect(),
        design: Design::fixed_rounds(32, 1, 3),
        analysis: Default::default(),
        capacity_cpus: None,
        seed: 11,
        schedule: Schedule::Dynamic,
        pin_cpus: vec![],
        cancel: crate::cancel::CancelToken::new(),
        chunk: Default::default(),
        watch: None,
    }
}

#[derive(Default)]
pub(crate) struct Recorder {
    pub(crate) batches: Vec<(u32, usize, bool)>,
    pub(crate) saves: usize,
    pub(crate) stop_after: Option<usize>,
}

impl SweepObserver for Recorder {
    fn batch_done(&mut self, e: &BatchEvent<'_>) {
        self.batches.push((e.round, e.workers, e.warmup));
    }
    fn round_done(&mut self, r: &RunRecord) {
        self.saves += 1;
        assert!(r.points.iter().all(|p| p.summary.is_some()));
    }
    fn should_stop(&self) -> bool {
        self.stop_after.is_some_and(|n| self.batches.len() >= n)
    }
}

pub(crate) fn workload() -> SharedWorkload {
    Arc::new(CpuWorkload::new(10))
}

/// The fake executor most tests sweep on: 2 cores, 10 ms a task, seed 1.
pub(crate) fn fake() -> FakeExecutor {
    FakeExecutor::new(2, 0.01, 1)
}

/// Sweeps `s` into a fresh record on `executor`; the sweep must not fail.
pub(crate) fn sweep_fresh(
    s: &SweepSpec,
    executor: &mut dyn Executor,
    observer: &mut dyn SweepObserver,
) -> (SweepEnd, RunRecord) {
    let mut rec = empty_record(s);
    let end = run_sweep(s, executor, &workload(), &mut rec, observer).unwrap();
    (end, rec)
}

#[test]
fn rounds_visit_every_count_and_warmup_is_discarded() {
    let s = spec(&[1, 2, 4]);
    let mut obs = Recorder::default();
    let (end, rec) = sweep_fresh(&s, &mut fake(), &mut obs);
    assert_eq!(end, SweepEnd::Completed);
    assert_eq!(obs.batches.len(), 12);
    assert_eq!(obs.saves, 3, "saved after every measured round");
    for p in &rec.points {
        assert_eq!(p.samples.len(), 3);
    }
    for round in 0..4 {
        let mut seen: Vec<usize> = obs
            .batches
            .iter()
            .filter(|b| b.0 == round)
            .map(|b| b.1)
            .collect();
        seen.sort_unstable();
        assert_eq!(seen, vec![1, 2, 4]);
    }
    assert!(obs.batches.iter().filter(|b| b.2).all(|b| b.0 == 0));
}

#[test]
fn shuffles_are_seeded_and_vary_between_rounds() {
    let mut s = spec(&[1, 2, 3, 4, 5, 6, 7, 8]);
    s.design.repetitions = std::num::NonZeroU32::new(5).unwrap();
    let a = s.round_orders();
    assert_eq!(a, s.round_orders());
    assert!(a.windows(2).any(|w| w[0] != w[1]));
    s.seed = 12;
    assert_ne!(a, s.round_orders());
}

#[test]
fn a_failing_batch_keeps_what_was_measured() {
    let s = spec(&[1, 2, 4]);
    let mut rec = empty_record(&s);
    let mut fake = fake();
    fake.fail_at_workers = Some(4);
    let err = run_sweep(&s, &mut fake, &workload(), &mut rec, &mut Silent).unwrap_err();
    assert_eq!(err.workers, 4);
    assert!(err.to_string().contains("at 4 workers"), "{err}");
    let one = SweepError {
        workers: 1,
        round: 1,
        rounds: 2,
        source: crate::exec::BatchError::Setup("x".into()),
    };
    assert!(
        one.to_string().starts_with("at 1 worker (round 1 of 2)"),
        "{one}"
    );
    assert!(rec.points.iter().all(|p| p.samples.len() <= 1));
}
