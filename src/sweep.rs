//! Runs the worker plan: warmup rounds, then measured rounds, each visiting every worker count
//! in a seeded shuffled order. Records every raw sample into the `RunRecord` as it arrives and
//! hands the record to an observer after every round, so it can be saved as the sweep goes.
//! A sweep continues whatever the record already holds (resume), and may add adaptive rounds.

pub mod adaptive;
pub mod interference;
pub mod rounds;

use crate::analysis::AnalysisOptions;
use crate::config::design::Design;
use crate::exec::{BatchSpec, Executor, Schedule};
use crate::model::{RunRecord, Sample};
use crate::summary::summarize_points;
use crate::workload::SharedWorkload;
use adaptive::{AdaptiveStop, Next, Policy};
use rounds::OrderStream;
use std::num::NonZeroUsize;
use std::time::Duration;

/// What a sweep runs.
#[derive(Debug, Clone)]
pub struct SweepSpec {
    /// Worker counts, ascending.
    pub workers: Vec<NonZeroUsize>,
    /// Tasks per batch at each count, rounds, and when adaptive rounds stop.
    pub design: Design,
    /// The decision's options, which adaptive rounds steer by.
    pub analysis: AnalysisOptions,
    /// CPUs a CPU-bound built-in workload can use, for the adaptive physics check; `None`
    /// for other workloads.
    pub capacity_cpus: Option<f64>,
    /// Seed of the round shuffles (and, through the record, of the bootstrap).
    pub seed: u64,
    /// How tasks are handed out.
    pub schedule: Schedule,
    /// CPUs to pin workers to; empty for none.
    pub pin_cpus: Vec<usize>,
    /// Stops the sweep (and the batch in flight) when cancelled.
    pub cancel: crate::cancel::CancelToken,
    /// Tasks per claim under the dynamic schedule.
    pub chunk: crate::exec::chunking::Chunking,
    /// Whether and how to judge interference around every batch (`None` for fake executors,
    /// whose batches take no real time).
    pub watch: Option<interference::Watch>,
}

impl SweepSpec {
    /// Rounds in all, warmup included.
    pub fn rounds(&self) -> u32 {
        self.design.warmup + self.design.repetitions.get()
    }

    /// The adaptive policy, when the design adds rounds.
    pub fn policy(&self) -> Option<Policy<'_>> {
        self.design.adaptive.as_ref().map(|adaptive| Policy {
            adaptive,
            analysis: &self.analysis,
            capacity_cpus: self.capacity_cpus,
        })
    }

    /// The visiting order of every round: a fresh shuffle per round from one seeded stream
    /// (what the sweep visits; its tests compare against it).
    #[cfg(test)]
    pub(crate) fn round_orders(&self) -> Vec<Vec<NonZeroUsize>> {
        let mut stream = OrderStream::new(self.seed, &self.workers);
        (0..self.rounds()).map(|_| stream.next_order()).collect()
    }
}

/// Where one batch stands, for progress displays.
#[derive(Debug, Clone, Copy)]
pub struct BatchEvent<'a> {
    /// 0-based round.
    pub round: u32,
    /// Rounds in all.
    pub rounds: u32,
    /// True in a warmup round, whose samples are discarded.
    pub warmup: bool,
    /// Workers of this batch.
    pub workers: usize,
    /// Batches finished so far, this one included.
    pub done: u64,
    /// Batches in all.
    pub total: u64,
    /// The batch's measurements.
    pub sample: &'a Sample,
}

/// Watches a sweep: progress after each batch, saving after each round, and a stop request.
pub trait SweepObserver {
    /// A round is about to visit `workers` in this order (rounds with nothing to do are skipped).
    fn round_starting(&mut self, _round: u32, _workers: &[usize], _warmup: bool) {}

    /// A batch is about to start.
    fn batch_starting(&mut self, _round: u32, _workers: usize) {}

    /// A batch finished.
    fn batch_done(&mut self, _event: &BatchEvent<'_>) {}

    /// A round finished; the record holds every kept sample so far and fresh summaries. The
    /// observer deals with its own failures (a failed save is counted and reported there): the
    /// sweep keeps measuring whatever it does.
    fn round_done(&mut self, _record: &RunRecord) {}

    /// Checked before every batch; true ends the sweep early (e.g. on Ctrl-C).
    fn should_stop(&self) -> bool {
        false
    }
}

/// An observer that watches nothing.
pub struct Silent;

impl SweepObserver for Silent {}

/// How a sweep ended without error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SweepEnd {
    /// Every planned batch ran.
    Completed,
    /// The observer asked to stop; the record holds what was measured.
    Stopped,
    /// The planned rounds ran, then adaptive rounds ended for this reason.
    Adaptive(AdaptiveStop),
}

