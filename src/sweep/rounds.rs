//! Which worker counts each round visits, and in what order. Every round draws a fresh
//! shuffle of the whole plan from one seeded stream (round r always gets draw r), then keeps
//! only the counts that still need a sample, so a resumed sweep replays the same orders.

use crate::model::Point;
use crate::rng::{SplitMix64, Stream, derive};
use std::num::NonZeroUsize;

/// An endless stream of shuffled copies of the plan, one per round, fixed by the seed.
#[derive(Debug, Clone)]
pub struct OrderStream {
    rng: SplitMix64,
    workers: Vec<NonZeroUsize>,
}

impl OrderStream {
    /// The stream for `workers` of a run whose recorded seed is `seed` (its `RoundOrder`
    /// stream).
    pub fn new(seed: u64, workers: &[NonZeroUsize]) -> Self {
        Self {
            rng: SplitMix64::new(derive(seed, Stream::RoundOrder)),
            workers: workers.to_vec(),
        }
    }

    /// The next round's order of the whole plan.
    pub fn next_order(&mut self) -> Vec<NonZeroUsize> {
        let mut order = self.workers.clone();
        self.rng.shuffle(&mut order);
        order
    }

    /// The next round's order, keeping only the counts in `visit`.
    pub fn next_visit(&mut self, visit: &[usize]) -> Vec<NonZeroUsize> {
        self.next_order()
            .into_iter()
            .filter(|w| visit.contains(&w.get()))
            .collect()
    }
}

/// Samples of the point at `workers` (0 when the record has no such point).
fn samples_at(points: &[Point], workers: usize) -> usize {
    points
        .iter()
        .find(|p| p.workers == workers)
        .map_or(0, |p| p.samples.len())
}

/// The first measured round that some planned count has not finished: the fewest samples
/// any planned count holds, capped at `repetitions`.
pub fn first_open_round(points: &[Point], plan: &[NonZeroUsize], repetitions: u32) -> u32 {
    plan.iter()
        .map(|w| samples_at(points, w.get()))
        .min()
        .map_or(repetitions, |m| (m as u32).min(repetitions))
}

/// The counts measured round `round` (0-based) visits: those holding at most `round`
/// samples. After an interruption mid-round, the counts that finished that round are not
/// measured twice.
pub fn base_visit(points: &[Point], plan: &[NonZeroUsize], round: u32) -> Vec<usize> {
    plan.iter()
        .map(|w| w.get())
        .filter(|&w| samples_at(points, w) <= round as usize)
        .collect()
}

/// The counts warmup rounds visit: those the base rounds will still measure, or the whole
/// plan when only adaptive rounds remain (they may visit any count).
pub fn warmup_visit(
    points: &[Point],
    plan: &[NonZeroUsize],
    repetitions: u32,
    adaptive: bool,
) -> Vec<usize> {
    let open: Vec<usize> = plan
        .iter()
        .map(|w| w.get())
        .filter(|&w| samples_at(points, w) < repetitions as usize)
        .collect();
    if open.is_empty() && adaptive {
        plan.iter().map(|w| w.get()).collect()
    } else {
        open
    }
}

/// The worker count of every batch the warmup and base rounds still run, in no particular
/// order: what a progress bar needs for its length. Adaptive rounds come on top.
pub fn planned_batches(
    points: &[Point],
    plan: &[NonZeroUsize],
    warmup: u32,
    repetitions: u32,
    adaptive: bool,
) -> Vec<usize> {
    let mut out = Vec::new();
    let warm = warmup_visit(points, plan, repetitions, adaptive);
    for _ in 0..warmup {
        out.extend(&warm);
    }
    for round in first_open_round(points, plan, repetitions)..repetitions {
        out.extend(base_visit(points, plan, round));
    }
    out
}

/// Marks count `workers` as skipped: its pool was projected to need `bytes`, over the limit.
pub fn mark_skipped(points: &mut [Point], workers: usize, bytes: u64) {
    if let Some(p) = points.iter_mut().find(|p| p.workers == workers) {
        p.skipped_for_memory = Some(bytes);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Sample;

    fn plan(ws: &[usize]) -> Vec<NonZeroUsize> {
        ws.iter().map(|&w| NonZeroUsize::new(w).unwrap()).collect()
    }

    fn points(counts: &[(usize, usize)]) -> Vec<Point> {
        counts
            .iter()
            .map(|&(workers, n)| Point {
                workers,
                samples: vec![Sample::default(); n],
                summary: None,
                skipped_for_memory: None,
                tasks: None,
            })
            .collect()
    }

    #[test]
    fn a_fresh_plan_visits_everything_every_round() {
        let p = plan(&[1, 2, 4]);
        let pts = points(&[(1, 0), (2, 0), (4, 0)]);
        assert_eq!(first_open_round(&pts, &p, 3), 0);
        assert_eq!(base_visit(&pts, &p, 0), vec![1, 2, 4]);
        assert_eq!(planned_batches(&pts, &p, 1, 3, false).len(), 12);
    }

    #[test]
    fn an_interrupted_round_is_finished_without_repeats() {
        // Round 1 (0-based) was cut after 2 workers got its sample.
        let p = plan(&[1, 2, 4]);
        let pts = points(&[(1, 1), (2, 2), (4, 1)]);
        assert_eq!(first_open_round(&pts, &p, 3), 1);
        assert_eq!(base_visit(&pts, &p, 1), vec![1, 4]);
        assert_eq!(base_visit(&pts, &p, 2), vec![1, 2, 4]);
        // Warmup 1 round over the 3 open counts, then 2 + 3 batches.
        assert_eq!(planned_batches(&pts, &p, 1, 3, false).len(), 8);
    }

    #[test]
    fn a_finished_plan_plans_nothing_unless_adaptive() {
        let p = plan(&[1, 2]);
        let pts = points(&[(1, 3), (2, 3)]);
        assert_eq!(first_open_round(&pts, &p, 3), 3);
        assert!(planned_batches(&pts, &p, 1, 3, false).is_empty());
        assert_eq!(planned_batches(&pts, &p, 1, 3, true), vec![1, 2]);
    }

    #[test]
    fn the_stream_replays_and_filters() {
        let p = plan(&[1, 2, 3, 4, 5, 6]);
        let mut a = OrderStream::new(7, &p);
        let mut b = OrderStream::new(7, &p);
        let full = a.next_order();
        let part = b.next_visit(&[2, 5]);
        let expected: Vec<_> = full
            .into_iter()
            .filter(|w| [2, 5].contains(&w.get()))
            .collect();
        assert_eq!(part, expected);
        assert_eq!(a.next_order(), b.next_order());
    }

    #[test]
    fn recorded_seeds_keep_their_round_orders() {
        // The orders seed 42 drew before the round orders were a named stream: a sweep
        // recorded then resumes in the same orders.
        let mut s = OrderStream::new(42, &plan(&[1, 2, 3, 4, 5, 6, 7, 8]));
        let mut next = || -> Vec<usize> { s.next_order().iter().map(|w| w.get()).collect() };
        assert_eq!(next(), [5, 4, 3, 1, 8, 7, 2, 6]);
        assert_eq!(next(), [1, 8, 6, 5, 2, 4, 3, 7]);
        assert_eq!(next(), [4, 7, 5, 8, 3, 1, 2, 6]);
    }
}
