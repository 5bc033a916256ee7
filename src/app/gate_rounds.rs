//! Runs the interleaved gate's batches: the task calibration, then rounds in which every worker
//! count (in a seeded shuffled order) gets one block of four back-to-back batches, ABBA or
//! BAAB by a seeded coin. Keeps both sides' raw samples in their records and the pairing that
//! ties them into blocks.

use crate::cancel::CancelToken;
use crate::compare::gate::{Block, Order};
use crate::config::batch_time::max_imbalance;
use crate::config::design::Design;
use crate::exec::{BatchError, BatchSpec, Executor};
use crate::model::{RunRecord, Sample, TasksChoice, TasksMethod};
use crate::rng::{SplitMix64, Stream, derive};
use crate::workload::SharedWorkload;
use serde::Serialize;
use std::num::NonZeroUsize;

/// What runs one side's batches.
pub struct Measures {
    /// Runs its batches.
    pub executor: Box<dyn Executor>,
    /// What its tasks do.
    pub workload: SharedWorkload,
}

/// One side being measured.
pub struct SideRunner {
    /// "baseline" or "candidate".
    pub name: &'static str,
    /// Runs its batches.
    pub measures: Measures,
    /// Its raw samples so far (saved as baseline.json / candidate.json).
    pub record: RunRecord,
}

/// One block as pairing.json records it: which samples of each side it holds.
#[derive(Debug, Clone, Serialize)]
pub struct PairedBlock {
    /// Workers.
    pub workers: usize,
    /// ABBA or BAAB.
    pub order: Order,
    /// Indexes into the baseline point's `samples`, in time order.
    pub baseline_samples: [usize; 2],
    /// Indexes into the candidate point's `samples`, in time order.
    pub candidate_samples: [usize; 2],
    /// The four wall times in time order.
    pub wall_s: [f64; 4],
}

/// pairing.json: the blocks of every measured round.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Pairing {
    /// Seed of the count orders and the coins.
    pub seed: u64,
    /// Tasks per batch.
    pub tasks: u64,
    /// Rounds, each a list of blocks in the order they ran.
    pub rounds: Vec<Vec<PairedBlock>>,
}

/// A batch failed or was cancelled.
pub enum RoundError {
    /// Ctrl-C: the round is void, earlier rounds stand.
    Cancelled,
    /// A side's batch failed: one sentence naming the side and the count.
    Failed(String),
}

/// The shared batch settings and the seeded stream of orders and coins.
pub struct Rounds {
    /// Worker counts.
    pub workers: Vec<NonZeroUsize>,
    /// Tasks per batch.
    pub tasks: u64,
    /// Batch settings shared by both sides (workers and tasks are set per batch).
    pub template: BatchSpec,
    rng: SplitMix64,
}

impl Rounds {
    /// Rounds over `workers` with coins from `seed`.
    pub fn new(workers: Vec<NonZeroUsize>, template: BatchSpec, seed: u64) -> Self {
        Self {
            tasks: template.tasks,
            workers,
            template,
            rng: SplitMix64::new(derive(seed, Stream::GateOrder)),
        }
    }

    /// Runs one batch of `side` at `workers`.
    pub fn batch(
        &self,
        side: &mut SideRunner,
        workers: NonZeroUsize,
        cancel: &CancelToken,
    ) -> Result<Sample, RoundError> {
        self.batch_of(side.name, &mut side.measures, workers, cancel)
    }

    /// Runs one batch of what measures the side `name` at `workers`.
    pub fn batch_of(
        &self,
        name: &str,
        measures: &mut Measures,
        workers: NonZeroUsize,
        cancel: &CancelToken,
    ) -> Result<Sample, RoundError> {
        let spec = BatchSpec {
            workers,
            tasks: self.tasks,
            cancel: cancel.clone(),
            ..self.template.clone()
        };
        measures
            .executor
            .run_batch(&spec, &measures.workload)
            .map_err(|e| match e {
                BatchError::Cancelled => RoundError::Cancelled,
                e => RoundError::Failed(format!(
                    "the {name}'s workload failed at {}: {e}",
                    crate::words::workers(workers.get())
                )),
            })
    }