/// A batch failed; the record still holds every sample measured before it.
#[derive(Debug, thiserror::Error)]
#[error("at {} (round {round} of {rounds}): {source}", crate::words::workers(*.workers))]
pub struct SweepError {
    /// Workers of the failed batch.
    pub workers: usize,
    /// 1-based round of the failed batch.
    pub round: u32,
    /// Rounds in all.
    pub rounds: u32,
    /// What failed.
    #[source]
    pub source: crate::exec::BatchError,
}

/// Runs the sweep, appending kept samples to `record.points` (which must hold one point per
/// planned worker count) and refreshing summaries after every measured round. Samples already
/// in the record count: a resumed sweep runs only what is missing (see `rounds`). With
/// `spec.adaptive`, rounds over the unconverged counts follow the planned ones.
pub fn run_sweep(
    spec: &SweepSpec,
    executor: &mut dyn Executor,
    workload: &SharedWorkload,
    record: &mut RunRecord,
    observer: &mut dyn SweepObserver,
) -> Result<SweepEnd, SweepError> {
    let adaptive = spec.design.adaptive.is_some();
    let plan = &spec.workers;
    let mut batches = Batches {
        spec,
        executor,
        workload,
        observer,
        done: 0,
        total: rounds::planned_batches(
            &record.points,
            plan,
            spec.design.warmup,
            spec.design.repetitions.get(),
            adaptive,
        )
        .len() as u64,
        rounds: spec.rounds(),
        spent_s: time_in_samples(record),
    };
    let mut orders = OrderStream::new(spec.seed, plan);
    if batches.planned_rounds(record, &mut orders)? {
        return Ok(SweepEnd::Stopped);
    }
    let Some(policy) = spec.policy() else {
        return Ok(SweepEnd::Completed);
    };
    batches.adaptive_rounds(record, &mut orders, &policy)
}

/// Seconds the kept samples already cost (start-up plus wall): the budget a resumed
/// adaptive sweep has used before this session.
fn time_in_samples(record: &RunRecord) -> f64 {
    record
        .points
        .iter()
        .flat_map(|p| &p.samples)
        .map(|s| s.startup_s + s.wall_s)
        .filter(|c| c.is_finite() && *c >= 0.0)
        .sum()
}

/// Runs rounds of batches and keeps the counters that progress events and the budget need.
struct Batches<'a> {
    spec: &'a SweepSpec,
    executor: &'a mut dyn Executor,
    workload: &'a SharedWorkload,
    observer: &'a mut dyn SweepObserver,
    done: u64,
    total: u64,
    rounds: u32,
    spent_s: f64,
}

/// What became of one batch.
enum Batch {
    /// It ran: its sample, stamped with its round and interference reading.
    Ran(Box<Sample>),
    /// Its pool would not fit in memory: skipped and marked in the record.
    Skipped,
    /// It was cancelled, and is void.
    Cancelled,
}

