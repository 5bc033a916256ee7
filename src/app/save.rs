//! Saving a run so nothing measured is lost: results.json as soon as the run holds the machine
//! lock (so even a run killed before its first round can be resumed), after measured rounds
//! with where the sweep stood (`SweepState`), and at the end. Round saves are paced so their
//! cost stays bounded however large the record grows: the first round is saved at once, later
//! ones once `SAVE_EVERY` has passed and the last save's cost is at most a twentieth of the
//! time since (a kill loses at most that much measuring; the end always saves). A failed save is retried by the
//! next one (each writes the whole record). When the final write fails, the whole record goes
//! to a file in the system temp folder or, failing that, to stdout, and the error names where.

use crate::config::RunConfig;
use crate::error::RunFailed;
use crate::model::json;
use crate::model::{RunRecord, SweepState};
use crate::outdir::OutputDir;
use crate::outdir::claim::{Existing, Outputs, claim};
use crate::outdir::target::{self, OutputFlag};
use crate::sweep::BatchEvent;
use std::io::Write;
use std::time::{Duration, Instant};

/// Least time between two round saves.
pub const SAVE_EVERY: Duration = Duration::from_secs(1);
/// A round save waits until the time since the last one is this many times what it cost.
const SAVE_COST_RATIO: u32 = 20;

/// Whether a round save is due: always for the first measured round, else once `since` the
/// last save is at least `SAVE_EVERY` and `SAVE_COST_RATIO` times what the last save `cost`.
pub fn save_due(rounds_done: u32, since: Duration, cost: Duration) -> bool {
    rounds_done <= 1 || since >= SAVE_EVERY.max(cost * SAVE_COST_RATIO)
}

/// The lines around a record printed on stdout when no file could take it.
pub const STDOUT_BEGIN: &str = "--- plateau results.json (could not be saved) ---";
/// See `STDOUT_BEGIN`.
pub const STDOUT_END: &str = "--- end of plateau results.json ---";

/// Checks the run's folder can take the outputs, then claims it: continued with `--resume`,
/// replaced with `--force`, else refused when it already holds a run.
pub fn claim_folder(config: &RunConfig) -> anyhow::Result<OutputDir> {
    target::check_folder(OutputFlag::Out, &config.out.path, &target::RUN_OUTPUTS, &[])?;
    let existing = if config.robust.resume.is_some() {
        Existing::Continue
    } else if config.robust.replace {
        Existing::Replace
    } else {
        Existing::Refuse
    };
    claim(&config.out, Outputs::Run, existing)
}

/// Saves during a sweep and keeps the sweep's position for the record.
pub struct Saver<'a> {
    out: &'a OutputDir,
    state: SweepState,
    planned_rounds: u32,
    saves: u32,
    failed: u32,
    first_error: Option<String>,
    /// When the last save began, and what it cost.
    last: Option<(Instant, Duration)>,
}

impl<'a> Saver<'a> {
    /// A saver into `out` for `record` (its state so far is kept: a resumed run counts on).
    pub fn new(out: &'a OutputDir, record: &RunRecord, planned_rounds: u32) -> Self {
        let mut state = record.run.sweep_state.clone().unwrap_or_default();
        state.seed = record.config.seed;
        state.round = 0;
        state.order.clear();
        state.position = 0;
        Self {
            out,
            state,
            planned_rounds,
            saves: 0,
            failed: 0,
            first_error: None,
            last: None,
        }
    }

    /// The first save, before measuring: it claims the folder's results.json for this run.
    pub fn initial(&mut self, record: &RunRecord) {
        self.save(record);
    }

    /// A round begins, visiting `workers` in this order.
    pub fn round_starting(&mut self, round: u32, workers: &[usize]) {
        self.state.round = round;
        self.state.order = workers.to_vec();
        self.state.position = 0;
    }

    /// A batch finished.
    pub fn batch_done(&mut self, e: &BatchEvent<'_>) {
        self.state.position += 1;
        self.state.batches_done += 1;
        let cost = e.sample.startup_s + e.sample.wall_s;
        if cost.is_finite() && cost > 0.0 {
            self.state.batch_time_s += cost;
        }
    }

