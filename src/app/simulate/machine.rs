//! A simulated machine, read from JSON: its CPUs (logical, SMT, quota), how throughput scales
//! on them (SMT gain, fading turbo, a memory-bandwidth cap, oversubscription cost, or a
//! published curve) and the noise of its batches. Pure: the noise-free throughput at W workers
//! and the `MachineInfo` plateau would detect there.

use crate::model::{BindingLimit, MachineInfo};
use serde::Deserialize;

/// The noise of a batch's time on the simulated machine.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct NoiseModel {
    /// Sigma of the lognormal factor on every batch.
    pub sigma: f64,
    /// Share of the time spent in slow phases (invisible to the guest, as on a cloud VM).
    pub phase_share: f64,
    /// How much longer work takes in a slow phase (1.0 = twice as long).
    pub phase_slowdown: f64,
    /// Mean length of a slow phase, seconds.
    pub phase_s: f64,
    /// Linear drift of batch times per minute of the run (0.01 = 1% slower each minute).
    pub drift_per_min: f64,
    /// Share of batches that are outliers.
    pub outlier_rate: f64,
    /// How much longer an outlier batch takes.
    pub outlier_factor: f64,
}

impl Default for NoiseModel {
    fn default() -> Self {
        Self {
            sigma: 0.02,
            phase_share: 0.0,
            phase_slowdown: 0.0,
            phase_s: 5.0,
            drift_per_min: 0.0,
            outlier_rate: 0.0,
            outlier_factor: 2.0,
        }
    }
}

/// A simulated machine. Every key but `logical_cpus` is optional.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct MachineModel {
    /// Logical CPUs.
    pub logical_cpus: usize,
    /// SMT threads per core (2 on most x86 instance families).
    #[serde(default = "one")]
    pub threads_per_core: usize,
    /// What a second hyperthread adds, as a share of a core.
    #[serde(default = "smt_gain")]
    pub smt_gain: f64,
    /// Extra speed of a lone busy core over a full machine (0.2 = 20% faster at 1 worker),
    /// fading linearly as cores fill.
    #[serde(default)]
    pub turbo: f64,
    /// Most cores' worth of throughput the memory bandwidth allows.
    #[serde(default)]
    pub bandwidth_cap: Option<f64>,
    /// A CPU quota (cgroup `cpu.max`), in CPUs.
    #[serde(default)]
    pub quota_cpus: Option<f64>,
    /// Throughput lost per doubling of workers past the CPUs.
    #[serde(default = "oversub_cost")]
    pub oversub_cost: f64,
    /// Seconds of one task on one worker at full speed.
    #[serde(default = "task_s")]
    pub task_s: f64,
    /// A measured curve `[[workers, tasks_per_s], ...]` replacing the model: interpolated
    /// linearly in log W, flat beyond its ends.
    #[serde(default)]
    pub curve: Option<Vec<[f64; 2]>>,
    /// The noise of every batch.
    #[serde(default)]
    pub noise: NoiseModel,
}

fn one() -> usize {
    1
}
fn smt_gain() -> f64 {
    0.25
}
fn oversub_cost() -> f64 {
    0.02
}
fn task_s() -> f64 {
    0.02
}

impl MachineModel {
    /// Reads a machine file, saying what is wrong in one sentence naming it.
    pub fn parse(text: &str, shown: &str) -> Result<Self, String> {
        let m: Self = serde_json::from_str(text)
            .map_err(|e| format!("--machine {shown} is not a machine model: {e}"))?;
        if m.logical_cpus == 0
            || m.threads_per_core == 0
            || m.logical_cpus % m.threads_per_core != 0
        {
            return Err(format!(
                "--machine {shown}: logical_cpus must be a positive multiple of threads_per_core"
            ));
        }
        let bad = |x: f64| !x.is_finite() || x < 0.0;
        if !(m.task_s.is_finite() && m.task_s > 0.0)
            || bad(m.smt_gain)
            || bad(m.turbo)
            || bad(m.oversub_cost)
            || m.quota_cpus.is_some_and(|q| !(q.is_finite() && q > 0.0))
            || m.bandwidth_cap.is_some_and(|b| !(b.is_finite() && b > 0.0))
        {
            return Err(format!(
                "--machine {shown}: task_s, quota_cpus and bandwidth_cap must be above 0, the other factors at least 0"
            ));
        }
        Ok(m)
    }

    /// Physical cores.
    pub fn physical(&self) -> usize {
        self.logical_cpus / self.threads_per_core.max(1)
    }

    /// The CPUs the workers can use: the logical CPUs, or the quota below them.
    pub fn capacity(&self) -> f64 {
        let l = self.logical_cpus as f64;
        self.quota_cpus.map_or(l, |q| q.min(l))
    }

    /// Noise-free tasks per second at `workers` workers.
    pub fn throughput(&self, workers: usize) -> f64 {
        if let Some(curve) = self.curve.as_deref().filter(|c| !c.is_empty()) {
            return interpolate(curve, workers as f64);
        }
        let w = workers.max(1) as f64;
        let p = self.physical() as f64;
        let c = self.capacity();
        let busy = w.min(c);
        let effective = if busy <= p {
            busy
        } else {
            p + (busy - p) * self.smt_gain
        };
        let capped = self.bandwidth_cap.map_or(effective, |b| effective.min(b));
        let turbo = 1.0 + self.turbo * (1.0 - busy.min(p) / p);
        let mut x = capped * turbo / self.task_s;
        if w > c {
            x *= (1.0 - self.oversub_cost * (w / c).log2()).max(0.01);
        }
        x
    }

