//! The turn-taking of an interleaved `--sizes` run: each size's sweep runs on a thread of its
//! own and asks for the baton before every batch; one batch runs at a time. Once every size
//! still running waits, the next turn goes to a size in the lowest round, drawn from the
//! seeded `SizeOrder` stream with weights equal to the batches each has left in that round:
//! so every round visits the (size, worker count) pairs in a uniformly shuffled order, and a
//! slow phase of the host hits all sizes alike.

use crate::rng::{SplitMix64, Stream, derive};
use std::sync::{Condvar, Mutex};

/// A size's place when it asks for a turn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Turn {
    /// Its round (calibration, before round 0, is `-1`).
    pub round: i64,
    /// Batches it has left in that round, this one included (at least 1).
    pub left: u64,
}

/// The shared baton.
pub struct Baton {
    state: Mutex<State>,
    changed: Condvar,
}

struct State {
    /// The size holding the baton.
    holder: Option<usize>,
    /// Sizes waiting, with their turns.
    waiting: Vec<Option<Turn>>,
    /// Sizes whose sweep still runs.
    running: Vec<bool>,
    rng: SplitMix64,
    /// Sizes in the order they got turns (for tests and the record).
    log: Vec<usize>,
}

impl Baton {
    /// A baton for `sizes` sweeps, drawing from the run's seed.
    pub fn new(sizes: usize, seed: u64) -> Baton {
        Baton {
            state: Mutex::new(State {
                holder: None,
                waiting: vec![None; sizes],
                running: vec![true; sizes],
                rng: SplitMix64::new(derive(seed, Stream::SizeOrder)),
                log: Vec::new(),
            }),
            changed: Condvar::new(),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Size `i` gives the baton back (if it holds it), then waits for its next turn.
    pub fn acquire(&self, i: usize, turn: Turn) {
        let mut s = self.lock();
        if s.holder == Some(i) {
            s.holder = None;
        }
        s.waiting[i] = Some(turn);
        loop {
            s.pick();
            if s.holder == Some(i) {
                s.waiting[i] = None;
                self.changed.notify_all();
                return;
            }
            self.changed.notify_all();
            s = self.changed.wait(s).unwrap_or_else(|p| p.into_inner());
        }
    }

    /// Size `i` gives the baton back after a batch.
    pub fn release(&self, i: usize) {
        let mut s = self.lock();
        if s.holder == Some(i) {
            s.holder = None;
            s.pick();
            self.changed.notify_all();
        }
    }

    /// Size `i`'s sweep ended: it takes no more turns.
    pub fn finish(&self, i: usize) {
        let mut s = self.lock();
        s.running[i] = false;
        s.waiting[i] = None;
        if s.holder == Some(i) {
            s.holder = None;
        }
        s.pick();
        self.changed.notify_all();
    }

    /// The sizes in the order they got turns.
    pub fn log(&self) -> Vec<usize> {
        self.lock().log.clone()
    }
}

impl State {
    /// Gives the free baton to the next size once every running size waits.
    fn pick(&mut self) {
        if self.holder.is_some() {
            return;
        }
        let all_wait = self
            .running
            .iter()
            .zip(&self.waiting)
            .all(|(run, w)| !run || w.is_some());
        let Some(low) = self.waiting.iter().flatten().map(|t| t.round).min() else {
            return;
        };
        if !all_wait {
            return;
        }
        let weights: Vec<(usize, u64)> = self
            .waiting
            .iter()
            .enumerate()
            .filter_map(|(i, t)| t.filter(|t| t.round == low).map(|t| (i, t.left.max(1))))
            .collect();
        let total: u64 = weights.iter().map(|(_, w)| w).sum();
        let mut draw = self.rng.below(total as usize) as u64;
        for (i, w) in weights {
            if draw < w {
                self.holder = Some(i);
                self.log.push(i);
                return;
            }
            draw -= w;
        }
    }
}

/// Gives the baton back for good when a size's thread ends, however it ends.
pub struct Finish<'a> {
    /// The baton.
    pub baton: &'a Baton,
    /// The size.
    pub size: usize,
}

impl Drop for Finish<'_> {
    fn drop(&mut self) {
        self.baton.finish(self.size);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    /// Sizes with `counts[i]` batches per round, for `rounds` rounds; the turns they got.
    fn play(counts: &[u64], rounds: i64, seed: u64) -> Vec<usize> {
        let baton = Arc::new(Baton::new(counts.len(), seed));
        std::thread::scope(|scope| {
            for (i, &n) in counts.iter().enumerate() {
                let baton = baton.clone();
                scope.spawn(move || {
                    let _done = Finish {
                        baton: &baton,
                        size: i,
                    };
                    for round in 0..rounds {
                        for k in 0..n {
                            baton.acquire(i, Turn { round, left: n - k });
                            baton.release(i);
                        }
                    }
                });
            }
        });
        baton.log()
    }

    #[test]
    fn every_round_visits_every_pair_and_the_seed_fixes_the_order() {
        let log = play(&[2, 4, 8], 3, 7);
        assert_eq!(log.len(), 3 * 14);
        for round in log.chunks(14) {
            let n = |i| round.iter().filter(|&&s| s == i).count();
            assert_eq!((n(0), n(1), n(2)), (2, 4, 8), "{round:?}");
        }
        assert_eq!(play(&[2, 4, 8], 3, 7), log, "the seed fixes the order");
        assert_ne!(play(&[2, 4, 8], 3, 8), log);
    }

    #[test]
    fn sizes_are_spread_through_the_round_not_run_one_after_another() {
        // Over many seeds, the small size's batches land anywhere in the round: its mean
        // position is near the middle, as in a uniform shuffle of the pairs.
        let mut positions = Vec::new();
        for seed in 0..40 {
            let log = play(&[2, 6], 1, seed);
            positions.extend(
                log.iter()
                    .enumerate()
                    .filter(|(_, s)| **s == 0)
                    .map(|(p, _)| p),
            );
        }
        let mean = positions.iter().sum::<usize>() as f64 / positions.len() as f64;
        assert!((2.5..4.5).contains(&mean), "mean position {mean}");
    }
}
