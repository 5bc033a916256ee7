//! Which workload and execution model a `plateau run` asks for: each workload's own flags are
//! validated here (a flag given to the wrong workload is an error naming it), and a command
//! after `--` implies the command mode.

use super::WorkloadSpec;
use super::command::command_spec;
use crate::cli::{Mode, RunArgs, WorkloadKind};
use crate::error::usage;
use crate::exec::Schedule;
use crate::exec::chunking::Chunking;
use crate::model::MachineInfo;
use crate::workload::{contended, io, memory, tiny};
use std::num::{NonZeroU64, NonZeroUsize};

const MIB: u64 = 1 << 20;

/// The workload and mode of `args`: a command given after `--` makes the mode `command`.
pub fn workload_and_mode(
    args: &RunArgs,
    machine: &MachineInfo,
    iterations: NonZeroU64,
) -> anyhow::Result<(WorkloadSpec, Mode)> {
    let own_flags = [
        (
            args.buffer_mib.is_some(),
            "--buffer-mib",
            WorkloadKind::Memory,
        ),
        (args.io_ms.is_some(), "--io-ms", WorkloadKind::Io),
        (args.updates.is_some(), "--updates", WorkloadKind::Contended),
        (args.work_ns.is_some(), "--work-ns", WorkloadKind::Tiny),
        (args.iterations.is_some(), "--iterations", WorkloadKind::Cpu),
    ];
    if super::persistent::wanted(args) {
        let spec = super::persistent::spec(
            args,
            args.workload != WorkloadKind::Cpu || own_flags.iter().any(|f| f.0),
        )?;
        return Ok((WorkloadSpec::Persistent(spec), Mode::Persistent));
    }
    super::persistent::check_not_given(args)?;
    if let Some(command) = command_spec(args)? {
        if args.mode == Mode::Processes {
            return Err(usage(
                "--mode processes runs a built-in workload; a command given after -- runs in its own mode (drop --mode)",
            ));
        }
        if let Some((_, flag, _)) = own_flags.iter().find(|f| f.0) {
            return Err(usage(format!(
                "{flag} does not apply when a command is given after --: the command is the workload"
            )));
        }
        if args.workload != WorkloadKind::Cpu {
            return Err(usage(
                "--workload and its flags do not apply when a command is given after --: the command is the workload",
            ));
        }
        return Ok((WorkloadSpec::Command(command), Mode::Command));
    }
    if args.mode == Mode::Command {
        return Err(usage(
            "--mode command needs a command after --, e.g. plateau run -- ./job.sh {task}",
        ));
    }
    if let Some((_, flag, kind)) = own_flags.iter().find(|f| f.0 && f.2 != args.workload) {
        return Err(usage(format!(
            "{flag} applies to --workload {}, not to --workload {}",
            kind_name(*kind),
            kind_name(args.workload)
        )));
    }
    let spec = match args.workload {
        WorkloadKind::Cpu => WorkloadSpec::Cpu { iterations },
        WorkloadKind::Memory => {
            let bytes = match args.buffer_mib {
                Some(0) => {
                    return Err(usage(
                        "--buffer-mib must be at least 1: it is the MiB each memory task streams through",
                    ));
                }
                Some(mib) => mib.checked_mul(MIB).ok_or_else(|| {
                    usage(format!("--buffer-mib {mib} is too large for this machine"))
                })?,
                None => memory::default_buffer_bytes(machine.last_level_cache_bytes),
            };
            WorkloadSpec::Memory {
                buffer_bytes: NonZeroU64::new(bytes).expect("at least 1 MiB"),
            }
        }
        WorkloadKind::Io => WorkloadSpec::Io {
            io_ms: NonZeroU64::new(args.io_ms.unwrap_or(io::DEFAULT_IO_MS)).ok_or_else(|| {
                usage("--io-ms must be at least 1: it is how long each io task blocks (default 20)")
            })?,
        },
        WorkloadKind::Contended => WorkloadSpec::Contended {
            updates: NonZeroU64::new(args.updates.unwrap_or(contended::DEFAULT_UPDATES))
                .ok_or_else(|| {
                    usage("--updates must be at least 1: it is how many locked updates each contended task makes (default 10000)")
                })?,
        },
        WorkloadKind::Tiny => {
            let work_ns = args.work_ns.unwrap_or(tiny::DEFAULT_WORK_NS);
            if work_ns > 1_000_000_000 {
                return Err(usage(
                    "--work-ns must be at most 1000000000 (1 s): tiny tasks are meant to be short",
                ));
            }
            WorkloadSpec::Tiny {
                work_ns,
                iterations: tiny::iterations_for(work_ns),
            }
        }
    };
    Ok((spec, args.mode))
}

