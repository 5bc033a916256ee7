//! `plateau run --sizes`: every size checked and placed before anything is measured, one
//! folder per size claimed under `--out`, the run's cgroup made (or the affinity fallback),
//! then every size calibrated and swept on a thread of its own, interleaved batch by batch
//! (`sizes/baton.rs`), each saving its results.json as it goes. At the end the cgroup is
//! removed, each size's outputs written like a `plateau run`'s, and the sizes compared as
//! `plateau report` compares machines: report.html, summary.md and the terminal table.

pub mod baton;
pub mod one_size;
pub mod report;

use crate::cli::RunArgs;
use crate::clock::UtcTime;
use crate::config::{OutDir, RunConfig};
use crate::error::{RunFailed, usage};
use crate::model::{EmulationMethod, MachineInfo, RunRecord, StopReason};
use crate::outdir::OutputDir;
use crate::render::comparison::LoadedRun;
use crate::sizes::emulate::{Confinement, emulated_machine};
use crate::sizes::plan::{Request, SizesPlan};
use crate::sizes::topology::Topology;
use crate::summary::summarize_points;
use baton::Baton;
use one_size::{Measured, Shared, SizeJob};
use std::path::PathBuf;
use std::sync::Mutex;

/// The sizes `args` asks for, checked against this host; `None` without `--sizes`.
pub fn plan(args: &RunArgs, host: &MachineInfo) -> anyhow::Result<Option<SizesPlan>> {
    let s = &args.sizes;
    let conflicting: Vec<&'static str> = [
        (args.resume.is_some(), "--resume"),
        (args.json, "--json"),
        (args.emit_results, "--emit-results"),
        (args.price_per_hour.is_some(), "--price-per-hour"),
    ]
    .into_iter()
    .filter_map(|(given, flag)| given.then_some(flag))
    .collect();
    let req = Request {
        sizes: s.sizes.as_ref(),
        shape: s.size_shape,
        memory_per_vcpu: s.memory_per_vcpu,
        price_per_vcpu_hour: s.price_per_vcpu_hour,
        size_prices: &s.size_prices,
        reference: s.reference.as_deref(),
        conflicting: &conflicting,
    };
    crate::sizes::plan::plan(&req, host, &Topology::read()).map_err(usage)
}

/// Runs every size of `plan`, interleaved, then compares them.
pub fn run(
    args: &RunArgs,
    plan: SizesPlan,
    host: MachineInfo,
    command_line: Vec<String>,
) -> anyhow::Result<()> {
    let started = UtcTime::now();
    let stamp = started.folder_stamp();
    let reference = plan
        .reference
        .as_ref()
        .map(|p| crate::model::json::read(p).map(|r| (p.clone(), r)))
        .transpose()?;
    let setup = Setup {
        args,
        plan: &plan,
        host: &host,
        top: top_folder(args, &stamp),
        stamp: &stamp,
        command_line: &command_line,
    };
    // Every size's config is validated (on its emulated machine) before anything is made.
    setup.configs(EmulationMethod::Affinity, None)?;
    let confine = Confinement::new(plan.needs).map_err(|why| usage(name_fractions(&plan, why)))?;
    let method = confine.method();
    let configs = setup.configs(method.clone(), confine.fallback_reason())?;
    let top = setup.top;
    let first = &configs[0];
    let outs = configs
        .iter()
        .map(crate::app::save::claim_folder)
        .collect::<anyhow::Result<Vec<OutputDir>>>()?;
    let cancel = super::signals::install();
    let _lock = super::machine_lock::hold(first.robust.lock, &command_line, &top.path, &cancel)?;
    let _guard = super::executor::guard_for(first);
    let busy = super::noise::guard(&host, first.robust.wait_idle, &cancel)?;
    if !first.quiet {
        eprintln!("{}", header(&plan, &configs, &confine));
    }
    let baton = Baton::new(plan.slots.len(), first.seed);
    let failure = Mutex::new(None);
    let budgets = Mutex::new(vec![None; plan.slots.len()]);
    let shared = Shared {
        budgets: &budgets,
        baton: &baton,
        confine: &confine,
        cancel: &cancel,
        started: &started,
        failure: &failure,
        quiet: first.quiet,
        busy,
    };
    let jobs: Vec<SizeJob> = configs
        .into_iter()
        .zip(outs)
        .enumerate()
        .map(|(i, (config, out))| SizeJob {
            index: i,
            machine: emulated_machine(
                &host,
                &plan.slots[i],
                method.clone(),
                confine.fallback_reason(),
            ),
            slot: plan.slots[i].clone(),
            price_per_hour: plan.prices[i],
            config,
            out,
        })
        .collect();
    let measured: Vec<anyhow::Result<Measured>> = std::thread::scope(|scope| {
        let handles: Vec<_> = jobs
            .iter()
            .map(|job| scope.spawn(|| job.measure(&shared)))
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join()
                    .unwrap_or_else(|_| Err(anyhow::anyhow!("a size's thread panicked")))
            })
            .collect()
    });
    // The cgroup goes before anything is written: nothing more is measured.
    drop(confine);
    let failure = failure.into_inner().unwrap_or_else(|p| p.into_inner());
    conclude(
        &jobs,
        measured,
        reference,
        &top,
        failure,
        cancel.is_cancelled(),
    )
}

