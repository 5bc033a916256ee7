//! `plateau run --resume DIR`: continues an unfinished run (interrupted, failed, or killed
//! before it could record its end) with the settings recorded in DIR/results.json, and says
//! what it found. Refuses a finished run, a file that is not a run's, one measured on another
//! machine, and flags given beside `--resume` that differ from the recorded settings.

use super::sweep_setup::config_record;
use crate::cli::Cli;
use crate::clock::UtcTime;
use crate::config::RunConfig;
use crate::config::design::Design;
use crate::config::resumed::cannot_replay;
use crate::error::usage;
use crate::model::json;
use crate::model::{MachineInfo, Point, RunRecord};
use clap::CommandFactory;
use clap::parser::ValueSource;
use serde_json::Value;
use std::path::Path;

/// The run to continue, beside its rebuilt config: its record so far.
#[derive(Debug)]
pub struct Resumed {
    /// The record, with a new entry in `run.resumed_at`.
    pub record: RunRecord,
    /// What was found, in one line, for stderr once the folder is claimed.
    pub found: String,
}

/// A flag that may be given beside `--resume` if it agrees with the record.
struct Compared {
    /// clap's id of the flag.
    id: &'static str,
    /// The flag as typed.
    flag: &'static str,
    /// Where its value sits in results.json.
    pointer: &'static str,
}

const COMPARED: &[Compared] = &[
    Compared {
        id: "workload",
        flag: "--workload",
        pointer: "/config/workload/name",
    },
    Compared {
        id: "iterations",
        flag: "--iterations",
        pointer: "/config/workload/iterations",
    },
    Compared {
        id: "workers",
        flag: "--workers",
        pointer: "/config/workers",
    },
    Compared {
        id: "tasks",
        flag: "--tasks",
        pointer: "/config/tasks",
    },
    Compared {
        id: "repetitions",
        flag: "--repetitions",
        pointer: "/config/repetitions",
    },
    Compared {
        id: "warmup",
        flag: "--warmup",
        pointer: "/config/warmup",
    },
    Compared {
        id: "mode",
        flag: "--mode",
        pointer: "/config/mode",
    },
    Compared {
        id: "schedule",
        flag: "--schedule",
        pointer: "/config/schedule",
    },
    Compared {
        id: "seed",
        flag: "--seed",
        pointer: "/config/seed",
    },
    Compared {
        id: "target_ci",
        flag: "--target-ci",
        pointer: "/config/adaptive/target_ci",
    },
    Compared {
        id: "max_time",
        flag: "--max-time",
        pointer: "/config/adaptive/max_time_s",
    },
    Compared {
        id: "label",
        flag: "--label",
        pointer: "/run/label",
    },
    Compared {
        id: "price_per_hour",
        flag: "--price-per-hour",
        pointer: "/run/price_per_hour",
    },
];

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

/// One phrase per explicit flag that disagrees with the record or cannot be changed.
fn flag_differences(current: &RunConfig, record: &RunRecord, explicit: &[String]) -> Vec<String> {
    let given = comparable(
        &config_record(current, &Design::planned(current)),
        &current.label,
        current.price_per_hour,
    );
    let recorded = comparable(&record.config, &record.run.label, record.run.price_per_hour);
    let show = |v: Option<&Value>| v.map_or("none".to_string(), |v| v.to_string());
    let mut out = Vec::new();
    for id in explicit.iter().filter(|id| !FREE.contains(&id.as_str())) {
        match COMPARED.iter().find(|c| c.id == id) {
            Some(c) => {
                let (a, b) = (given.pointer(c.pointer), recorded.pointer(c.pointer));
                if a != b {
                    out.push(format!(
                        "{} gives {} but the run recorded {}",
                        c.flag,
                        show(a),
                        show(b)
                    ));
                }
            }
            None => out.push(format!(
                "--{} cannot be changed on resume",
                id.replace('_', "-")
            )),
        }
    }
    out
}

fn comparable(config: &crate::model::ConfigRecord, label: &str, price: Option<f64>) -> Value {
    serde_json::json!({
        "config": config,
        "run": {"label": label, "price_per_hour": price},
    })
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
    let rebuilt = serde_json::to_value(config_record(&config, &Design::planned(&config)))?;
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
}
