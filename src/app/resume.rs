//! `plateau run --resume DIR`: continues an unfinished run (interrupted, failed, or killed
//! before it could record its end) with the settings recorded in DIR/results.json, and says
//! what it found. Refuses a finished run, a file that is not a run's, one measured on another
//! machine, and flags given beside `--resume` that differ from the recorded settings.

use super::sweep_setup::config_record;
use crate::cli::Cli;
use crate::clock::UtcTime;
use crate::config::RunConfig;
use crate::config::resumed::cannot_replay;
use crate::error::usage;
use crate::model::json;
use crate::model::{ConfigRecord, MachineInfo, Point, RunRecord};
use clap::CommandFactory;
use clap::parser::ValueSource;
use serde::Serialize;
use std::path::Path;

/// The run to continue, beside its rebuilt config: its record so far.
#[derive(Debug)]
pub struct Resumed {
    /// The record, with a new entry in `run.resumed_at`.
    pub record: RunRecord,
    /// What was found, in one line, for stderr once the folder is claimed.
    pub found: String,
}

/// Flags that change how this session runs or prints, never what is measured.
const FREE: &[&str] = &[
    "resume",
    "quiet",
    "json",
    "wait_idle",
    "no_wait",
    "allow_concurrent",
];

/// Loads DIR/results.json and checks it can be continued with `current`'s explicit flags:
/// the recorded run's config, writing into DIR, and its record so far.
pub fn load(
    dir: &Path,
    current: &RunConfig,
    command_line: &[String],
    machine: &MachineInfo,
) -> anyhow::Result<(RunConfig, Resumed)> {
    let shown = dir.display();
    let mut record = read_record(dir)?;
    check_continuable(&record, dir, machine)?;
    let changed = flag_differences(current, &record, &explicit_flags(command_line));
    if !changed.is_empty() {
        return Err(usage(format!(
            "--resume {shown}: {}; drop those flags (a resumed run keeps its recorded settings) or start a new run",
            changed.join("; ")
        )));
    }
    let config = rebuild(&record, dir, current, machine)?;
    align_points(&mut record, &config).map_err(|what| {
        usage(format!(
            "--resume {shown}: results.json {what}; was it edited by hand?"
        ))
    })?;
    let found = super::resume_found::found(&record, dir);
    record.run.resumed_at.push(UtcTime::now().rfc3339());
    record.run.finished_at = None;
    Ok((config, Resumed { record, found }))
}

/// DIR/results.json, refused when DIR is not a folder or holds none.
fn read_record(dir: &Path) -> anyhow::Result<RunRecord> {
    let shown = dir.display();
    if !dir.is_dir() {
        return Err(usage(format!(
            "--resume {shown} is not a folder; give the folder of an interrupted run (it holds results.json)"
        )));
    }
    let path = dir.join("results.json");
    if !path.exists() {
        return Err(usage(format!(
            "--resume {shown} holds no results.json; give the folder an interrupted plateau run wrote"
        )));
    }
    json::read(&path)
}

/// Refuses a record that is not an unfinished run of `plateau run` on this machine.
fn check_continuable(record: &RunRecord, dir: &Path, machine: &MachineInfo) -> anyhow::Result<()> {
    let shown = dir.display();
    if record.config.mode == crate::model::RunMode::Imported
        || record.run.command_line.get(1).map(String::as_str) != Some("run")
    {
        return Err(usage(format!(
            "--resume {shown}: its results.json was not written by `plateau run` (it holds {}), so there is no sweep to continue",
            if record.config.mode == crate::model::RunMode::Imported {
                "a `plateau analyze` result"
            } else {
                "no run command line"
            }
        )));
    }
    if record.run.finished_at.is_some() && !record.run.interrupted {
        let reason = record.run.stop_reason.map_or("completed", |r| r.as_str());
        return Err(usage(format!(
            "--resume {shown}: that run finished (it ended: {reason}); start a new run instead"
        )));
    }
    if let Some(state) = &record.run.sweep_state {
        if state.seed != record.config.seed {
            return Err(usage(format!(
                "--resume {shown}: results.json's sweep_state.seed {} differs from config.seed {}; was it edited by hand?",
                state.seed, record.config.seed
            )));
        }
    }
    let moved = machine_differences(&record.machine, machine);
    if !moved.is_empty() {
        return Err(usage(format!(
            "--resume {shown} was measured on another machine ({}); resume it there or start a new run",
            moved.join(", ")
        )));
    }
    Ok(())
}

