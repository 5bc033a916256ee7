//! The progress bar on stderr, with an ETA weighted by each batch's expected cost. Hidden when
//! stderr is not a terminal or with `--quiet`.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;

/// Progress of a sweep, in units of expected batch time.
pub struct Progress {
    bar: ProgressBar,
    effective_cpus: usize,
}

/// Expected relative cost of a batch at `workers`: tasks are shared by at most the effective
/// CPUs, so a batch at 1 worker costs as much as `effective` batches at `effective` workers.
fn cost(workers: usize, effective: usize) -> u64 {
    (1000.0 / workers.min(effective).max(1) as f64).round() as u64
}

impl Progress {
    /// A bar for `rounds` rounds over `workers`, shown only when `visible` and stderr is a terminal.
    pub fn new(workers: &[usize], rounds: u32, effective_cpus: usize, visible: bool) -> Self {
        let batches: Vec<usize> = (0..rounds).flat_map(|_| workers.iter().copied()).collect();
        Self::for_batches(&batches, effective_cpus, visible)
    }

    /// A bar for one batch at each of `batches` (worker counts), shown only when `visible`
    /// and stderr is a terminal.
    pub fn for_batches(batches: &[usize], effective_cpus: usize, visible: bool) -> Self {
        let total: u64 = batches.iter().map(|&w| cost(w, effective_cpus)).sum();
        let target = if visible && std::io::stderr().is_terminal() {
            ProgressDrawTarget::stderr()
        } else {
            ProgressDrawTarget::hidden()
        };
        let bar = ProgressBar::with_draw_target(Some(total), target);
        bar.set_style(
            ProgressStyle::with_template(
                "{spinner} [{elapsed_precise}] {wide_bar} {percent:>3}%  ETA {eta}  {msg}",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        Self {
            bar,
            effective_cpus,
        }
    }

    /// Lengthens the bar by one batch at each of `batches` (an adaptive round).
    pub fn extend(&self, batches: &[usize]) {
        let more: u64 = batches.iter().map(|&w| cost(w, self.effective_cpus)).sum();
        self.bar.inc_length(more);
    }

    /// A batch is starting.
    pub fn starting(&self, round: u32, rounds: u32, workers: usize, warmup: bool) {
        let kind = if warmup { "warmup" } else { "round" };
        self.bar
            .set_message(format!("{kind} {}/{rounds}, {workers} workers", round + 1));
    }

    /// A batch finished.
    pub fn done(&self, workers: usize) {
        self.bar.inc(cost(workers, self.effective_cpus));
    }

    /// Removes the bar before the table is printed.
    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_worker_costs_most() {
        assert_eq!(cost(1, 4), 1000);
        assert_eq!(cost(4, 4), 250);
        assert_eq!(cost(16, 4), 250);
    }
}
