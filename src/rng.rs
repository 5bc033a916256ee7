//! A small seeded random number generator (SplitMix64) for shuffles and bootstrap resampling,
//! so that every random choice in a run is reproducible from the seed recorded in results.json.

/// SplitMix64: tiny, fast, and good enough for shuffling and resampling (not for cryptography).
#[derive(Debug, Clone)]
pub struct SplitMix64 {
    state: u64,
}

impl SplitMix64 {
    /// A generator whose whole sequence is fixed by `seed`.
    pub fn new(seed: u64) -> Self {
        Self { state: seed }
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(GOLDEN_GAMMA);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A uniform index in `0..n` (`n` > 0), by Lemire's multiply-shift (bias below 2^-32 for our n).
    pub fn below(&mut self, n: usize) -> usize {
        debug_assert!(n > 0);
        ((u128::from(self.next_u64()) * n as u128) >> 64) as usize
    }

    /// Shuffles `items` in place (Fisher-Yates).
    pub fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = self.below(i + 1);
            items.swap(i, j);
        }
    }
}

/// One purpose of a run's randomness. Each draws from its own stream of the run's recorded
/// seed (see `derive`), so one purpose's draws never depend on how many another took. The list
/// is the whole list: plateau derives no seed any other way. The streams that existed before
/// this list keep their numbers, so a recorded run re-analyses to the same intervals and a
/// resumed sweep replays the same round orders. (Generators seeded by something other than a
/// run's seed, such as the fake executor's jitter and the gate simulations, are not a run's
/// randomness and stand outside the list.)
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stream {
    /// The sweep's round orders (`sweep::rounds`). The one exception to the stepping of
    /// `derive`: its seed is the recorded seed itself, as it was before streams were derived,
    /// because a run recorded then is resumed by replaying the orders that seed drew. So its
    /// draws are the numbers the other streams are stepped from (draw k+1 is `Count(k)`'s
    /// seed): it is the one stream not apart from the rest.
    RoundOrder,
    /// A worker count's own bootstrap: the CI of its median (`summary`), and in a comparison
    /// the CI of its ratio.
    Count(usize),
    /// A comparison with another run, named by that run's seed: the root of the comparison's
    /// own streams.
    Against(u64),
    /// A comparison's whole-curve ratio and stratified test.
    WholeCurve,
    /// A comparison's peak check.
    Peak,
    /// The decision rule's bootstrap of whole rounds.
    Decision,
    /// The interleaved gate's count orders and ABBA/BAAB coins.
    GateOrder,
    /// An import's reservoir sample of a worker count's rows.
    Reservoir,
    /// `run --sizes`: which size's batch runs next within a round.
    SizeOrder,
}

impl Stream {
    /// The stream's number of steps: a count's is the count; the named streams sit at the top
    /// of the range, apart from any count (the reservoir keeps the number it was given first).
    /// `None` for the round orders, which take the recorded seed unstepped.
    fn index(self) -> Option<u64> {
        Some(match self {
            Stream::RoundOrder => return None,
            Stream::Count(workers) => workers as u64,
            Stream::Against(seed) => seed,
            Stream::WholeCurve => u64::MAX,
            Stream::Peak => u64::MAX - 1,
            Stream::Decision => u64::MAX - 2,
            Stream::GateOrder => u64::MAX - 3,
            Stream::Reservoir => 0x5E5E,
            Stream::SizeOrder => u64::MAX - 4,
        })
    }
}

/// The seed of `stream` of a run whose recorded seed is `seed`: one SplitMix64 step from
/// `seed` advanced by the stream's number of steps, so distinct streams of one seed never
/// share a sequence; `seed` itself for `Stream::RoundOrder` (see there). The one way plateau
/// derives seeds.
pub fn derive(seed: u64, stream: Stream) -> u64 {
    match stream.index() {
        Some(steps) => {
            SplitMix64::new(seed.wrapping_add(steps.wrapping_mul(GOLDEN_GAMMA))).next_u64()
        }
        None => seed,
    }
}

/// SplitMix64's increment: 2^64 divided by the golden ratio, odd.
const GOLDEN_GAMMA: u64 = 0x9E37_79B9_7F4A_7C15;

/// A seed for runs that were not given one: the clock's nanoseconds mixed with the process id.
pub fn fresh_seed() -> u64 {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos() as u64)
        .unwrap_or(0);
    SplitMix64::new(nanos ^ (u64::from(std::process::id()) << 32)).next_u64() >> 12
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_sequence_and_shuffle_is_a_permutation() {
        let mut a = SplitMix64::new(7);
        let mut b = SplitMix64::new(7);
        assert_eq!(a.next_u64(), b.next_u64());
        let mut v: Vec<u32> = (0..50).collect();
        SplitMix64::new(3).shuffle(&mut v);
        assert_ne!(v, (0..50).collect::<Vec<_>>());
        v.sort_unstable();
        assert_eq!(v, (0..50).collect::<Vec<_>>());
    }

    #[test]
    fn streams_are_distinct_and_keep_their_numbers() {
        let named = [
            Stream::WholeCurve,
            Stream::Peak,
            Stream::Decision,
            Stream::GateOrder,
            Stream::Reservoir,
            Stream::SizeOrder,
        ];
        let mut seeds: Vec<u64> = named.iter().map(|&s| derive(11, s)).collect();
        seeds.extend((1..=64).map(|w| derive(11, Stream::Count(w))));
        let all = seeds.len();
        seeds.sort_unstable();
        seeds.dedup();
        assert_eq!(seeds.len(), all, "two streams of one seed share a sequence");
        // Recorded runs re-analyse to the same numbers: a count's stream is the count's step.
        let step = |n: u64| SplitMix64::new(11u64.wrapping_add(n.wrapping_mul(GOLDEN_GAMMA)));
        assert_eq!(derive(11, Stream::Count(4)), step(4).next_u64());
        assert_eq!(derive(11, Stream::WholeCurve), step(u64::MAX).next_u64());
        assert_eq!(derive(11, Stream::Reservoir), step(0x5E5E).next_u64());
        assert_eq!(derive(11, Stream::Against(9)), step(9).next_u64());
        assert_ne!(derive(11, Stream::Decision), derive(12, Stream::Decision));
        // The round orders keep the recorded seed, so recorded sweeps resume in their orders.
        assert_eq!(derive(11, Stream::RoundOrder), 11);
        assert!(!seeds.contains(&derive(11, Stream::RoundOrder)));
    }

    #[test]
    fn below_stays_in_range() {
        let mut r = SplitMix64::new(1);
        for n in 1..100 {
            assert!(r.below(n) < n);
        }
    }
}
