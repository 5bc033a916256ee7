//! Sweeps that end early or leave counts out: a cancelled token, a stop request, and worker
//! counts whose pool would not fit in memory (skipped and marked, the sweep going on).

use super::tests::{Recorder, fake, spec, sweep_fresh};
use super::*;
use crate::exec::fake::FakeExecutor;
use crate::exec::{BatchError, BatchSpec};

#[test]
fn a_cancelled_token_ends_the_sweep_before_any_batch() {
    let s = spec(&[1, 2]);
    s.cancel.cancel();
    let (end, rec) = sweep_fresh(&s, &mut fake(), &mut Silent);
    assert_eq!(end, SweepEnd::Stopped);
    assert!(rec.points.iter().all(|p| p.samples.is_empty()));
}

#[test]
fn a_stop_request_ends_early_with_samples_kept() {
    let s = spec(&[1, 2]);
    let mut obs = Recorder {
        stop_after: Some(4),
        ..Recorder::default()
    };
    let (end, rec) = sweep_fresh(&s, &mut fake(), &mut obs);
    assert_eq!(end, SweepEnd::Stopped);
    assert_eq!(rec.points.iter().map(|p| p.samples.len()).sum::<usize>(), 2);
}

/// The fake, refusing pools of more than 2 workers as a memory guard would.
struct TwoFit(FakeExecutor);

impl Executor for TwoFit {
    fn run_batch(&mut self, b: &BatchSpec, w: &SharedWorkload) -> Result<Sample, BatchError> {
        match b.workers.get() {
            n if n > 2 => Err(BatchError::WontFit {
                workers: n,
                projected_bytes: n as u64 * 100,
                usable_bytes: 250,
            }),
            _ => self.0.run_batch(b, w),
        }
    }
}

#[test]
fn counts_that_would_not_fit_are_skipped_and_marked_and_adaptive_rounds_leave_them() {
    let mut s = spec(&[1, 2, 4]);
    s.design.adaptive = Some(crate::config::design::Adaptive {
        target: 0.0001,
        budget: crate::config::design::Budget::Given(Duration::from_secs(1)),
        by_default: false,
    });
    let (end, rec) = sweep_fresh(&s, &mut TwoFit(fake()), &mut Silent);
    assert!(matches!(end, SweepEnd::Adaptive(_)), "{end:?}");
    let four = &rec.points[2];
    assert_eq!(
        (four.samples.len(), four.skipped_for_memory),
        (0, Some(400))
    );
    assert!(
        rec.points[..2]
            .iter()
            .all(|p| p.samples.len() >= 3 && p.skipped_for_memory.is_none())
    );
}