    /// One round: a block per count. With `keep`, samples go into the records and the blocks
    /// are returned; a warm-up round (`keep` false) discards them.
    pub fn round(
        &mut self,
        sides: &mut [SideRunner; 2],
        keep: bool,
        cancel: &CancelToken,
    ) -> Result<Vec<PairedBlock>, RoundError> {
        let mut order = self.workers.clone();
        self.rng.shuffle(&mut order);
        let mut blocks = Vec::with_capacity(order.len());
        for w in order {
            let abba = Order::from_coin(self.rng.next_u64() & 1 == 1);
            let mut wall_s = [0.0; 4];
            let mut taken = [[0usize; 2]; 2];
            let mut seen = [0usize; 2];
            for (slot, wall) in wall_s.iter_mut().enumerate() {
                let s = usize::from(!abba.baseline_at(slot));
                if cancel.is_cancelled() {
                    return Err(RoundError::Cancelled);
                }
                let sample = self.batch(&mut sides[s], w, cancel)?;
                *wall = sample.wall_s;
                if keep {
                    let point = sides[s]
                        .record
                        .points
                        .iter_mut()
                        .find(|p| p.workers == w.get());
                    if let Some(p) = point {
                        taken[s][seen[s]] = p.samples.len();
                        p.samples.push(sample);
                    }
                }
                seen[s] += 1;
            }
            blocks.push(PairedBlock {
                workers: w.get(),
                order: abba,
                baseline_samples: taken[0],
                candidate_samples: taken[1],
                wall_s,
            });
        }
        Ok(blocks)
    }
}

/// The gate's view of a recorded block.
pub fn as_block(b: &PairedBlock) -> Block {
    Block {
        workers: b.workers,
        order: b.order,
        wall_s: b.wall_s,
    }
}

/// A pilot batch of the baseline, and how long the calibration took all told.
pub struct Pilot {
    /// Workers in the pilot batch (the first count).
    pub workers: usize,
    /// Tasks in it.
    pub tasks: u64,
    /// Its wall time.
    pub wall_s: f64,
    /// Seconds the calibration took.
    pub calibration_s: f64,
}

/// `planned` with the task count `pilot` settles for batches of about `target_s` at 1 worker
/// over the worker counts `plan` (ascending), and how it was found.
pub fn calibrated_design(planned: Design, plan: &[usize], pilot: &Pilot, target_s: f64) -> Design {
    let largest = plan.last().copied().unwrap_or(1);
    let tasks = calibrated_tasks(pilot.tasks, pilot.wall_s, target_s, largest);
    Design {
        tasks: crate::config::design::fixed(tasks),
        sizing: crate::config::design::Sizing::Settled,
        tasks_choice: Some(TasksChoice {
            method: TasksMethod::Calibrated,
            // The time of one task on one worker, when the pilot ran on one.
            task_s: (pilot.workers == 1).then(|| pilot.wall_s / pilot.tasks.max(1) as f64),
            target_batch_s: None,
            capacity_cpus: None,
            calibration_s: Some(pilot.calibration_s),
            max_imbalance: max_imbalance(tasks, plan),
            per_worker: None,
        }),
        ..planned
    }
}

/// Tasks so that a batch at 1 worker lasts about `target_s`, given one that took `wall_s`
/// with `tasks`; a multiple of the largest count (even shares), at least that count.
pub fn calibrated_tasks(tasks: u64, wall_s: f64, target_s: f64, largest: usize) -> u64 {
    let largest = largest.max(1) as u64;
    if !(wall_s.is_finite() && wall_s > 0.0) {
        return tasks;
    }
    let raw = (tasks as f64 * target_s / wall_s).round().max(1.0) as u64;
    raw.div_ceil(largest).max(1) * largest
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calibration_scales_tasks_to_the_target_in_even_shares() {
        assert_eq!(calibrated_tasks(32, 0.1, 0.4, 2), 128);
        assert_eq!(calibrated_tasks(32, 0.1, 0.4, 3), 129);
        assert_eq!(
            calibrated_tasks(32, 10.0, 0.4, 4),
            4,
            "at least one task per worker"
        );
        assert_eq!(calibrated_tasks(32, 0.0, 0.4, 2), 32);
    }

    #[test]
    fn a_calibrated_design_records_the_settled_count_and_how_it_was_found() {
        let machine = crate::testdata::machine(2);
        let run = crate::config::test_config(&["--workers", "1,2,3"], &machine).unwrap();
        let pilot = Pilot {
            workers: 1,
            tasks: 32,
            wall_s: 0.1,
            calibration_s: 0.12,
        };
        let planned = run.design.clone();
        let d = calibrated_design(planned.clone(), &[1, 2, 3], &pilot, 0.4);
        assert_eq!(d.tasks, crate::config::design::fixed(129));
        let choice = d.tasks_choice.unwrap();
        assert_eq!(choice.method, TasksMethod::Calibrated);
        assert_eq!(choice.task_s, Some(0.1 / 32.0));
        assert_eq!(choice.calibration_s, Some(0.12));
        assert_eq!(choice.max_imbalance, max_imbalance(129, &[1, 2, 3]));
        assert_eq!(
            (d.repetitions, d.adaptive),
            (planned.repetitions, planned.adaptive)
        );
        let at_two = Pilot {
            workers: 2,
            ..pilot
        };
        let d = calibrated_design(planned, &[2, 3], &at_two, 0.4);
        assert_eq!(d.tasks_choice.unwrap().task_s, None);
    }
}
