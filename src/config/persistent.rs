//! Validation of `plateau run --persistent -- CMD ARGS` (or `--mode persistent`): the worker
//! command must be given and found, `{task}` has no place in it (tasks arrive on stdin), and
//! `--ready-timeout` belongs to it alone.

use super::command::find_program;
use crate::cli::{Mode, RunArgs};
use crate::error::usage;
use crate::exec::persistent::PersistentSpec;
use std::time::Duration;

/// `--ready-timeout` when not given.
pub const DEFAULT_READY_TIMEOUT: Duration = Duration::from_secs(60);
/// True when the run asks for persistent workers.
pub fn wanted(args: &RunArgs) -> bool {
    args.workers_mode.persistent || args.mode == Mode::Persistent
}

/// The validated persistent command of a run that asks for one (`wanted`); `workload_flags`
/// says whether a built-in workload's flag was given too.
pub fn spec(args: &RunArgs, workload_flags: bool) -> anyhow::Result<PersistentSpec> {
    if args.command.is_empty() {
        return Err(usage(
            "--persistent needs the worker's command after --, e.g. plateau run --persistent -- python3 -m plateau_bench.worker mymod:task",
        ));
    }
    if !matches!(args.mode, Mode::Threads | Mode::Persistent) {
        return Err(usage(format!(
            "--persistent runs its own mode; drop --mode {}",
            args.mode.as_str()
        )));
    }
    if workload_flags {
        return Err(usage(
            "--workload and its flags do not apply to --persistent: the command after -- is the workload",
        ));
    }
    if args.command.iter().any(|a| a.contains("{task}")) {
        return Err(usage(
            "{task} has no place in a --persistent command: each worker reads its task numbers on stdin (see docs/worker-protocol.md); {worker} is replaced",
        ));
    }
    let program = super::command::program_of(args);
    if find_program(program, std::env::var_os("PATH").as_deref()).is_none() {
        return Err(usage(format!(
            "the --persistent worker's program {program:?} was not found: check its spelling, or give its path"
        )));
    }
    Ok(PersistentSpec {
        argv: args.command.clone(),
        shell: args.shell,
        ready_timeout: args
            .workers_mode
            .ready_timeout
            .unwrap_or(DEFAULT_READY_TIMEOUT),
        timeout: args.timeout,
        keep_going: args.keep_going,
    })
}

/// Refuses `--ready-timeout` on a run without persistent workers.
pub fn check_not_given(args: &RunArgs) -> anyhow::Result<()> {
    if args.workers_mode.ready_timeout.is_some() {
        return Err(usage(
            "--ready-timeout applies only to --persistent workers (e.g. plateau run --persistent --ready-timeout 2m -- ./worker)",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::cli::{Cli, Command};
    use crate::config::{Execution, RunConfig};
    use clap::Parser;

    fn config(argv: &[&str]) -> anyhow::Result<RunConfig> {
        let mut full = vec!["plateau", "run"];
        full.extend_from_slice(argv);
        let Command::Run(args) = Cli::try_parse_from(full).unwrap().command else {
            panic!("not run")
        };
        RunConfig::from_args(&args, &crate::machine::detect(), "stamp", vec![])
    }

    #[test]
    fn a_persistent_command_is_its_own_mode() {
        let c = config(&[
            "--persistent",
            "--chunk",
            "1",
            "--",
            "sh",
            "-c",
            "w {worker}",
        ])
        .unwrap();
        let Execution::Persistent(p) = &c.execution else {
            panic!()
        };
        assert_eq!(p.ready_timeout, super::DEFAULT_READY_TIMEOUT);
        let c = config(&[
            "--mode",
            "persistent",
            "--ready-timeout",
            "5s",
            "--",
            "true",
        ])
        .unwrap();
        assert!(
            matches!(c.execution, Execution::Persistent(ref p) if p.ready_timeout.as_secs() == 5)
        );
    }

    #[test]
    fn bad_persistent_flags_are_usage_errors() {
        for (argv, needle) in [
            (vec!["--persistent"], "needs the worker's command"),
            (vec!["--persistent", "--", "true", "{task}"], "{task}"),
            (
                vec!["--persistent", "--", "no-such-program-x"],
                "was not found",
            ),
            (
                vec!["--persistent", "--mode", "processes", "--", "true"],
                "--mode processes",
            ),
            (
                vec!["--persistent", "--io-ms", "3", "--", "true"],
                "--workload",
            ),
            (vec!["--ready-timeout", "5s"], "--ready-timeout"),
        ] {
            let err = config(&argv).unwrap_err();
            assert!(
                err.downcast_ref::<crate::error::UsageError>().is_some(),
                "{argv:?}"
            );
            assert!(err.to_string().contains(needle), "{argv:?}: {err}");
        }
        // Out of range is refused by the value parser, while the line is parsed.
        let argv = [
            "plateau",
            "run",
            "--ready-timeout",
            "1ms",
            "--persistent",
            "--",
            "true",
        ];
        let err = Cli::try_parse_from(argv).unwrap_err();
        assert_eq!(err.kind(), clap::error::ErrorKind::ValueValidation);
        assert!(
            err.to_string()
                .contains("--ready-timeout 1ms is out of range")
        );
    }
}