impl Batches<'_> {
    /// The warmup rounds, then the measured rounds the record still lacks; true when a stop
    /// request ended them early.
    fn planned_rounds(
        &mut self,
        record: &mut RunRecord,
        orders: &mut OrderStream,
    ) -> Result<bool, SweepError> {
        let spec = self.spec;
        let plan = &spec.workers;
        let adaptive = spec.design.adaptive.is_some();
        let repetitions = spec.design.repetitions.get();
        let warmup = spec.design.warmup;
        let warm = rounds::warmup_visit(&record.points, plan, repetitions, adaptive);
        for round in 0..warmup {
            let order = orders.next_visit(&warm);
            if self.round(record, round, &order, true)? {
                return Ok(true);
            }
        }
        let first = rounds::first_open_round(&record.points, plan, repetitions);
        for k in 0..repetitions {
            if k < first {
                // Drawn anyway, so every later round gets the order it had in the first session.
                orders.next_order();
                continue;
            }
            let order = orders.next_visit(&rounds::base_visit(&record.points, plan, k));
            if self.round(record, warmup + k, &order, false)? {
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// Adaptive rounds after the planned ones, over the counts `policy` is unsure about,
    /// until it stops them or a stop request does.
    fn adaptive_rounds(
        &mut self,
        record: &mut RunRecord,
        orders: &mut OrderStream,
        policy: &Policy<'_>,
    ) -> Result<SweepEnd, SweepError> {
        summarize_points(&mut record.points, record.config.tasks, record.config.seed);
        let mut round = self.spec.rounds();
        loop {
            let spent = Duration::try_from_secs_f64(self.spent_s).unwrap_or(Duration::MAX);
            match adaptive::next_round(&record.points, policy, spent, record.config.seed) {
                Next::Stop(why) => return Ok(SweepEnd::Adaptive(why)),
                Next::Visit(visit) => {
                    let order = orders.next_visit(&visit);
                    self.total += order.len() as u64;
                    self.rounds = round + 1;
                    if self.round(record, round, &order, false)? {
                        return Ok(SweepEnd::Stopped);
                    }
                    round += 1;
                }
            }
        }
    }

    /// Runs one round in `order`; true when a stop request ended it early.
    fn round(
        &mut self,
        record: &mut RunRecord,
        round: u32,
        order: &[NonZeroUsize],
        warmup: bool,
    ) -> Result<bool, SweepError> {
        if order.is_empty() {
            return Ok(false);
        }
        let plain: Vec<usize> = order.iter().map(|w| w.get()).collect();
        self.observer.round_starting(round, &plain, warmup);
        for &workers in order {
            if self.observer.should_stop() || self.spec.cancel.is_cancelled() {
                return Ok(true);
            }
            self.observer.batch_starting(round, workers.get());
            match self.batch(record, round, workers)? {
                Batch::Ran(sample) => self.keep(record, round, workers.get(), warmup, *sample),
                Batch::Skipped => {}
                Batch::Cancelled => return Ok(true),
            }
        }
        if !warmup {
            summarize_points(&mut record.points, record.config.tasks, record.config.seed);
            self.observer.round_done(record);
        }
        Ok(false)
    }

    /// Runs one batch of `workers` workers, reading the machine around it.
    fn batch(
        &mut self,
        record: &mut RunRecord,
        round: u32,
        workers: NonZeroUsize,
    ) -> Result<Batch, SweepError> {
        let s = &self.spec;
        let tasks = s.design.tasks_at(workers.get());
        let batch = BatchSpec::new(workers, tasks, s.schedule, s.chunk, &s.cancel)
            .pinned(s.pin_cpus.clone());
        let before = interference::Reading::now();
        let mut sample = match self.executor.run_batch(&batch, self.workload) {
            Ok(sample) => sample,
            // A cancelled batch is void: the sweep ends with what earlier batches measured.
            Err(crate::exec::BatchError::Cancelled) => return Ok(Batch::Cancelled),
            // A pool that would not fit in memory is skipped and marked, not run.
            Err(crate::exec::BatchError::WontFit {
                projected_bytes, ..
            }) => {
                rounds::mark_skipped(&mut record.points, workers.get(), projected_bytes);
                return Ok(Batch::Skipped);
            }
            Err(source) => {
                return Err(SweepError {
                    workers: workers.get(),
                    round: round + 1,
                    rounds: self.rounds,
                    source,
                });
            }
        };
        sample.round = Some(round);
        if let Some(watch) = &self.spec.watch {
            watch.mark(&mut sample, &before, &interference::Reading::now(), workers);
        }
        Ok(Batch::Ran(Box::new(sample)))
    }

    /// Counts a batch that ran, tells the observer, and keeps its sample unless it warmed up.
    fn keep(
        &mut self,
        record: &mut RunRecord,
        round: u32,
        workers: usize,
        warmup: bool,
        sample: Sample,
    ) {
        self.done += 1;
        let cost = sample.startup_s + sample.wall_s;
        if cost.is_finite() && cost > 0.0 {
            self.spent_s += cost;
        }
        self.observer.batch_done(&BatchEvent {
            round,
            rounds: self.rounds,
            warmup,
            workers,
            done: self.done,
            total: self.total,
            sample: &sample,
        });
        if !warmup {
            if let Some(p) = record.points.iter_mut().find(|p| p.workers == workers) {
                p.samples.push(sample);
            }
        }
    }
}

#[cfg(test)]
mod continue_tests;
#[cfg(test)]
mod stop_tests;
#[cfg(test)]
mod tests;
