//! Readings around every batch of a sweep: the machine's busy and steal time (/proc/stat) and
//! plateau's own CPU time (getrusage of itself and its children), or the same counters of a
//! simulated machine on its virtual clock. Their difference is what else used the machine;
//! `decision::interference` judges it and the sample records it.

use crate::decision::interference::{AroundBatch, CPU_BOUND_INTENSITY, assess, intensity_at_one};
use crate::exec::rusage::{self, Who};
use crate::machine::procstat::{self, CpuTimes};
use crate::model::Sample;
use std::num::NonZeroUsize;
use std::sync::{Arc, Mutex};
use std::time::Instant;

/// One reading before or after a batch.
#[derive(Debug, Clone, Copy)]
pub struct Reading {
    at_s: f64,
    machine: Option<CpuTimes>,
    own_s: f64,
}

/// The counters of a simulated machine, which its executor advances as its virtual clock runs.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct VirtualCounters {
    /// Seconds on the virtual clock.
    pub now_s: f64,
    /// The machine's busy CPU seconds so far.
    pub busy_s: f64,
    /// Steal seconds so far.
    pub steal_s: f64,
    /// plateau's own (workers') CPU seconds so far.
    pub own_s: f64,
}

/// Where readings come from.
#[derive(Debug, Clone, Default)]
pub enum Meter {
    /// This machine: /proc/stat, getrusage and the monotonic clock.
    #[default]
    Machine,
    /// A simulated machine's counters, shared with its executor.
    Virtual(Arc<Mutex<VirtualCounters>>),
}

/// The instant all machine readings count from.
fn epoch() -> Instant {
    static EPOCH: std::sync::OnceLock<Instant> = std::sync::OnceLock::new();
    *EPOCH.get_or_init(Instant::now)
}

impl Meter {
    /// The counters now.
    pub fn read(&self) -> Reading {
        match self {
            Meter::Machine => Reading::now(),
            Meter::Virtual(c) => {
                let c = *c.lock().unwrap_or_else(|e| e.into_inner());
                Reading {
                    at_s: c.now_s,
                    machine: Some(CpuTimes {
                        busy_s: c.busy_s,
                        steal_s: c.steal_s,
                    }),
                    own_s: c.own_s,
                }
            }
        }
    }
}

impl Reading {
    /// This machine's counters now.
    pub fn now() -> Self {
        let me = rusage::read(Who::SelfProcess);
        let kids = rusage::read(Who::Children);
        Self {
            at_s: epoch().elapsed().as_secs_f64(),
            machine: procstat::read(),
            own_s: me.user_s + me.sys_s + kids.user_s + kids.sys_s,
        }
    }
}

/// How interference is judged in this sweep.
#[derive(Debug, Clone)]
pub struct Watch {
    /// CPUs the workers can use at once: the quota, else the effective CPUs.
    pub capacity_cpus: f64,
    /// True for a CPU-bound built-in workload, whose CPU share is checked.
    pub cpu_bound: bool,
    /// Where the readings come from.
    pub meter: Meter,
    /// True for the user's command or function: whether it is CPU-bound (and its share
    /// judged) is learned from its CPU time per task at 1 worker.
    pub learn: bool,
}

impl Watch {
    /// Records steal, other processes' CPU and the CPU share in `sample`, and marks it
    /// disturbed when they say so; `at_one` holds the samples measured at 1 worker so far.
    /// Nothing is recorded where /proc/stat cannot be read.
    pub fn mark(
        &self,
        sample: &mut Sample,
        (before, after): (&Reading, &Reading),
        w: NonZeroUsize,
        at_one: &[Sample],
    ) {
        let (Some(b), Some(a)) = (before.machine, after.machine) else {
            return;
        };
        let (cpu_bound, intensity) = if self.learn {
            let this = (w.get() == 1).then_some(&*sample);
            let batches: Vec<(f64, f64)> = at_one
                .iter()
                .chain(this)
                .map(|s| (s.user_s + s.sys_s, s.wall_s))
                .collect();
            match intensity_at_one(&batches) {
                Some(r) if r >= CPU_BOUND_INTENSITY => (true, r),
                _ => (false, 1.0),
            }
        } else {
            (self.cpu_bound, 1.0)
        };
        // Worker processes report their own usage; children are counted once reaped.
        let own = (after.own_s - before.own_s).max(sample.user_s + sample.sys_s);
        let i = assess(&AroundBatch {
            span_s: (after.at_s - before.at_s).max(0.0),
            wall_s: sample.wall_s,
            workers: w.get(),
            busy_s: a.busy_s - b.busy_s,
            steal_s: a.steal_s - b.steal_s,
            own_s: own,
            capacity_cpus: self.capacity_cpus,
            cpu_bound,
            intensity,
        });
        sample.other_cpu_s = Some(round3(i.other_cpu_s));
        sample.steal_s = Some(round3(i.steal_s));
        sample.cpu_share = i.cpu_share.map(round3);
        sample.disturbed = i.disturbed;
    }
}

fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Readings 1 s apart in which the machine was busy `busy_s` and plateau used `own_s`.
    fn span(busy_s: f64, own_s: f64) -> (Reading, Reading) {
        let read = |t: f64, busy: f64, own: f64| Reading {
            at_s: t,
            machine: Some(CpuTimes {
                busy_s: busy,
                steal_s: 0.0,
            }),
            own_s: own,
        };
        (read(0.0, 0.0, 0.0), read(1.0, busy_s, own_s))
    }

    fn batch(cpu_s: f64) -> Sample {
        Sample {
            wall_s: 1.0,
            user_s: cpu_s,
            ..Sample::default()
        }
    }

    fn user() -> Watch {
        Watch {
            capacity_cpus: 2.0,
            cpu_bound: false,
            learn: true,
            meter: Meter::Machine,
        }
    }
    const TWO: NonZeroUsize = NonZeroUsize::new(2).unwrap();

    #[test]
    fn a_function_that_waits_is_never_disturbed_for_waiting() {
        let at_one = [batch(0.02)];
        let mut s = batch(0.04);
        let (b, a) = span(0.05, 0.04);
        user().mark(&mut s, (&b, &a), TWO, &at_one);
        assert!(!s.disturbed && s.cpu_share.is_none(), "{s:?}");
    }

    #[test]
    fn a_cpu_bound_function_crowded_out_is_disturbed_once_its_one_worker_time_is_known() {
        // 2 workers got 1 CPU between them with nothing else visible (steal or a quota the
        // guest cannot see): share 0.5 of what they use at 1 worker.
        let (b, a) = span(1.0, 0.95);
        let mut before_known = batch(0.95);
        user().mark(&mut before_known, (&b, &a), TWO, &[]);
        assert!(before_known.cpu_share.is_none(), "no 1-worker batch yet");
        let mut s = batch(0.95);
        user().mark(&mut s, (&b, &a), TWO, &[batch(0.95)]);
        assert!(s.disturbed, "{s:?}");
        assert!((s.cpu_share.unwrap() - 0.5).abs() < 0.01, "{s:?}");
        let (b, a) = span(1.9, 1.9);
        let mut clean = batch(1.9);
        user().mark(&mut clean, (&b, &a), TWO, &[batch(0.95)]);
        assert!(!clean.disturbed && (clean.cpu_share.unwrap() - 1.0).abs() < 0.01);
    }
}