/// `--out`, or a dated `reports/<stamp>_<workload>_sizes` folder.
fn top_folder(args: &RunArgs, stamp: &str) -> OutDir {
    match &args.out {
        Some(p) => OutDir {
            path: p.clone(),
            dated: false,
        },
        None => OutDir {
            path: PathBuf::from("reports").join(format!("{stamp}_{}_sizes", args.workload.name())),
            dated: true,
        },
    }
}

/// What every size's config is built from.
struct Setup<'a> {
    args: &'a RunArgs,
    plan: &'a SizesPlan,
    host: &'a MachineInfo,
    top: OutDir,
    stamp: &'a str,
    command_line: &'a [String],
}

impl Setup<'_> {
    /// Each size's config: `run`'s own validation on the size's emulated machine, into its
    /// own folder (`size-N`) under its own label.
    fn configs(
        &self,
        method: EmulationMethod,
        fallback: Option<&str>,
    ) -> anyhow::Result<Vec<RunConfig>> {
        let args = self.args;
        self.plan
            .slots
            .iter()
            .map(|slot| {
                let machine = emulated_machine(self.host, slot, method.clone(), fallback);
                let mut a = args.clone();
                a.out = Some(self.top.path.join(format!("size-{}", slot.size)));
                a.label = Some(match &args.label {
                    Some(l) => format!("{l} {}", slot.size.words()),
                    None => slot.size.words(),
                });
                a.sizes = Default::default();
                RunConfig::from_args(&a, &machine, self.stamp, self.command_line.to_vec())
            })
            .collect()
    }
}

/// A refusal to make the cgroup, with the fractional sizes that needed it named.
fn name_fractions(plan: &SizesPlan, why: String) -> String {
    let fractions: Vec<String> = plan
        .slots
        .iter()
        .filter(|s| s.size.is_fraction())
        .map(|s| s.size.to_string())
        .collect();
    match fractions.as_slice() {
        [] => why,
        f => format!("{why} (the fractional sizes: {})", f.join(", ")),
    }
}

/// The line printed before measuring: the sizes, where they run and how.
fn header(plan: &SizesPlan, configs: &[RunConfig], confine: &Confinement) -> String {
    let sizes: Vec<String> = plan
        .slots
        .iter()
        .map(|s| format!("{} (CPUs {})", s.size, crate::sizes::cpu_list(&s.cpus)))
        .collect();
    let counts: usize = configs.iter().map(|c| c.workers.len()).sum();
    let how = match confine {
        Confinement::Cgroup(_) => confine.method().as_str().replace('_', " "),
        Confinement::Affinity(why) => format!("the CPU affinity mask (no cgroup: {why})"),
    };
    format!(
        "Measuring {} sizes interleaved, vCPUs {}, by {how}: {counts} worker counts in all",
        plan.slots.len(),
        sizes.join(", ")
    )
}

/// Each size's outputs written like a `plateau run`'s, then the comparison, and the exit the
/// run's end calls for.
fn conclude(
    jobs: &[SizeJob],
    measured: Vec<anyhow::Result<Measured>>,
    reference: Option<(PathBuf, RunRecord)>,
    top: &OutDir,
    failure: Option<String>,
    interrupted: bool,
) -> anyhow::Result<()> {
    let mut runs = Vec::new();
    let mut problems: Vec<String> = failure.into_iter().collect();
    for (job, m) in jobs.iter().zip(measured) {
        match m {
            Ok(m) => {
                let record = finish_record(job, m, &mut problems)?;
                runs.push(LoadedRun {
                    source: job.out.path().join("results.json"),
                    record,
                });
            }
            Err(e) => problems.push(format!("the size {}: {e:#}", job.slot.size)),
        }
    }
    if runs.is_empty() {
        return Err(problems_error(&problems, interrupted, top));
    }
    let text = report::write(top, runs, reference)?;
    if !jobs[0].config.quiet {
        super::print_stdout(&text)?;
    }
    if interrupted || !problems.is_empty() {
        return Err(problems_error(&problems, interrupted, top));
    }
    Ok(())
}

/// A size's record concluded like `plateau run` concludes one: summaries, analysis, how it
/// ended, its four outputs.
fn finish_record(
    job: &SizeJob,
    m: Measured,
    problems: &mut Vec<String>,
) -> anyhow::Result<RunRecord> {
    let mut record = m.record;
    record.run.finished_at = Some(UtcTime::now().rfc3339());
    summarize_points(&mut record.points, record.config.tasks, record.config.seed);
    record.analysis = crate::analysis::analyze(&record, &job.config.analysis);
    let reason = match &m.outcome {
        Ok(end) => super::run::stop_reason(*end),
        Err(e) => {
            problems.push(format!("the size {} failed {e}", job.slot.size));
            StopReason::Failed
        }
    };
    record.run.stop_reason = Some(reason);
    record.run.interrupted = matches!(reason, StopReason::Interrupted | StopReason::Failed);
    crate::app::save::final_outputs(&job.out, &record)?;
    Ok(record)
}

/// The error that ends an interrupted or failed `--sizes` run, saying what is kept.
fn problems_error(problems: &[String], interrupted: bool, top: &OutDir) -> anyhow::Error {
    let mut what: Vec<String> = problems.to_vec();
    if interrupted && what.is_empty() {
        what.push("interrupted".into());
    }
    RunFailed(format!(
        "{}; every batch measured so far is saved in the size folders of {} (--resume does not continue a --sizes run yet: run it again)",
        what.join("; "),
        top.path.display()
    ))
    .into()
}
