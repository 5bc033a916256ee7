//! Which workload and execution model a `plateau run` asks for: each workload's own flags are
//! validated here (a flag given to the wrong workload is an error naming it), and a command
//! after `--` implies the command mode.

use super::command::command_spec;
use super::execution::{BuiltIn, Execution};
use crate::cli::{Mode, RunArgs, WorkloadKind};
use crate::error::usage;
use crate::exec::Schedule;
use crate::exec::chunking::Chunking;
use crate::exec::command::CommandSpec;
use crate::model::MachineInfo;
use crate::workload::{contended, io, memory, tiny};
use std::num::{NonZeroU64, NonZeroUsize};

const MIB: u64 = 1 << 20;

/// A built-in workload's own flag, and whether it was given.
struct OwnFlag {
    given: bool,
    flag: &'static str,
    kind: WorkloadKind,
}

/// The built-in workloads' own flags.
fn own_flags(args: &RunArgs) -> [OwnFlag; 5] {
    let own = |given: bool, flag, kind| OwnFlag { given, flag, kind };
    [
        own(
            args.buffer_mib.is_some(),
            "--buffer-mib",
            WorkloadKind::Memory,
        ),
        own(args.io_ms.is_some(), "--io-ms", WorkloadKind::Io),
        own(args.updates.is_some(), "--updates", WorkloadKind::Contended),
        own(args.work_ns.is_some(), "--work-ns", WorkloadKind::Tiny),
        own(
            args.batch.iterations.is_some(),
            "--iterations",
            WorkloadKind::Cpu,
        ),
    ]
}

/// The workload and mode of `args`: a command given after `--` makes the mode `command`.
pub fn execution(
    args: &RunArgs,
    machine: &MachineInfo,
    iterations: NonZeroU64,
) -> anyhow::Result<Execution> {
    let own = own_flags(args);
    if super::persistent::wanted(args) {
        let workload_flags = args.workload != WorkloadKind::Cpu || own.iter().any(|f| f.given);
        let spec = super::persistent::spec(args, workload_flags)?;
        return Ok(Execution::Persistent(spec));
    }
    super::persistent::check_not_given(args)?;
    if let Some(command) = command_spec(args)? {
        return command_execution(args, command, &own);
    }
    let run_on: fn(BuiltIn) -> Execution = match args.mode {
        Mode::Threads => Execution::Threads,
        Mode::Processes => Execution::Processes,
        Mode::Command => {
            return Err(usage(
                "--mode command needs a command after --, e.g. plateau run -- ./job.sh {task}",
            ));
        }
        // `persistent::wanted` took this mode above; it needs its command as well.
        Mode::Persistent => {
            return Err(usage(
                "--mode persistent needs the worker's command after --",
            ));
        }
    };
    if let Some(f) = own.iter().find(|f| f.given && f.kind != args.workload) {
        return Err(usage(format!(
            "{} applies to --workload {}, not to --workload {}",
            f.flag,
            f.kind.name(),
            args.workload.name()
        )));
    }
    Ok(run_on(built_in(args, machine, iterations)))
}

/// The command mode, refused beside `--mode processes` and the built-in workloads' flags.
fn command_execution(
    args: &RunArgs,
    command: CommandSpec,
    own: &[OwnFlag],
) -> anyhow::Result<Execution> {
    if args.mode == Mode::Processes {
        return Err(usage(
            "--mode processes runs a built-in workload; a command given after -- runs in its own mode (drop --mode)",
        ));
    }
    if let Some(f) = own.iter().find(|f| f.given) {
        return Err(usage(format!(
            "{} does not apply when a command is given after --: the command is the workload",
            f.flag
        )));
    }
    if args.workload != WorkloadKind::Cpu {
        return Err(usage(
            "--workload and its flags do not apply when a command is given after --: the command is the workload",
        ));
    }
    Ok(Execution::Command(command))
}

