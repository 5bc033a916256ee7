//! The model fits in results.json's analysis: Amdahl's law, the USL and the Karp-Flatt serial
//! fraction.

use super::named::named_enum;
use serde::{Deserialize, Serialize};

/// Amdahl's law S(W) = 1 / (s + (1 - s) / W).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct AmdahlFit {
    /// The serial fraction s.
    pub serial_fraction: f64,
    /// 1 / s (infinite s = 0 is recorded as null-free large number by the fitter).
    pub max_speedup: f64,
    /// Coefficient of determination of the fit.
    pub r2: f64,
}

/// Gunther's Universal Scalability Law X(N) = lambda N / (1 + sigma (N-1) + kappa N (N-1)).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct UslFit {
    /// Contention (serialisation) coefficient.
    pub sigma: f64,
    /// Coherency (crosstalk) coefficient.
    pub kappa: f64,
    /// Throughput of one worker under the model.
    pub lambda: f64,
    /// Worker count of the modelled peak, sqrt((1 - sigma) / kappa), when kappa > 0.
    pub peak_workers: Option<f64>,
    /// Modelled throughput at peak_workers.
    pub peak_tasks_per_sec: Option<f64>,
    /// Coefficient of determination of the fit.
    pub r2: f64,
    /// The term that limits scaling most.
    pub constraint: UslConstraint,
}

named_enum! {
    /// The term of the USL that limits scaling most. A name this build does not know reads as
    /// `Other`, so a newer plateau's fit still renders (shown as written, "as reported by the
    /// fitter").
    pub enum UslConstraint {
        /// sigma dominates: a serial part (a lock, a shared queue).
        Contention => "contention",
        /// kappa dominates: keeping shared data consistent between workers.
        Coherency => "coherency",
        /// Neither term matters over the counts measured.
        Linear => "linear",
    }
}

/// A USL constraint in words: short for the fits table, and as the verdict reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConstraintWords {
    /// The term and what it means, e.g. "contention: waiting for shared resources".
    pub term: &'static str,
    /// What limits scaling, as a clause of the verdict.
    pub reading: &'static str,
}

impl UslConstraint {
    /// The constraint in words: the one reading of the name for every text that explains it.
    pub fn words(&self) -> ConstraintWords {
        let (term, reading) = match self {
            UslConstraint::Contention => (
                "contention: waiting for shared resources",
                "contention (a serial part, e.g. a lock or a shared queue) limits scaling more than coherency",
            ),
            UslConstraint::Coherency => (
                "coherency: keeping workers' data in agreement",
                "coherency (keeping shared data consistent between workers) limits scaling more than contention",
            ),
            UslConstraint::Linear => (
                "none: scaling is close to linear",
                "scaling is close to linear over the counts measured",
            ),
            UslConstraint::Other(_) => (
                "as reported by the fitter",
                "the term the fitter reported limits scaling most",
            ),
        };
        ConstraintWords { term, reading }
    }
}

/// The Karp-Flatt metric at one worker count.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct KarpFlatt {
    /// Workers.
    pub workers: usize,
    /// (1/S - 1/W) / (1 - 1/W).
    pub serial_fraction: f64,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::named::assert_round_trips;

    #[test]
    fn constraint_names_round_trip() {
        assert_round_trips(
            UslConstraint::KNOWN,
            &["contention", "coherency", "linear"],
            UslConstraint::Other,
        );
        let terms: Vec<&str> = UslConstraint::KNOWN
            .iter()
            .map(|c| c.words().term)
            .collect();
        assert_eq!(terms[2], "none: scaling is close to linear");
        let newer = UslConstraint::from("bandwidth").words();
        assert_eq!(newer.term, "as reported by the fitter");
    }
}