    /// The machine plateau would detect: its CPUs, SMT and quota, nothing else of this host.
    pub fn machine_info(&self) -> MachineInfo {
        let logical = self.logical_cpus;
        let effective = crate::machine::effective_cpus(logical, logical, self.quota_cpus);
        MachineInfo {
            hostname: format!("simulated-{logical}"),
            os: "Linux".into(),
            kernel: "simulated".into(),
            arch: "x86_64".into(),
            cpu_brand: format!(
                "simulated {} cores x {} threads",
                self.physical(),
                self.threads_per_core
            ),
            cpu_mhz: 0,
            logical_cpus: logical,
            physical_cores: self.physical(),
            threads_per_core: self.threads_per_core,
            affinity_cpus: logical,
            cgroup_cpu_quota: self.quota_cpus,
            effective_cpus: effective.count,
            binding_limit: if self.quota_cpus.is_some() {
                effective.binding
            } else {
                BindingLimit::LogicalCpus
            },
            memory_total_bytes: 1 << 40,
            load_average_1m: 0.0,
            last_level_cache_bytes: None,
            cpu_governor: None,
            allowed_cpu_ids: (0..logical).collect(),
            busy_cpus_at_start: None,
            memory_limit_bytes: None,
            memory_limit_binding: None,
            host_limits: None,
            emulated: None,
        }
    }
}

/// The curve's value at `w`, linear in log W between its points and flat beyond its ends.
fn interpolate(curve: &[[f64; 2]], w: f64) -> f64 {
    let mut pts: Vec<[f64; 2]> = curve.iter().copied().filter(|p| p[0] > 0.0).collect();
    pts.sort_by(|a, b| a[0].total_cmp(&b[0]));
    let (Some(first), Some(last)) = (pts.first(), pts.last()) else {
        return 0.0;
    };
    if w <= first[0] {
        return first[1];
    }
    if w >= last[0] {
        return last[1];
    }
    for pair in pts.windows(2) {
        let ([a, xa], [b, xb]) = (pair[0], pair[1]);
        if w <= b {
            let t = (w.ln() - a.ln()) / (b.ln() - a.ln());
            return xa + t * (xb - xa);
        }
    }
    last[1]
}

/// The noise-free answer over `counts`: the fewest workers within `tolerance` of the peak.
pub fn truth(model: &MachineModel, counts: &[usize], tolerance: f64) -> usize {
    let peak = counts
        .iter()
        .map(|&w| model.throughput(w))
        .fold(0.0, f64::max);
    counts
        .iter()
        .copied()
        .find(|&w| model.throughput(w) >= peak * (1.0 - tolerance))
        .unwrap_or(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn model(json: &str) -> MachineModel {
        MachineModel::parse(json, "m.json").unwrap()
    }

    #[test]
    fn smt_adds_its_gain_past_the_cores_and_oversubscription_costs() {
        let m = model(r#"{"logical_cpus": 16, "threads_per_core": 2, "task_s": 0.1}"#);
        assert!((m.throughput(1) - 10.0).abs() < 1e-9);
        assert!((m.throughput(8) - 80.0).abs() < 1e-9);
        assert!((m.throughput(16) - 100.0).abs() < 1e-9);
        assert!((m.throughput(32) - 98.0).abs() < 1e-9);
        assert_eq!(truth(&m, &[1, 2, 4, 8, 12, 16, 20, 32], 0.05), 16);
    }

    #[test]
    fn a_quota_and_a_bandwidth_cap_bind() {
        let q = model(r#"{"logical_cpus": 192, "threads_per_core": 2, "quota_cpus": 4}"#);
        assert_eq!(truth(&q, &[1, 2, 3, 4, 5, 6, 8, 16], 0.05), 4);
        assert_eq!(q.machine_info().effective_cpus, 4);
        let b = model(r#"{"logical_cpus": 64, "bandwidth_cap": 12}"#);
        assert_eq!(truth(&b, &[1, 2, 4, 8, 12, 16, 24, 32, 64], 0.05), 12);
    }

    #[test]
    fn a_curve_replaces_the_model() {
        let m =
            model(r#"{"logical_cpus": 8, "curve": [[1, 1.0], [8, 7.8], [16, 8.0], [32, 7.7]]}"#);
        assert!((m.throughput(1) - 1.0).abs() < 1e-9);
        assert!((m.throughput(64) - 7.7).abs() < 1e-9);
        let mid = m.throughput(4);
        assert!(mid > 1.0 && mid < 7.8, "{mid}");
    }

    #[test]
    fn a_bad_machine_file_is_named() {
        let e = MachineModel::parse(r#"{"logical_cpus": 3, "threads_per_core": 2}"#, "m.json")
            .unwrap_err();
        assert!(e.starts_with("--machine m.json"), "{e}");
        assert!(MachineModel::parse("{}", "m.json").is_err());
    }
}
