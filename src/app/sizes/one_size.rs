//! One size of an interleaved `--sizes` run, on a thread of its own: it takes the baton to
//! calibrate under its limits, then runs its own sweep (its plan, design and adaptive
//! stopping), taking the baton and applying its limits before every batch and saving its
//! results.json after every round, like a `plateau run` of its own.

use super::baton::{Baton, Finish, Turn};
use crate::app::save::Saver;
use crate::app::sweep_setup::{new_record, sweep_spec};
use crate::app::{calibrate, executor};
use crate::cancel::CancelToken;
use crate::clock::UtcTime;
use crate::config::RunConfig;
use crate::model::{MachineInfo, RunRecord};
use crate::outdir::OutputDir;
use crate::sizes::emulate::{Confinement, Slot};
use crate::sweep::{BatchEvent, SweepEnd, SweepError, SweepObserver, run_sweep};
use std::sync::Mutex;
use std::time::Duration;

/// What one size measures with, shared read-only with its thread.
pub struct SizeJob {
    /// Its index among the sizes (its baton seat).
    pub index: usize,
    /// Its run's validated config (its own plan and folder).
    pub config: RunConfig,
    /// The machine it reports: the emulated one.
    pub machine: MachineInfo,
    /// Its host CPUs, quota and memory.
    pub slot: Slot,
    /// Its price in USD per hour, when known.
    pub price_per_hour: Option<f64>,
    /// Its claimed folder.
    pub out: OutputDir,
}

/// What every size of the run shares.
pub struct Shared<'a> {
    /// Turns, one batch at a time.
    pub baton: &'a Baton,
    /// The cgroup or the affinity fallback.
    pub confine: &'a Confinement,
    /// Ctrl-C, and a failure to confine a size, cancel it.
    pub cancel: &'a CancelToken,
    /// When the run started.
    pub started: &'a UtcTime,
    /// The first confinement failure, named with its size.
    pub failure: &'a Mutex<Option<String>>,
    /// Whether to print a line per round.
    pub quiet: bool,
    /// CPUs busy at the start, when `--wait-idle` looked.
    pub busy: Option<f64>,
    /// Each size's budget once calibrated (`Some(None)`: a fixed design), to state the run's.
    pub budgets: &'a Mutex<Vec<Option<Option<Duration>>>>,
}

/// A size's measurement as its thread ends it.
pub struct Measured {
    /// Its record, with every kept sample.
    pub record: RunRecord,
    /// How its sweep ended.
    pub outcome: Result<SweepEnd, SweepError>,
}

impl SizeJob {
    /// Calibrates and sweeps this size; the error is a calibration's refusal or failure.
    pub fn measure(&self, s: &Shared<'_>) -> anyhow::Result<Measured> {
        let _finish = Finish {
            baton: s.baton,
            size: self.index,
        };
        s.baton.acquire(self.index, Turn { round: -1, left: 1 });
        self.confine(s);
        let mut executor = executor::guarded(&self.config, self.machine.memory_limit_bytes, &[])?;
        let workload = self.config.execution.build();
        let design = calibrate::settle(
            &self.config,
            &self.machine,
            executor.as_mut(),
            &workload,
            s.cancel,
        )?;
        self.state_budget(s, &design);
        s.baton.release(self.index);
        let mut record = new_record(&self.config, &design, self.machine.clone(), s.started);
        record.run.price_per_hour = self.price_per_hour;
        record.run.allow_concurrent |= self.config.robust.lock.allow_concurrent;
        record.machine.busy_cpus_at_start = s.busy;
        let capacity = crate::machine::capacity(&self.machine);
        let spec = sweep_spec(
            &self.config,
            &design,
            &self.machine.allowed_cpu_ids,
            capacity,
            s.cancel,
        );
        let mut saver = Saver::new(&self.out, &record, spec.rounds());
        saver.initial(&record);
        let mut observer = Turns {
            job: self,
            shared: s,
            saver,
            order_len: 0,
            position: 0,
        };
        let outcome = run_sweep(
            &spec,
            executor.as_mut(),
            &workload,
            &mut record,
            &mut observer,
        );
        if let Some(w) = observer.saver.finish(&mut record) {
            eprintln!("{w}");
        }
        Ok(Measured { record, outcome })
    }

    /// Notes this size's budget; the last size calibrated states the run's, before any
    /// measured batch (every calibration takes its turn before the first round's).
    fn state_budget(&self, s: &Shared<'_>, design: &crate::config::design::Design) {
        let mut b = s.budgets.lock().unwrap_or_else(|p| p.into_inner());
        b[self.index] = Some(design.adaptive.map(|a| a.budget.limit()));
        if s.quiet || b.iter().any(Option::is_none) {
            return;
        }
        let total: Duration = b.iter().flatten().flatten().sum();
        if total > Duration::ZERO {
            eprintln!(
                "Budget: {} of batches for the whole run (each size's own adaptive budget, added up)",
                crate::numbers::show_duration(total)
            );
        }
    }

    /// Applies this size's limits; a failure cancels the run and is kept, named.
    fn confine(&self, shared: &Shared<'_>) {
        if let Err(why) = shared.confine.apply(&self.slot) {
            let mut f = shared.failure.lock().unwrap_or_else(|p| p.into_inner());
            f.get_or_insert_with(|| {
                format!("the size {} could not be confined: {why}", self.slot.size)
            });
            shared.cancel.cancel();
        }
    }
}

/// The observer of a size's sweep: a turn and the size's limits before every batch, the
/// baton back after it, results.json after every round.
struct Turns<'j, 's> {
    job: &'j SizeJob,
    shared: &'j Shared<'s>,
    saver: Saver<'j>,
    order_len: u64,
    position: u64,
}

impl SweepObserver for Turns<'_, '_> {
    fn round_starting(&mut self, round: u32, workers: &[usize], _warmup: bool) {
        self.saver.round_starting(round, workers);
        self.order_len = workers.len() as u64;
        self.position = 0;
    }

    fn batch_starting(&mut self, round: u32, _workers: usize) {
        let left = self.order_len.saturating_sub(self.position).max(1);
        self.position += 1;
        let turn = Turn {
            round: i64::from(round),
            left,
        };
        self.shared.baton.acquire(self.job.index, turn);
        self.job.confine(self.shared);
    }

    fn batch_done(&mut self, e: &BatchEvent<'_>) {
        self.shared.baton.release(self.job.index);
        self.saver.batch_done(e);
    }

    fn round_done(&mut self, record: &RunRecord) {
        self.saver.round_done(record);
        if !self.shared.quiet {
            let batches: usize = record.points.iter().map(|p| p.samples.len()).sum();
            let noun = if batches == 1 { "batch" } else { "batches" };
            eprintln!("  {}: {batches} {noun} kept so far", record.run.label);
        }
    }
}