/// The identity fields that differ between the recorded machine and this one.
pub fn machine_differences(recorded: &MachineInfo, here: &MachineInfo) -> Vec<String> {
    let mut out = Vec::new();
    let mut cmp = |name: &str, a: String, b: String| {
        if a != b {
            out.push(format!("{name} was {a}, is {b}"));
        }
    };
    cmp(
        "hostname",
        format!("{:?}", recorded.hostname),
        format!("{:?}", here.hostname),
    );
    cmp("arch", recorded.arch.clone(), here.arch.clone());
    cmp(
        "cpu",
        format!("{:?}", recorded.cpu_brand),
        format!("{:?}", here.cpu_brand),
    );
    cmp(
        "logical CPUs",
        recorded.logical_cpus.to_string(),
        here.logical_cpus.to_string(),
    );
    cmp(
        "physical cores",
        recorded.physical_cores.to_string(),
        here.physical_cores.to_string(),
    );
    cmp(
        "effective CPUs",
        recorded.effective_cpus.to_string(),
        here.effective_cpus.to_string(),
    );
    out
}

/// clap ids of the `run` flags typed on `command_line` (not defaults).
fn explicit_flags(command_line: &[String]) -> Vec<String> {
    let cli = Cli::command();
    // Only real flags: clap also reports the id of the `RunArgs` group.
    let flags: Vec<String> = cli
        .find_subcommand("run")
        .map(|run| {
            run.get_arguments()
                .map(|a| a.get_id().to_string())
                .collect()
        })
        .unwrap_or_default();
    let Ok(matches) = cli.try_get_matches_from(command_line) else {
        return vec![];
    };
    let Some(run) = matches.subcommand_matches("run") else {
        return vec![];
    };
    run.ids()
        .filter(|id| flags.iter().any(|f| f == id.as_str()))
        .filter(|id| run.value_source(id.as_str()) == Some(ValueSource::CommandLine))
        .map(|id| id.as_str().to_string())
        .collect()
}

/// A run's settings that a flag beside `--resume` may repeat: results.json's `config` object
/// and the run's label and price.
struct Settings<'a> {
    config: &'a ConfigRecord,
    label: &'a str,
    price_per_hour: Option<f64>,
}

/// One phrase per explicit flag that disagrees with the record or cannot be changed.
fn flag_differences(current: &RunConfig, record: &RunRecord, explicit: &[String]) -> Vec<String> {
    let requested = config_record(current, &current.design);
    let given = Settings {
        config: &requested,
        label: &current.label,
        price_per_hour: current.price_per_hour,
    };
    let recorded = Settings {
        config: &record.config,
        label: &record.run.label,
        price_per_hour: record.run.price_per_hour,
    };
    let flags = explicit.iter().filter(|id| !FREE.contains(&id.as_str()));
    flags
        .filter_map(|id| {
            let flag = format!("--{}", id.replace('_', "-"));
            match compared(id, [&given, &recorded]) {
                None => Some(format!("{flag} cannot be changed on resume")),
                Some(None) => None,
                Some(Some([a, b])) => Some(format!("{flag} gives {a} but the run recorded {b}")),
            }
        })
        .collect()
}

/// The given and the recorded value of the flag with clap id `id`, as results.json shows them,
/// when they differ; None when the flag is not one that may be given beside `--resume`.
fn compared(id: &str, pair: [&Settings; 2]) -> Option<Option<[String; 2]>> {
    Some(match id {
        "workload" => differ(pair, |s| s.config.workload.get("name").cloned()),
        "iterations" => differ(pair, |s| s.config.workload.get("iterations").cloned()),
        "workers" => differ(pair, |s| Some(s.config.workers.clone())),
        "tasks" => differ(pair, |s| Some(s.config.tasks)),
        "repetitions" => differ(pair, |s| Some(s.config.repetitions)),
        "warmup" => differ(pair, |s| Some(s.config.warmup)),
        "mode" => differ(pair, |s| Some(s.config.mode.clone())),
        "schedule" => differ(pair, |s| Some(s.config.schedule.clone())),
        "seed" => differ(pair, |s| Some(s.config.seed)),
        "target_ci" => differ(pair, |s| s.config.adaptive.as_ref().map(|a| a.target_ci)),
        "max_time" => differ(pair, |s| s.config.adaptive.as_ref().map(|a| a.max_time_s)),
        "label" => differ(pair, |s| Some(s.label.to_string())),
        // Given or recorded, a price that is not set shows as `null`.
        "price_per_hour" => differ(pair, |s| Some(s.price_per_hour)),
        _ => return None,
    })
}

