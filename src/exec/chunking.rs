//! How many tasks a worker claims at once. `--chunk N` fixes it; the adaptive default is guided
//! self-scheduling: a claim takes the remaining tasks / (4 x workers), at least 1, so early
//! claims are large (little dispatch overhead on tiny tasks) and the last ones are single
//! tasks (the balance stays dynamic). The static schedule's shares are here too.

use std::num::NonZeroU64;
use std::ops::Range;
use std::sync::atomic::{AtomicU64, Ordering};

/// The range of tasks worker `i` of `workers` owns under the static schedule: contiguous
/// shares that cover `0..tasks`, their sizes differing by at most one.
pub fn static_share(tasks: u64, workers: usize, i: usize) -> Range<u64> {
    let w = workers as u128;
    let t = u128::from(tasks);
    let lo = (t * i as u128 / w) as u64;
    let hi = (t * (i as u128 + 1) / w) as u64;
    lo..hi
}

/// Claims per worker the adaptive policy aims at over what remains.
const GUIDED_DIVISOR: u64 = 4;

/// The chunking policy of the dynamic schedule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Chunking {
    /// Guided self-scheduling: remaining / (4 x workers), at least 1.
    #[default]
    Adaptive,
    /// Always this many tasks per claim (the last claim may be shorter).
    Fixed(NonZeroU64),
}

impl Chunking {
    /// The size of the next claim when `remaining` tasks are left for `workers` workers.
    pub fn size(self, remaining: u64, workers: usize) -> u64 {
        let want = match self {
            Chunking::Adaptive => remaining / (GUIDED_DIVISOR * workers.max(1) as u64),
            Chunking::Fixed(n) => n.get(),
        };
        want.clamp(1, remaining.max(1))
    }

    /// `null` for adaptive, else the fixed size, as recorded in results.json.
    pub fn fixed(self) -> Option<u64> {
        match self {
            Chunking::Adaptive => None,
            Chunking::Fixed(n) => Some(n.get()),
        }
    }
}

/// The shared task counter of the dynamic schedule: workers claim chunks until none remain.
#[derive(Debug)]
pub struct TaskQueue {
    next: AtomicU64,
    tasks: u64,
    workers: usize,
    chunking: Chunking,
}

impl TaskQueue {
    /// A queue of tasks 0..tasks for `workers` workers.
    pub fn new(tasks: u64, workers: usize, chunking: Chunking) -> Self {
        Self {
            next: AtomicU64::new(0),
            tasks,
            workers,
            chunking,
        }
    }

    /// The next chunk of tasks, or `None` when every task has been claimed.
    pub fn claim(&self) -> Option<Range<u64>> {
        if let Chunking::Fixed(n) = self.chunking {
            // One atomic add, no retry loop: the common case of tiny fixed chunks stays cheap.
            let lo = self.next.fetch_add(n.get(), Ordering::Relaxed);
            return (lo < self.tasks).then(|| lo..(lo.saturating_add(n.get())).min(self.tasks));
        }
        let mut lo = self.next.load(Ordering::Relaxed);
        loop {
            if lo >= self.tasks {
                return None;
            }
            let hi = lo + self.chunking.size(self.tasks - lo, self.workers);
            match self
                .next
                .compare_exchange_weak(lo, hi, Ordering::Relaxed, Ordering::Relaxed)
            {
                Ok(_) => return Some(lo..hi),
                Err(seen) => lo = seen,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn static_shares_are_contiguous_and_cover_all() {
        let shares: Vec<_> = (0..3).map(|i| static_share(10, 3, i)).collect();
        assert_eq!(shares, vec![0..3, 3..6, 6..10]);
        assert_eq!(static_share(2, 4, 0), 0..0);
    }

    #[test]
    fn adaptive_chunks_shrink_to_single_tasks() {
        let q = TaskQueue::new(1000, 2, Chunking::Adaptive);
        let sizes: Vec<u64> = std::iter::from_fn(|| q.claim())
            .map(|r| r.end - r.start)
            .collect();
        assert_eq!(sizes[0], 125);
        assert!(sizes.windows(2).all(|w| w[0] >= w[1]), "{sizes:?}");
        assert_eq!(*sizes.last().unwrap(), 1);
        assert!(sizes.len() < 100, "{} claims", sizes.len());
    }

    proptest! {
        #[test]
        fn claims_cover_every_task_once(tasks in 0u64..5000, workers in 1usize..64, fixed in 0u64..40) {
            let chunking = NonZeroU64::new(fixed).map_or(Chunking::Adaptive, Chunking::Fixed);
            let q = TaskQueue::new(tasks, workers, chunking);
            let mut expect = 0;
            while let Some(r) = q.claim() {
                prop_assert_eq!(r.start, expect);
                prop_assert!(r.end > r.start && r.end <= tasks);
                expect = r.end;
            }
            prop_assert_eq!(expect, tasks);
            prop_assert!(q.claim().is_none());
        }
    }
}
