//! The measured throughputs as a table of rounds x worker counts (log scale), and the
//! differences between counts within it. With rounds recorded, each round is a block: two
//! counts are compared by the median, over the rounds that visited both, of their difference
//! within the round, so a slow phase of the machine shared by a round is not read as a
//! difference between counts, and a noisy count does not blur the comparison of two others.
//! Without rounds, the medians of the counts' own samples are compared. Pure.

use crate::model::Point;
use crate::rng::SplitMix64;
use crate::stats::bootstrap::draw;
use crate::stats::median_of_sorted;

/// One usable batch: its block (round), its count's column and ln(1 / wall).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Cell {
    /// Block id (the round, renumbered from 0).
    pub row: usize,
    /// Column: index of the worker count in `Table::workers`.
    pub col: usize,
    /// ln(tasks / wall_s): the log of throughput, with the point's own task count when it
    /// has one (else up to the constant ln(config.tasks) every count then shares).
    pub y: f64,
}

/// The table behind a decision.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// Worker counts with at least one usable batch, ascending.
    pub workers: Vec<usize>,
    /// Usable batches.
    pub cells: Vec<Cell>,
    /// Blocks (rounds) in the table; 0 when the design is not blocked.
    pub rows: usize,
    /// True when every batch recorded its round.
    pub blocked: bool,
}

impl Table {
    /// The table of `points`: disturbed batches left out while a count has undisturbed ones.
    pub fn of(points: &[Point]) -> Self {
        let mut workers = Vec::new();
        let mut raw: Vec<(Option<u32>, usize, f64)> = Vec::new();
        for p in points {
            let usable = |s: &&crate::model::Sample| s.wall_s.is_finite() && s.wall_s > 0.0;
            let clean = p
                .samples
                .iter()
                .filter(usable)
                .filter(|s| !s.disturbed)
                .count();
            let keep: Vec<_> = p
                .samples
                .iter()
                .filter(usable)
                .filter(|s| clean == 0 || !s.disturbed)
                .collect();
            if keep.is_empty() {
                continue;
            }
            let col = workers.len();
            workers.push(p.workers);
            let ln_tasks = p.tasks.map_or(0.0, |t| (t.max(1) as f64).ln());
            raw.extend(
                keep.iter()
                    .map(|s| (s.round, col, ln_tasks - s.wall_s.ln())),
            );
        }
        let blocked = !raw.is_empty() && raw.iter().all(|c| c.0.is_some());
        let mut ids: Vec<u32> = raw.iter().filter_map(|c| c.0).collect();
        ids.sort_unstable();
        ids.dedup();
        let cells = raw
            .iter()
            .enumerate()
            .map(|(i, &(round, col, y))| Cell {
                row: match round {
                    Some(r) if blocked => ids.binary_search(&r).unwrap_or(0),
                    _ => i,
                },
                col,
                y,
            })
            .collect();
        Self {
            rows: if blocked { ids.len() } else { 0 },
            workers,
            cells,
            blocked,
        }
    }

    /// Most batches any count holds.
    pub fn most_samples(&self) -> usize {
        (0..self.workers.len())
            .map(|c| self.cells.iter().filter(|x| x.col == c).count())
            .max()
            .unwrap_or(0)
    }

    /// `d[i][j]`: log throughput of count i over count j (their own medians' ratio when they
    /// share no round; NaN only for a count without a batch).
    pub fn diffs(&self) -> Vec<Vec<f64>> {
        diffs_of(&self.cells, self.workers.len(), self.blocked)
    }

    /// One bootstrap resample: whole rounds drawn with replacement when blocked, else each
    /// count's batches drawn on their own.
    pub fn resample(&self, rng: &mut SplitMix64) -> Vec<Cell> {
        let mut out = Vec::with_capacity(self.cells.len());
        if self.blocked {
            let mut by_row: Vec<Vec<Cell>> = vec![Vec::new(); self.rows];
            for c in &self.cells {
                by_row[c.row].push(*c);
            }
            for (new_row, round) in draw(&by_row, self.rows, rng).enumerate() {
                out.extend(round.iter().map(|c| Cell { row: new_row, ..*c }));
            }
        } else {
            for col in 0..self.workers.len() {
                let mine: Vec<Cell> = self
                    .cells
                    .iter()
                    .filter(|c| c.col == col)
                    .copied()
                    .collect();
                out.extend(draw(&mine, mine.len(), rng));
            }
        }
        out
    }
}

