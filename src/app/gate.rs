//! `plateau compare --baseline-… --candidate-…`: the interleaved gate. Validates both sides,
//! calibrates the task count, runs a warm-up round and then measured rounds until the
//! sequential decision is reached or the budget runs out, saving baseline.json,
//! candidate.json, pairing.json and gate.json after every round. The verdict is the exit code.

use super::gate_rounds::{
    Measures, Pairing, Pilot, RoundError, Rounds, SideRunner, as_block, calibrated_design,
};
use super::sweep_setup::new_record;
use super::{append_step_summary, print_stdout, signals, write_markdown};
use crate::cancel::CancelToken;
use crate::cli::CompareArgs;
use crate::cli::gate::InconclusiveAs;
use crate::clock::UtcTime;
use crate::compare::gate::{Decision, SequentialGate};
use crate::compare::gate_outcome::{GateReport, GateRunFacts, GateVerdict, gate_report};
use crate::config::design::Design;
use crate::config::gate::{GateConfig, GateSide};
use crate::error::{Inconclusive, RegressionFound, RunFailed};
use crate::exec::BatchSpec;
use crate::model::json;
use crate::outdir::OutputDir;
use crate::render::gate_md;
use crate::summary::summarize_points;
use crate::term::gate_text;
use std::time::Instant;

/// Runs the interleaved gate.
pub fn gate(args: &CompareArgs) -> anyhow::Result<()> {
    let step_summary = std::env::var_os("GITHUB_STEP_SUMMARY").map(Into::into);
    let machine = crate::machine::detect();
    let now = UtcTime::now();
    let config = GateConfig::from_args(args, &machine, &now.folder_stamp(), step_summary)?;
    let out = OutputDir::prepare(&config.out)?;
    let cancel = signals::install();
    // Both sides measure the machine: one measurement at a time, as `plateau run` does.
    let command_line: Vec<String> = std::env::args().collect();
    let _lock = super::machine_lock::hold(config.lock, &command_line, out.path(), &cancel)?;
    let start = Instant::now();
    let measures = |s: &GateSide| -> anyhow::Result<Measures> {
        Ok(Measures {
            executor: super::executor::for_config(&s.run)?,
            workload: s.run.execution.build(),
        })
    };
    let mut measured = [measures(&config.baseline)?, measures(&config.candidate)?];
    let run = &config.baseline.run;
    // The gate runs one fixed job at every count: `--tasks`, else the smallest balanced count,
    // which its pilot batch then sizes by time.
    let tasks = match run.design.tasks {
        crate::config::design::TaskPlan::Fixed(n) => n.get(),
        crate::config::design::TaskPlan::PerWorker { .. } => {
            crate::plan::default_tasks(&run.worker_counts())
        }
    };
    let first = run.workers[0];
    let template = BatchSpec::new(first, tasks, run.schedule, run.chunk, &cancel)
        .pinned(run.pin_cpus(&machine.allowed_cpu_ids));
    let mut rounds = Rounds::new(run.workers.clone(), template, config.seed);
    let settled = calibrate(&config, &mut rounds, &mut measured[0], &cancel, &out)?;
    // Both records carry the task count the rounds use and how it was chosen.
    let side = |s: &GateSide, measures| {
        let design = Design {
            tasks: settled.tasks,
            tasks_choice: settled.tasks_choice.clone(),
            ..s.run.design.clone()
        };
        let record = new_record(&s.run, &design, machine.clone(), &now);
        SideRunner {
            name: s.name,
            measures,
            record,
        }
    };
    let [baseline, candidate] = measured;
    let sides = [
        side(&config.baseline, baseline),
        side(&config.candidate, candidate),
    ];
    let report = Session {
        config: &config,
        out: &out,
        cancel: &cancel,
        start,
        sides,
        pairing: Pairing {
            seed: config.seed,
            tasks: rounds.tasks,
            rounds: vec![],
        },
        rounds,
        gate: SequentialGate::new(config.options),
    }
    .measure()?;
    publish(&config, &report)?;
    exit_for(&report, config.inconclusive)
}

/// The error of a batch or round that did not finish (`what` says which), and where the
/// samples so far are.
fn round_failed(e: RoundError, what: &str, out: &OutputDir) -> anyhow::Error {
    match e {
        RoundError::Cancelled => RunFailed(format!(
            "interrupted {what}; the samples so far are saved in {}",
            out.path().display()
        ))
        .into(),
        RoundError::Failed(s) => RunFailed(format!(
            "{s} ({what}); the samples so far are saved in {}",
            out.path().display()
        ))
        .into(),
    }
}

/// The baseline's design, its task count (which the rounds then use) sized, when asked, to
/// the batch time from a pilot batch of the baseline at the first count.
fn calibrate(
    config: &GateConfig,
    rounds: &mut Rounds,
    baseline: &mut Measures,
    cancel: &CancelToken,
    out: &OutputDir,
) -> anyhow::Result<Design> {
    let run = &config.baseline.run;
    let planned = Design {
        tasks: crate::config::design::fixed(rounds.tasks),
        ..run.design.clone()
    };
    if !config.calibrate_tasks {
        return Ok(planned);
    }
    let started = Instant::now();
    let first = run.workers[0];
    let sample = rounds
        .batch_of(config.baseline.name, baseline, first, cancel)
        .map_err(|e| round_failed(e, "while calibrating the task count", out))?;
    let pilot = Pilot {
        workers: first.get(),
        tasks: rounds.tasks,
        wall_s: sample.wall_s,
        calibration_s: started.elapsed().as_secs_f64(),
    };
    let target_s = config.batch_time.as_secs_f64();
    let design = calibrated_design(planned, &run.worker_counts(), &pilot, target_s);
    rounds.tasks = design.tasks.recorded();
    Ok(design)
}