    /// A measured round finished: count it, and save when a save is due (`save_due`).
    pub fn round_done(&mut self, record: &RunRecord) {
        self.state.rounds_done += 1;
        if self.state.round >= self.planned_rounds {
            self.state.adaptive_rounds += 1;
        }
        let due = match self.last {
            None => true,
            Some((at, cost)) => save_due(self.state.rounds_done, at.elapsed(), cost),
        };
        if due {
            self.save(record);
        }
    }

    /// Writes the record with the current state; a failure is counted, and the next save
    /// (which writes the whole record again) is the retry.
    fn save(&mut self, record: &RunRecord) {
        let began = Instant::now();
        self.saves += 1;
        let mut with_state = record.clone();
        with_state.run.sweep_state = Some(self.state.clone());
        if let Err(e) = self.out.write("results.json", &json::render(&with_state)) {
            self.failed += 1;
            self.first_error.get_or_insert_with(|| format!("{e:#}"));
        }
        self.last = Some((began, began.elapsed()));
    }

    /// Puts the sweep's final position into the record, and returns a warning when saves
    /// during the sweep failed.
    pub fn finish(self, record: &mut RunRecord) -> Option<String> {
        record.run.sweep_state = Some(self.state);
        let first = self.first_error?;
        Some(format!(
            "warning: {} of {} saves of results.json during the sweep failed (first: {first}); each later save retried with the whole record",
            self.failed, self.saves
        ))
    }
}

/// Writes the four outputs. If results.json cannot be written, the whole record is rescued
/// (temp folder, else stdout) and the error says where it went (exit 3).
pub fn final_outputs(out: &OutputDir, record: &RunRecord) -> anyhow::Result<()> {
    let bytes = json::render(record);
    if let Err(e) = out.write("results.json", &bytes) {
        let target = out.path().join("results.json");
        let where_ = rescue(&bytes, out);
        return Err(RunFailed(format!(
            "could not write {} ({}); {where_}",
            target.display(),
            e.root_cause()
        ))
        .into());
    }
    super::outputs::write_renderings(out, record)
}

/// Writes the record somewhere else and says where: a new file in the system temp folder, or
/// stdout between `STDOUT_BEGIN` and `STDOUT_END`.
fn rescue(bytes: &[u8], out: &OutputDir) -> String {
    let tip = || {
        format!(
            "copy it to {}/results.json to `plateau run --resume` or `plateau report` it",
            out.path().display()
        )
    };
    match crate::outdir::rescue::to_temp(bytes, out) {
        Ok(path) => format!(
            "the whole record was saved to {} instead; {}",
            path.display(),
            tip()
        ),
        Err(e) => {
            let mut stdout = std::io::stdout().lock();
            let printed = writeln!(stdout, "{STDOUT_BEGIN}")
                .and_then(|_| stdout.write_all(bytes))
                .and_then(|_| writeln!(stdout, "{STDOUT_END}"))
                .and_then(|_| stdout.flush());
            match printed {
                Ok(()) => format!(
                    "the temp folder failed too ({e}), so the whole record was printed on stdout between `{STDOUT_BEGIN}` and `{STDOUT_END}`; {}",
                    tip()
                ),
                Err(p) => format!(
                    "the temp folder failed too ({e}) and so did stdout ({p}); the record is lost"
                ),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_saves_are_paced_by_time_and_by_their_own_cost() {
        let ms = Duration::from_millis;
        assert!(
            save_due(1, ms(0), ms(0)),
            "the first round is saved at once"
        );
        assert!(
            !save_due(2, ms(10), ms(1)),
            "a short round after a save waits"
        );
        assert!(save_due(2, SAVE_EVERY, ms(1)));
        // A save that cost 200 ms waits 4 s: saves stay a twentieth of the time.
        assert!(!save_due(5, Duration::from_secs(3), ms(200)));
        assert!(save_due(5, Duration::from_secs(4), ms(200)));
    }
}