/// Differences of `cols` columns from `cells` (see `Table::diffs`).
pub fn diffs_of(cells: &[Cell], cols: usize, blocked: bool) -> Vec<Vec<f64>> {
    let mut d = vec![vec![f64::NAN; cols]; cols];
    // Each count's own median: the comparison of two counts that share no round.
    let mut level = vec![f64::NAN; cols];
    let mut buf = Vec::new();
    for (k, slot) in level.iter_mut().enumerate() {
        buf.clear();
        buf.extend(cells.iter().filter(|c| c.col == k).map(|c| c.y));
        *slot = median_in(&mut buf).unwrap_or(f64::NAN);
    }
    if blocked {
        let rows = cells.iter().map(|c| c.row + 1).max().unwrap_or(0);
        // One value per (row, col): the mean of log throughputs if a round measured a count twice.
        let mut grid = vec![vec![(0.0, 0u32); cols]; rows];
        for c in cells.iter().filter(|c| c.col < cols) {
            let g = &mut grid[c.row][c.col];
            g.0 += c.y;
            g.1 += 1;
        }
        let at = |r: usize, k: usize| {
            let (sum, n) = grid[r][k];
            (n > 0).then(|| sum / f64::from(n))
        };
        let mut buf = Vec::with_capacity(rows);
        for i in 0..cols {
            d[i][i] = 0.0;
            for j in i + 1..cols {
                buf.clear();
                buf.extend((0..rows).filter_map(|r| Some(at(r, i)? - at(r, j)?)));
                let m = median_in(&mut buf).unwrap_or(level[i] - level[j]);
                d[i][j] = m;
                d[j][i] = -m;
            }
        }
    } else {
        for i in 0..cols {
            for j in 0..cols {
                d[i][j] = level[i] - level[j];
            }
        }
    }
    d
}

/// The median of finite values, `None` when there are none.
pub fn median(mut v: Vec<f64>) -> Option<f64> {
    median_in(&mut v)
}

/// `median`, reordering `v` in place instead of taking it.
fn median_in(v: &mut Vec<f64>) -> Option<f64> {
    v.retain(|x| x.is_finite());
    if v.is_empty() {
        return None;
    }
    v.sort_by(f64::total_cmp);
    Some(median_of_sorted(v))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Sample;

    fn blocked(rows: &[&[f64]]) -> Vec<Point> {
        let cols = rows[0].len();
        (0..cols)
            .map(|c| Point {
                workers: c + 1,
                samples: rows
                    .iter()
                    .enumerate()
                    .map(|(r, walls)| Sample {
                        wall_s: walls[c],
                        round: Some(r as u32),
                        ..Sample::default()
                    })
                    .collect(),
                summary: None,
                skipped_for_memory: None,
                tasks: None,
            })
            .collect()
    }

    #[test]
    fn a_slow_round_is_taken_out_of_the_levels() {
        // Count 2 is twice as fast in every round; round 1 is twice as slow for everyone.
        let t = Table::of(&blocked(&[&[1.0, 0.5], &[2.0, 1.0], &[1.0, 0.5]]));
        assert!(t.blocked && t.rows == 3);
        let d = t.diffs();
        assert!((d[1][0] - 2f64.ln()).abs() < 1e-9, "{d:?}");
        assert_eq!(d[0][1], -d[1][0]);
    }

    #[test]
    fn disturbed_batches_are_left_out_while_clean_ones_exist() {
        let mut pts = blocked(&[&[1.0, 0.5], &[1.0, 0.5]]);
        pts[1].samples[0].disturbed = true;
        let t = Table::of(&pts);
        assert_eq!(t.cells.len(), 3);
        pts[1].samples[1].disturbed = true;
        assert_eq!(Table::of(&pts).cells.len(), 4, "all disturbed: all kept");
    }

    #[test]
    fn without_rounds_levels_are_medians() {
        let mut pts = blocked(&[&[1.0, 0.5], &[1.0, 0.25], &[1.0, 0.5]]);
        for p in &mut pts {
            for s in &mut p.samples {
                s.round = None;
            }
        }
        let t = Table::of(&pts);
        assert!(!t.blocked);
        let d = t.diffs();
        assert!((d[1][0] - 2f64.ln()).abs() < 1e-9);
        let mut rng = SplitMix64::new(1);
        assert_eq!(t.resample(&mut rng).len(), 6);
    }
}