/// `get` of both settings, shown as results.json shows them ("none" when absent), if they
/// differ.
fn differ<T: PartialEq + Serialize>(
    pair: [&Settings; 2],
    get: impl Fn(&Settings) -> Option<T>,
) -> Option<[String; 2]> {
    let [a, b] = pair.map(get);
    let shown = |v: Option<T>| {
        v.and_then(|v| serde_json::to_value(v).ok())
            .map_or("none".to_string(), |v| v.to_string())
    };
    (a != b).then(|| [shown(a), shown(b)])
}

/// The recorded run's config (`RunConfig::resumed`), refused if it does not reproduce the
/// recorded settings.
fn rebuild(
    record: &RunRecord,
    dir: &Path,
    current: &RunConfig,
    machine: &MachineInfo,
) -> anyhow::Result<RunConfig> {
    let config = RunConfig::resumed(record, dir, current, machine)?;
    let rebuilt = serde_json::to_value(config_record(&config, &config.design))?;
    let recorded = serde_json::to_value(&record.config)?;
    if rebuilt != recorded {
        let field = rebuilt
            .as_object()
            .into_iter()
            .flatten()
            .find(|(k, v)| recorded.get(k.as_str()) != Some(v))
            .map_or("a field".to_string(), |(k, _)| format!("config.{k}"));
        return Err(cannot_replay(
            dir,
            &format!("{field} differs from results.json"),
        ));
    }
    Ok(config)
}

/// One point per planned worker count, in plan order; points outside the plan are refused.
fn align_points(record: &mut RunRecord, config: &RunConfig) -> Result<(), String> {
    let plan = config.worker_counts();
    if let Some(p) = record.points.iter().find(|p| !plan.contains(&p.workers)) {
        return Err(format!(
            "has a point at {} workers that config.workers does not list",
            p.workers
        ));
    }
    for &w in &plan {
        if !record.points.iter().any(|p| p.workers == w) {
            record.points.push(Point::unmeasured(w));
        }
    }
    record.points.sort_by_key(|p| p.workers);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn machine_differences_name_each_field() {
        let a = crate::machine::detect();
        let mut b = a.clone();
        assert!(machine_differences(&a, &b).is_empty());
        b.hostname = "elsewhere".into();
        b.effective_cpus = a.effective_cpus + 4;
        let d = machine_differences(&a, &b);
        assert_eq!(d.len(), 2, "{d:?}");
        assert!(d[0].starts_with("hostname was"), "{d:?}");
        assert!(d[1].starts_with("effective CPUs was"), "{d:?}");
    }

    #[test]
    fn explicit_flags_are_only_the_typed_ones() {
        let argv: Vec<String> = ["plateau", "run", "--resume", "d", "--tasks", "8", "-q"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let mut ids = explicit_flags(&argv);
        ids.sort();
        assert_eq!(ids, vec!["quiet", "resume", "tasks"]);
    }

    #[test]
    fn flags_beside_resume_are_compared_with_the_recorded_values() {
        let machine = crate::testdata::machine(2);
        let config = |args: &[&str]| crate::config::test_config(args, &machine).unwrap();
        let ran = config(&["--workers", "1,2", "--tasks", "6", "--label", "a"]);
        let record = super::super::sweep_setup::new_record(
            &ran,
            &ran.design,
            machine.clone(),
            &UtcTime::now(),
        );
        let flags = ["tasks", "label", "price_per_hour", "pin", "quiet"].map(String::from);
        let now = config(&["--tasks", "6", "--label", "b", "--price-per-hour", "2"]);
        assert_eq!(
            flag_differences(&now, &record, &flags),
            vec![
                r#"--label gives "b" but the run recorded "a""#,
                "--price-per-hour gives 2.0 but the run recorded null",
                "--pin cannot be changed on resume",
            ]
        );
    }
}
