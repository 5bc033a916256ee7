//! The pre-run noise guard of `plateau run`: a warning on stderr when the machine is busy at the
//! start (CPU use measured over a short window against the effective CPUs, naming the busiest
//! processes; never the load average, which on a VM counts idle kernel threads), and with
//! `--wait-idle` a wait for quiet before anything is measured.

use crate::cancel::CancelToken;
use crate::error::RunFailed;
use crate::machine::load::{self, BusyProcess};
use crate::model::MachineInfo;
use crate::numbers::show_duration;
use std::time::Duration;

/// Length of one CPU-use sample while waiting for quiet.
const WINDOW: Duration = Duration::from_secs(1);

/// Length of the CPU-use sample of the busy check at the start.
const START_WINDOW: Duration = Duration::from_millis(500);

/// Consecutive quiet samples that count as a quiet machine: one quiet second can be a lull.
/// `limits::WAIT_IDLE` (`--wait-idle`) starts at this quiet period (a test keeps them equal).
pub const QUIET_WINDOWS: u32 = 3;

/// How a wait for quiet ended.
#[derive(Debug, Clone, PartialEq)]
pub enum Waited {
    /// The machine was quiet for `QUIET_WINDOWS` samples in a row, after this long.
    Quiet {
        /// Time spent waiting.
        after: Duration,
    },
    /// The timeout passed first; the last sample saw this many CPUs busy.
    TimedOut {
        /// CPUs in use at the last sample.
        busy_cpus: f64,
    },
    /// Ctrl-C or SIGTERM arrived while waiting.
    Cancelled,
}

/// Waits until `sample` (CPUs in use, each call taking `window`) stays below the busy
/// threshold for `QUIET_WINDOWS` calls in a row, or `timeout` passes, or `cancelled` says so.
/// Time is counted in windows, so the function is deterministic given its sampler.
pub fn wait_for_quiet(
    sample: &mut dyn FnMut() -> f64,
    effective_cpus: usize,
    timeout: Duration,
    window: Duration,
    cancelled: &dyn Fn() -> bool,
) -> Waited {
    let mut waited = Duration::ZERO;
    let mut streak = 0;
    let mut last = 0.0;
    loop {
        if cancelled() {
            return Waited::Cancelled;
        }
        if waited >= timeout {
            return Waited::TimedOut { busy_cpus: last };
        }
        last = sample();
        waited += window;
        if load::is_busy(last, effective_cpus) {
            streak = 0;
        } else {
            streak += 1;
            if streak >= QUIET_WINDOWS {
                return Waited::Quiet { after: waited };
            }
        }
    }
}

/// The busy-machine warning: the CPU use, the threshold, the busiest processes and what to do.
pub fn busy_warning(busy_cpus: f64, effective_cpus: usize, top: &[BusyProcess]) -> String {
    let busiest = if top.is_empty() {
        String::new()
    } else {
        let names: Vec<String> = top
            .iter()
            .map(|p| format!("{} (pid {}, {:.0}% CPU)", p.name, p.pid, p.cpu_percent))
            .collect();
        format!("; busiest now: {}", names.join(", "))
    };
    format!(
        "warning: the machine is busy: other work used {busy_cpus:.2} CPUs of {effective_cpus} effective CPUs over the last {} ms (quiet is below {:.2}){busiest}; expect noisy numbers, or use --wait-idle to wait for quiet",
        START_WINDOW.as_millis(),
        load::busy_threshold(effective_cpus)
    )
}

/// Warns about a busy machine, or with `wait_idle` waits for quiet first. A cancel while
/// waiting ends the run (exit 3) before anything is measured. Returns the CPUs' worth of other
/// work seen at the last look (for results.json).
pub fn guard(
    machine: &MachineInfo,
    wait_idle: Option<Duration>,
    cancel: &CancelToken,
) -> anyhow::Result<Option<f64>> {
    let eff = machine.effective_cpus;
    let Some(timeout) = wait_idle else {
        let busy = load::busy_cpus(START_WINDOW);
        if load::is_busy(busy, eff) {
            let top = load::top_processes(3);
            eprintln!("{}", busy_warning(busy, eff, &top));
        }
        return Ok(Some(busy));
    };
    let mut last = 0.0;
    eprintln!(
        "waiting for a quiet machine (other work below {:.2} CPUs for {QUIET_WINDOWS} s), at most {}",
        load::busy_threshold(eff),
        show_duration(timeout)
    );
    let waited = wait_for_quiet(
        &mut || {
            last = load::busy_cpus(WINDOW);
            last
        },
        eff,
        timeout,
        WINDOW,
        &|| cancel.is_cancelled(),
    );
    match waited {
        Waited::Quiet { after } => eprintln!("quiet after {}", show_duration(after)),
        Waited::TimedOut { busy_cpus } => {
            let top = load::top_processes(3);
            eprintln!(
                "warning: the machine did not stay quiet within {} ({busy_cpus:.2} CPUs in use at the last look{}); starting anyway",
                show_duration(timeout),
                top.first()
                    .map(|p| format!(", most by {} (pid {})", p.name, p.pid))
                    .unwrap_or_default()
            );
        }
        Waited::Cancelled => {
            return Err(RunFailed(
                "interrupted while waiting for a quiet machine; nothing was measured".into(),
            )
            .into());
        }
    }
    Ok(Some(last))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(samples: &[f64], timeout_s: u64) -> (Waited, usize) {
        let mut calls = 0;
        let mut sampler = || {
            let v = samples[calls.min(samples.len() - 1)];
            calls += 1;
            v
        };
        let w = wait_for_quiet(
            &mut sampler,
            2,
            Duration::from_secs(timeout_s),
            Duration::from_secs(1),
            &|| false,
        );
        (w, calls)
    }

    #[test]
    fn the_shortest_wait_idle_can_end_quiet() {
        let min = crate::limits::WAIT_IDLE.range.min;
        assert_eq!(WINDOW * QUIET_WINDOWS, min);
        let (w, _) = run(&[0.1], min.as_secs());
        assert_eq!(w, Waited::Quiet { after: min });
    }

    #[test]
    fn waits_for_three_quiet_samples_in_a_row() {
        let (w, calls) = run(&[1.5, 0.1, 0.1, 1.2, 0.1, 0.2, 0.1, 2.0], 60);
        assert_eq!(
            w,
            Waited::Quiet {
                after: Duration::from_secs(7)
            }
        );
        assert_eq!(calls, 7);
    }

    #[test]
    fn gives_up_at_the_timeout() {
        let (w, calls) = run(&[1.7], 5);
        assert_eq!(w, Waited::TimedOut { busy_cpus: 1.7 });
        assert_eq!(calls, 5);
    }

    #[test]
    fn a_cancel_ends_the_wait() {
        let w = wait_for_quiet(
            &mut || 2.0,
            2,
            Duration::from_secs(60),
            Duration::from_secs(1),
            &|| true,
        );
        assert_eq!(w, Waited::Cancelled);
    }

    #[test]
    fn the_warning_names_the_load_and_the_busiest() {
        let top = vec![BusyProcess {
            name: "rustc".into(),
            pid: 42,
            cpu_percent: 97.0,
        }];
        let w = busy_warning(1.85, 2, &top);
        assert!(w.contains("used 1.85 CPUs of 2 effective CPUs"), "{w}");
        assert!(!w.contains("load average"), "{w}");
        assert!(w.contains("rustc (pid 42, 97% CPU)"), "{w}");
        assert!(w.contains("--wait-idle"), "{w}");
    }
}