/// The chunking of `--chunk`, which applies only to the dynamic schedule of built-in workloads.
pub fn chunking(args: &RunArgs, mode: Mode) -> anyhow::Result<Chunking> {
    let Some(n) = args.chunk else {
        return Ok(Chunking::Adaptive);
    };
    let n = NonZeroU64::new(n).ok_or_else(|| {
        usage("--chunk must be at least 1: it is how many tasks a worker claims at once")
    })?;
    if mode == Mode::Command {
        return Err(usage(
            "--chunk does not apply to a command: each task is one run of it",
        ));
    }
    if args.schedule == Schedule::Static {
        return Err(usage(
            "--chunk applies to --schedule dynamic; static gives each worker one share",
        ));
    }
    Ok(Chunking::Fixed(n))
}

/// Refuses a process pool whose memory buffers (one per worker process) would not fit.
pub fn check_memory_fits(
    spec: &WorkloadSpec,
    mode: Mode,
    workers: &[NonZeroUsize],
    machine: &MachineInfo,
) -> anyhow::Result<()> {
    let WorkloadSpec::Memory { buffer_bytes } = spec else {
        return Ok(());
    };
    if mode != Mode::Processes {
        // Threads share one buffer: it alone must fit.
        return check_one_buffer_fits(buffer_bytes.get(), machine);
    }
    let max_workers = workers.iter().map(|w| w.get() as u64).max().unwrap_or(1);
    let need = buffer_bytes.get().saturating_mul(max_workers);
    if machine.memory_total_bytes > 0 && need > machine.memory_total_bytes / 2 {
        return Err(usage(format!(
            "--mode processes gives each of up to {max_workers} workers its own {} MiB buffer ({} MiB in all, more than half of this machine's memory): lower --buffer-mib or the largest --workers",
            buffer_bytes.get() / MIB,
            need / MIB
        )));
    }
    Ok(())
}

/// Refuses a single buffer larger than half of the machine's memory (threads share one).
fn check_one_buffer_fits(bytes: u64, machine: &MachineInfo) -> anyhow::Result<()> {
    if machine.memory_total_bytes > 0 && bytes > machine.memory_total_bytes / 2 {
        return Err(usage(format!(
            "--buffer-mib {} is more than half of this machine's {} MiB of memory: give at most {}",
            bytes / MIB,
            machine.memory_total_bytes / MIB,
            machine.memory_total_bytes / 2 / MIB
        )));
    }
    Ok(())
}

fn kind_name(k: WorkloadKind) -> &'static str {
    match k {
        WorkloadKind::Cpu => "cpu",
        WorkloadKind::Memory => "memory",
        WorkloadKind::Io => "io",
        WorkloadKind::Contended => "contended",
        WorkloadKind::Tiny => "tiny",
    }
}

#[cfg(test)]
mod tests {
    use crate::cli::{Cli, Command};
    use crate::config::{RunConfig, WorkloadSpec};
    use clap::Parser;

    fn config(argv: &[&str]) -> anyhow::Result<RunConfig> {
        let mut full = vec!["plateau", "run"];
        full.extend_from_slice(argv);
        let cli = Cli::try_parse_from(full).map_err(|e| crate::error::usage(e.to_string()))?;
        let Command::Run(args) = cli.command else {
            panic!("not run")
        };
        let mut m = crate::machine::detect();
        m.last_level_cache_bytes = Some(8 << 20);
        RunConfig::from_args(&args, &m, "stamp", vec![])
    }

    #[test]
    fn workloads_get_their_defaults_and_a_command_implies_its_mode() {
        let c = config(&["--workload", "memory"]).unwrap();
        assert_eq!(c.workload.build().describe()["buffer_bytes"], 32 << 20);
        let c = config(&["--workload", "io"]).unwrap();
        assert_eq!(c.workload.build().describe()["io_ms"], 20);
        let c = config(&["--", "true", "{task}"]).unwrap();
        assert_eq!(c.mode, crate::cli::Mode::Command);
        assert!(matches!(c.workload, WorkloadSpec::Command(ref s) if s.argv == ["true", "{task}"]));
        assert!(config(&["--pin"]).unwrap().pin);
    }

    #[test]
    fn mismatched_flags_are_usage_errors_naming_them() {
        for (argv, needle) in [
            (
                vec!["--mode", "processes", "--", "true"],
                "--mode processes",
            ),
            (vec!["--workload", "io", "--", "true"], "--workload"),
            (vec!["--mode", "command"], "--mode command"),
            (vec!["--keep-going"], "--keep-going"),
            (vec!["--shell"], "--shell"),
            (vec!["--updates", "5"], "--updates"),
            (
                vec!["--workload", "tiny", "--work-ns", "2000000000"],
                "--work-ns",
            ),
            (vec!["--chunk", "3", "--", "true"], "--chunk"),
            (vec!["--timeout", "soon", "--", "true"], "--timeout"),
        ] {
            let err = config(&argv).unwrap_err();
            assert!(
                err.downcast_ref::<crate::error::UsageError>().is_some(),
                "{argv:?}"
            );
            assert!(err.to_string().contains(needle), "{argv:?}: {err}");
        }
    }
}