/// The gate once its task count is set: both sides, their rounds and pairing, the sequential
/// decision, and where it all is saved.
struct Session<'a> {
    config: &'a GateConfig,
    out: &'a OutputDir,
    cancel: &'a CancelToken,
    start: Instant,
    sides: [SideRunner; 2],
    rounds: Rounds,
    pairing: Pairing,
    gate: SequentialGate,
}

impl Session<'_> {
    /// The warm-up round, then measured rounds until the decision or until another round
    /// would pass the budget, saving after each; the final report.
    fn measure(mut self) -> anyhow::Result<GateReport> {
        // The settings are on disk before the first batch is kept, so an interrupted gate
        // always leaves its four files.
        self.save_report()?;
        let warm_start = Instant::now();
        self.rounds
            .round(&mut self.sides, false, self.cancel)
            .map_err(|e| round_failed(e, "in the warm-up round", self.out))?;
        let mut last_round_s = warm_start.elapsed().as_secs_f64();
        let budget_s = self.config.max_time.as_secs_f64();
        loop {
            let elapsed = self.start.elapsed().as_secs_f64();
            if elapsed + last_round_s > budget_s {
                break;
            }
            let round_start = Instant::now();
            let decision = self.measured_round()?;
            last_round_s = round_start.elapsed().as_secs_f64();
            let report = self.save_report()?;
            if !self.config.quiet {
                eprintln!("{}", gate_text::progress_line(&report));
            }
            if decision != Decision::Continue {
                break;
            }
        }
        self.save_report()
    }

    /// One measured round, paired and added to the sequential decision.
    fn measured_round(&mut self) -> anyhow::Result<Decision> {
        let blocks = self
            .rounds
            .round(&mut self.sides, true, self.cancel)
            .map_err(|e| {
                let what = format!("in round {}", self.pairing.rounds.len() + 1);
                round_failed(e, &what, self.out)
            })?;
        let decision = self
            .gate
            .add_round(&blocks.iter().map(as_block).collect::<Vec<_>>());
        self.pairing.rounds.push(blocks);
        Ok(decision)
    }

    /// The outcome so far, saved with both sides' samples and the pairing.
    fn save_report(&mut self) -> anyhow::Result<GateReport> {
        let facts = GateRunFacts {
            elapsed_s: self.start.elapsed().as_secs_f64(),
            max_time_s: self.config.max_time.as_secs_f64(),
            tasks: self.rounds.tasks,
            baseline: self.config.baseline.given.clone(),
            candidate: self.config.candidate.given.clone(),
            out_dir: self.out.path().display().to_string(),
        };
        let report = gate_report(&self.gate, self.config.options, facts);
        save(self.out, &mut self.sides, &self.pairing, &report)?;
        Ok(report)
    }
}

/// Writes both sides' samples, the pairing and the outcome.
fn save(
    out: &OutputDir,
    sides: &mut [SideRunner; 2],
    pairing: &Pairing,
    report: &GateReport,
) -> anyhow::Result<()> {
    for s in sides.iter_mut() {
        let r = &mut s.record;
        summarize_points(&mut r.points, r.config.tasks, r.config.seed);
        r.run.finished_at = Some(UtcTime::now().rfc3339());
        out.write(&format!("{}.json", s.name), &json::render(r))?;
    }
    out.write("pairing.json", &pretty(pairing)?)?;
    out.write("gate.json", &pretty(report)?)?;
    Ok(())
}

fn pretty<T: serde::Serialize>(value: &T) -> anyhow::Result<Vec<u8>> {
    let mut text = serde_json::to_vec_pretty(value)?;
    text.push(b'\n');
    Ok(text)
}

/// The table or JSON on stdout, the markdown where asked and into the step summary.
fn publish(config: &GateConfig, report: &GateReport) -> anyhow::Result<()> {
    let markdown = gate_md::render(report);
    if let Some(path) = &config.markdown {
        write_markdown(path, &markdown)?;
    }
    append_step_summary(config.step_summary.as_deref(), &markdown);
    if config.json {
        print_stdout(&String::from_utf8_lossy(&pretty(report)?))
    } else {
        print_stdout(&gate_text::render(report))
    }
}

/// Exit 0 on no regression, 1 on a regression, 4 (or as mapped) when inconclusive.
fn exit_for(report: &GateReport, mapping: Option<InconclusiveAs>) -> anyhow::Result<()> {
    let headline = crate::render::gate_fmt::headline(report);
    match (report.verdict, mapping) {
        (GateVerdict::NoRegression, _)
        | (GateVerdict::Inconclusive, Some(InconclusiveAs::Pass)) => Ok(()),
        (GateVerdict::Regression, _) | (GateVerdict::Inconclusive, Some(InconclusiveAs::Fail)) => {
            Err(RegressionFound(headline).into())
        }
        (GateVerdict::Inconclusive, None) => Err(Inconclusive(headline).into()),
    }
}
