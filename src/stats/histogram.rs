//! `Histogram`: task latencies in an HDR histogram (fixed memory, no allocation per record),
//! its quantiles, merging, and its compact text form (HdrHistogram's V2 encoding in base64) that
//! results.json keeps per batch so kept batches can be merged later. Pure: no clocks, no I/O.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hdrhistogram::serialization::{Deserializer, Serializer, V2Serializer};
use std::time::Duration;

/// Shortest value recorded: one nanosecond.
const LOWEST_NS: u64 = 1;
/// Longest value recorded exactly: an hour; longer tasks are counted at an hour.
const HIGHEST_NS: u64 = 3_600_000_000_000;
/// Two significant digits: every value within 1%, in about 37 KiB per histogram, so a pool of
/// hundreds of workers, each with its own, stays within a few tens of MiB.
const SIGNIFICANT_DIGITS: u8 = 2;

/// Latencies in nanoseconds, each within 1% of the value recorded.
#[derive(Debug, Clone)]
pub struct Histogram(hdrhistogram::Histogram<u64>);

impl Default for Histogram {
    fn default() -> Self {
        Self::new()
    }
}

impl PartialEq for Histogram {
    fn eq(&self, other: &Self) -> bool {
        self.0 == other.0
    }
}

impl Histogram {
    /// An empty histogram from 1 ns to an hour; its memory is allocated here, once.
    pub fn new() -> Self {
        let h = hdrhistogram::Histogram::new_with_bounds(LOWEST_NS, HIGHEST_NS, SIGNIFICANT_DIGITS)
            .expect("constant bounds are valid");
        Self(h)
    }

    /// Counts one task's time (clamped to 1 ns .. an hour). Never allocates.
    pub fn record(&mut self, d: Duration) {
        let ns = u64::try_from(d.as_nanos()).unwrap_or(u64::MAX);
        self.0.saturating_record(ns.clamp(LOWEST_NS, HIGHEST_NS));
    }

    /// Adds every count of `other` (same bounds, so it cannot fail).
    pub fn add(&mut self, other: &Histogram) {
        // Both were made by `new` or decoded into its bounds: the addition always fits.
        let _ = self.0.add(&other.0);
    }

    /// Tasks counted.
    pub fn len(&self) -> u64 {
        self.0.len()
    }

    /// True when nothing was counted.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The value at quantile `q` (0.5 for the median), seconds; 0 when empty.
    pub fn quantile_s(&self, q: f64) -> f64 {
        if self.is_empty() {
            return 0.0;
        }
        self.0.value_at_quantile(q.clamp(0.0, 1.0)) as f64 * 1e-9
    }

    /// The mean, seconds; 0 when empty.
    pub fn mean_s(&self) -> f64 {
        if self.is_empty() {
            0.0
        } else {
            self.0.mean() * 1e-9
        }
    }

    /// The largest value, seconds (within the histogram's precision); 0 when empty.
    pub fn max_s(&self) -> f64 {
        if self.is_empty() {
            0.0
        } else {
            self.0.max() as f64 * 1e-9
        }
    }

    /// The compact text form: HdrHistogram's V2 encoding (run-length, variable-length counts),
    /// base64. A few hundred bytes for a typical batch.
    pub fn encode(&self) -> String {
        let mut bytes = Vec::new();
        // Serializing into a Vec cannot fail: the only errors are I/O ones and a count over i64.
        let _ = V2Serializer::new().serialize(&self.0, &mut bytes);
        STANDARD.encode(bytes)
    }

    /// Reads `encode`'s form back; `None` when the text is not one (a hand-edited file).
    pub fn decode(text: &str) -> Option<Self> {
        let bytes = STANDARD.decode(text.trim()).ok()?;
        let read: hdrhistogram::Histogram<u64> = Deserializer::new()
            .deserialize(&mut bytes.as_slice())
            .ok()?;
        // Re-homed into the standard bounds, so any two decoded histograms can be added.
        let mut h = Self::new();
        h.0.add(&read).ok()?;
        Some(h)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(v: u64) -> Duration {
        Duration::from_millis(v)
    }

    #[test]
    fn quantiles_mean_and_max_within_one_percent() {
        let mut h = Histogram::new();
        for v in 1..=100 {
            h.record(ms(v));
        }
        assert_eq!(h.len(), 100);
        let close = |got: f64, want: f64| (got / want - 1.0).abs() < 0.01;
        assert!(close(h.quantile_s(0.5), 0.050), "{}", h.quantile_s(0.5));
        assert!(close(h.quantile_s(0.99), 0.099), "{}", h.quantile_s(0.99));
        assert!(close(h.mean_s(), 0.0505), "{}", h.mean_s());
        assert!(close(h.max_s(), 0.100), "{}", h.max_s());
    }

    #[test]
    fn empty_reads_as_zero_and_extremes_are_clamped() {
        let mut h = Histogram::new();
        assert!(h.is_empty());
        assert_eq!((h.quantile_s(0.5), h.mean_s(), h.max_s()), (0.0, 0.0, 0.0));
        h.record(Duration::ZERO);
        h.record(Duration::from_secs(10 * 3600));
        assert_eq!(h.len(), 2);
        assert!(h.max_s() <= 3600.0 * 1.01 && h.max_s() >= 3600.0 * 0.99);
    }

    #[test]
    fn merging_adds_counts() {
        let (mut a, mut b) = (Histogram::new(), Histogram::new());
        (0..10).for_each(|_| a.record(ms(10)));
        (0..30).for_each(|_| b.record(ms(30)));
        a.add(&b);
        assert_eq!(a.len(), 40);
        assert!((a.quantile_s(0.5) - 0.030).abs() < 0.0003);
        assert!((a.quantile_s(0.2) - 0.010).abs() < 0.0001);
    }

    #[test]
    fn the_text_form_round_trips_and_is_compact() {
        let mut h = Histogram::new();
        for v in 0..5000u64 {
            h.record(Duration::from_micros(20_000 + v % 700));
        }
        let text = h.encode();
        assert!(text.len() < 2000, "{} bytes", text.len());
        let back = Histogram::decode(&text).unwrap();
        assert_eq!(back, h);
        assert!(Histogram::decode("not base64!").is_none());
        assert!(Histogram::decode("AAAA").is_none());
    }
}
