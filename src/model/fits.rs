//! The model fits in results.json's analysis: Amdahl's law, the USL and the Karp-Flatt serial
//! fraction.

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
    /// "contention", "coherency" or "linear".
    pub constraint: String,
}

/// The Karp-Flatt metric at one worker count.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct KarpFlatt {
    /// Workers.
    pub workers: usize,
    /// (1/S - 1/W) / (1 - 1/W).
    pub serial_fraction: f64,
}
