//! The simulator: plateau's real default path (the plan for the machine, the calibration, the
//! per-count batches, the adaptive rounds with interference marking, and the decision) run on
//! a machine model, with only the executor and the clock simulated, so a whole default run on
//! a 192-CPU machine takes milliseconds. It proves the design where no such machine can be
//! had; `examples/simulate.rs` is its command line and the simulation tests its checks.

pub mod executor;
pub mod machine;

use crate::app::{calibrate, sweep_setup};
use crate::cancel::CancelToken;
use crate::clock::UtcTime;
use crate::config::RunConfig;
use crate::model::RunRecord;
use crate::rng::{Stream, derive};
use crate::sweep::interference::Meter;
use crate::sweep::{Silent, SweepEnd, run_sweep};
use clap::Parser;
use executor::SimExecutor;
use machine::MachineModel;
use serde::Serialize;
use std::collections::BTreeMap;

/// The period of a simulated CPU quota, seconds (the kernel's default).
const QUOTA_PERIOD_S: f64 = 0.1;

/// One simulated default run.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct SimRun {
    /// The run's seed (its round orders, bootstrap and the machine's noise).
    pub seed: u64,
    /// The worker count plateau recommended.
    pub recommended: usize,
    /// The noise-free answer over the counts measured (fewest within 5% of the peak).
    pub truth: usize,
    /// Share of the decision's resamples that recommend the same count.
    pub stability: Option<f64>,
    /// Rounds behind the decision.
    pub rounds: usize,
    /// Seconds the run would have taken: the calibration and every batch, warmup included.
    pub simulated_s: f64,
    /// The adaptive budget the calibration settled, seconds.
    pub budget_s: Option<f64>,
    /// Why the sweep ended.
    pub stop_reason: String,
    /// The planned worker counts.
    pub workers: Vec<usize>,
    /// Tasks per batch at each count.
    pub tasks: BTreeMap<String, u64>,
}

/// A default `plateau run --seed SEED` (plus `extra` flags) on the simulated `model`.
pub fn simulate(model: &MachineModel, seed: u64, extra: &[&str]) -> anyhow::Result<SimRun> {
    let machine = model.machine_info();
    let seed_text = seed.to_string();
    let mut argv = vec!["plateau", "run", "--quiet", "--seed", &seed_text];
    argv.extend(extra);
    let cli =
        crate::cli::Cli::try_parse_from(&argv).map_err(|e| crate::error::usage(e.to_string()))?;
    let crate::cli::Command::Run(args) = cli.command else {
        return Err(crate::error::usage("the simulator runs `plateau run` only"));
    };
    let argv: Vec<String> = argv.iter().map(|a| a.to_string()).collect();
    let config = RunConfig::from_args(&args, &machine, "simulated", argv)?;
    let mut sim = SimExecutor::new(model.clone(), derive(seed, Stream::Count(usize::MAX)));
    let workload = config.execution.build();
    let cancel = CancelToken::new();
    let period = crate::machine::quota_limits(&machine).then_some(QUOTA_PERIOD_S);
    let design = calibrate::settle_under(&config, &machine, period, &mut sim, &workload, &cancel)?;
    let capacity = crate::machine::capacity(&machine);
    let mut record = sweep_setup::new_record(&config, &design, machine, &UtcTime::now());
    let mut spec = sweep_setup::sweep_spec(
        &config,
        &design,
        &record.machine.allowed_cpu_ids,
        capacity,
        &cancel,
    );
    if let Some(watch) = spec.watch.as_mut() {
        watch.meter = Meter::Virtual(sim.counters());
    }
    let end = run_sweep(&spec, &mut sim, &workload, &mut record, &mut Silent)?;
    crate::summary::summarize_points(&mut record.points, record.config.tasks, record.config.seed);
    record.analysis = crate::analysis::analyze(&record, &config.analysis);
    Ok(outcome(model, &record, end, sim.now_s()))
}

/// What a finished simulated run gives.
fn outcome(model: &MachineModel, record: &RunRecord, end: SweepEnd, simulated_s: f64) -> SimRun {
    let measured: Vec<usize> = record
        .points
        .iter()
        .filter(|p| !p.samples.is_empty())
        .map(|p| p.workers)
        .collect();
    let analysis = record.analysis.as_ref();
    let decision = analysis.and_then(|a| a.decision.as_ref());
    SimRun {
        seed: record.config.seed,
        recommended: analysis.map_or(0, |a| a.recommended_workers),
        truth: machine::truth(model, &measured, 0.05),
        stability: decision.and_then(|d| d.stability),
        rounds: decision.map_or(0, |d| d.rounds),
        simulated_s,
        budget_s: record.config.adaptive.as_ref().map(|a| a.max_time_s),
        stop_reason: crate::app::run::stop_reason(end).as_str().to_string(),
        workers: record.config.workers.clone(),
        tasks: record
            .points
            .iter()
            .map(|p| (p.workers.to_string(), p.tasks_or(record.config.tasks)))
            .collect(),
    }
}

#[cfg(test)]
mod tests;