/// `--io-ms` when not given.
const DEFAULT_IO_MS: NonZeroU64 = NonZeroU64::new(io::DEFAULT_IO_MS).unwrap();
/// `--updates` when not given.
const DEFAULT_UPDATES: NonZeroU64 = NonZeroU64::new(contended::DEFAULT_UPDATES).unwrap();

/// The built-in workload of `--workload` with its own flag (or its default). Each flag's value
/// parser (`crate::limits`) already held it in its range.
fn built_in(args: &RunArgs, machine: &MachineInfo, iterations: NonZeroU64) -> BuiltIn {
    match args.workload {
        WorkloadKind::Cpu => BuiltIn::Cpu { iterations },
        WorkloadKind::Memory => BuiltIn::Memory {
            buffer_bytes: buffer_bytes(args, machine),
        },
        WorkloadKind::Io => BuiltIn::Io {
            io_ms: args.io_ms.unwrap_or(DEFAULT_IO_MS),
        },
        WorkloadKind::Contended => BuiltIn::Contended {
            updates: args.updates.unwrap_or(DEFAULT_UPDATES),
        },
        WorkloadKind::Tiny => {
            let work_ns = args.work_ns.unwrap_or(tiny::DEFAULT_WORK_NS);
            BuiltIn::Tiny {
                work_ns,
                iterations: tiny::iterations_for(work_ns),
            }
        }
    }
}

/// The memory workload's buffer: `--buffer-mib` (at most 1 TiB, so the bytes fit in a `u64`),
/// or sized from the last-level cache.
fn buffer_bytes(args: &RunArgs, machine: &MachineInfo) -> NonZeroU64 {
    const MIB_NZ: NonZeroU64 = NonZeroU64::new(MIB).unwrap();
    match args.buffer_mib {
        Some(mib) => mib.saturating_mul(MIB_NZ),
        None => NonZeroU64::new(memory::default_buffer_bytes(machine.last_level_cache_bytes))
            .expect("the default buffer is at least 32 MiB"),
    }
}

/// The chunking of `--chunk`, which applies only to the dynamic schedule of built-in workloads.
pub fn chunking(args: &RunArgs, execution: &Execution) -> anyhow::Result<Chunking> {
    let Some(n) = args.chunk else {
        return Ok(Chunking::Adaptive);
    };
    if matches!(execution, Execution::Command(_)) {
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
    execution: &Execution,
    workers: &[NonZeroUsize],
    machine: &MachineInfo,
) -> anyhow::Result<()> {
    let buffer_bytes = match execution {
        Execution::Processes(BuiltIn::Memory { buffer_bytes }) => buffer_bytes,
        // Threads share one buffer: it alone must fit.
        Execution::Threads(BuiltIn::Memory { buffer_bytes }) => {
            return check_one_buffer_fits(buffer_bytes.get(), machine);
        }
        _ => return Ok(()),
    };
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

#[cfg(test)]
mod tests {
    use crate::config::execution::Execution;
    use crate::config::{RunConfig, test_config};

    fn config(argv: &[&str]) -> anyhow::Result<RunConfig> {
        let mut m = crate::machine::detect();
        m.last_level_cache_bytes = Some(8 << 20);
        test_config(argv, &m)
    }

    #[test]
    fn workloads_get_their_defaults_and_a_command_implies_its_mode() {
        let c = config(&["--workload", "memory"]).unwrap();
        assert_eq!(c.execution.build().describe()["buffer_bytes"], 32 << 20);
        let c = config(&["--workload", "io", "--mode", "processes"]).unwrap();
        assert!(matches!(c.execution, Execution::Processes(_)));
        assert_eq!(c.execution.build().describe()["io_ms"], 20);
        let c = config(&["--", "true", "{task}"]).unwrap();
        assert!(matches!(c.execution, Execution::Command(ref s) if s.argv == ["true", "{task}"]));
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
