//! The `plateau run` flags a fleet passes to every machine, checked when the manifests are
//! written, by the same parser and validation `plateau run` uses, so a typo fails here and not
//! on the cluster. Checks that depend on the target machine (its CPUs, its memory, whether the
//! command's program is installed there) are left to the run itself.

use crate::cli::{Cli, Command, RunArgs};
use crate::config::RunConfig;
use crate::error::usage;
use crate::model::MachineInfo;
use clap::Parser;

/// `plateau run` flags that passed `plateau run`'s own checks.
#[derive(Debug, Clone, PartialEq)]
pub struct RunFlags {
    argv: Vec<String>,
}

impl RunFlags {
    /// The flags as given, to append to `plateau run` on each machine.
    pub fn argv(&self) -> &[String] {
        &self.argv
    }
}

/// Flags the fleet sets for each machine itself, with what to do instead.
const SET_BY_FLEET: &[(&str, &str)] = &[
    (
        "--label",
        "each machine's label comes from --machine LABEL=...",
    ),
    (
        "--price-per-hour",
        "each machine's price comes from --machine LABEL=...:PRICE",
    ),
    (
        "--out",
        "each machine writes its own folder, and the log carries the result",
    ),
    (
        "--json",
        "the result is printed between markers (--emit-results)",
    ),
    (
        "--emit-results",
        "every machine prints its result between markers already",
    ),
    ("--resume", "a fleet starts new runs"),
];

/// Checks `flags` as `plateau run` would. A leading `--` (separating them from the fleet's own
/// flags) is dropped.
pub fn validate(flags: &[String]) -> anyhow::Result<RunFlags> {
    let flags = match flags.first() {
        Some(first) if first == "--" => &flags[1..],
        _ => flags,
    };
    let argv: Vec<&str> = ["plateau", "run"]
        .into_iter()
        .chain(flags.iter().map(String::as_str))
        .collect();
    let args = match Cli::try_parse_from(&argv) {
        Ok(Cli {
            command: Command::Run(args),
        }) => args,
        Ok(_) => return Err(usage("the run flags did not parse as plateau run's")),
        Err(e) => {
            // A value's own sentence (`crate::limits`) reads as `plateau run` prints it.
            if let Some(sentence) = crate::limits::own_sentence(&e) {
                return Err(usage(sentence));
            }
            let text = e.to_string();
            let first = text
                .lines()
                .next()
                .unwrap_or_default()
                .trim_start_matches("error: ");
            return Err(usage(format!(
                "plateau run would refuse the run flags ({first}); give the fleet's own flags first, then plateau run's, as `plateau run --help` lists them"
            )));
        }
    };
    refuse_fleet_owned(&args)?;
    if let Some(first) = args.command.first().filter(|c| c.starts_with('-')) {
        return Err(usage(format!(
            "the command after -- in the run flags starts with {first:?}, a flag: give the fleet's flags first, then plateau run's, then -- and the command"
        )));
    }
    let mut checked = args;
    // The program is looked for on the machines that run it, not here.
    if !checked.command.is_empty() && !checked.shell {
        checked.command[0] = "true".into();
    }
    RunConfig::from_args(&checked, &any_machine(), "0000-00-00_000000", vec![])?;
    Ok(RunFlags {
        argv: flags.to_vec(),
    })
}

fn refuse_fleet_owned(args: &RunArgs) -> anyhow::Result<()> {
    let given = [
        args.label.is_some(),
        args.price_per_hour.is_some(),
        args.out.is_some(),
        args.json,
        args.emit_results,
        args.resume.is_some(),
    ];
    for ((flag, why), given) in SET_BY_FLEET.iter().zip(given) {
        if given {
            return Err(usage(format!(
                "{flag} cannot be among the run flags of a fleet: {why}"
            )));
        }
    }
    Ok(())
}

/// This machine as detected, made large enough that no limit of its own refuses what a bigger
/// machine of the fleet could run.
fn any_machine() -> MachineInfo {
    let mut m = crate::machine::detect();
    m.logical_cpus = m.logical_cpus.max(4096);
    m.physical_cores = m.physical_cores.max(4096);
    m.affinity_cpus = m.affinity_cpus.max(4096);
    m.effective_cpus = m.effective_cpus.max(4096);
    m.memory_total_bytes = m.memory_total_bytes.max(1 << 50);
    m
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(flags: &[&str]) -> anyhow::Result<RunFlags> {
        let v: Vec<String> = flags.iter().map(|s| s.to_string()).collect();
        validate(&v)
    }

    #[test]
    fn good_flags_pass_through_unchanged() {
        let f = check(&["--workers", "1..8", "--repetitions", "3"]).unwrap();
        assert_eq!(f.argv(), ["--workers", "1..8", "--repetitions", "3"]);
        let f = check(&[
            "--",
            "--tasks",
            "64",
            "--",
            "no-such-program-here",
            "{task}",
        ])
        .unwrap();
        assert_eq!(f.argv()[0], "--tasks");
        assert!(check(&[]).unwrap().argv().is_empty());
    }

    #[test]
    fn flags_run_would_refuse_are_refused_here() {
        for (flags, says) in [
            (&["--workers", "0"][..], "--workers"),
            (&["--repetitions", "0"], "--repetitions"),
            (&["--bogus"], "plateau run would refuse"),
            (&["--shell"], "--shell"),
            (&["--workers", "1,2", "--", "--tasks", "4"], "a flag"),
            (&["--timeout", "5s"], "--timeout"),
            (&["--label", "x"], "--label cannot"),
            (&["--out", "d"], "--out cannot"),
            (&["--price-per-hour", "1"], "--price-per-hour cannot"),
        ] {
            let err = check(flags).unwrap_err();
            assert!(err.downcast_ref::<crate::error::UsageError>().is_some());
            let msg = err.to_string();
            assert!(msg.contains(says), "{flags:?}: {msg}");
        }
    }
}
