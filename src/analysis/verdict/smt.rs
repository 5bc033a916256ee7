//! What the hyperthreads add: on a machine with SMT, throughput with every hardware thread busy
//! against one worker per physical core, from the measured points at P and at all the logical
//! CPUs when both exist ("96 physical cores: the second hyperthreads add 3%"), the sentence a
//! user sizing an SMT instance needs. Pure.

use super::Facts;
use crate::numbers::rate;
use std::fmt;

/// The measured gain of the hardware threads beyond the first per core.
#[derive(Debug, Clone, PartialEq)]
pub struct SmtGain {
    /// Physical cores, P.
    pub physical_cores: usize,
    /// Hardware threads per core (2 for hyperthreading).
    pub threads_per_core: usize,
    /// Median throughput at P workers.
    pub at_cores: f64,
    /// Median throughput at P x threads_per_core workers.
    pub at_threads: f64,
    /// The throughput's unit, for the sentence.
    pub unit: String,
}

impl SmtGain {
    /// The gain when the machine has SMT, is the one that measured, and both counts were
    /// measured with a positive throughput at P.
    pub fn of(f: &Facts<'_>) -> Option<SmtGain> {
        let m = f.machine;
        let (p, t) = (m.physical_cores, m.threads_per_core);
        if t < 2 || p == 0 || !f.provenance.machine_recorded {
            return None;
        }
        let at = |w: usize| {
            f.obs
                .iter()
                .find(|o| o.workers == w)
                .map(|o| o.tasks_per_sec)
        };
        let (at_cores, at_threads) = (at(p)?, at(p * t)?);
        (at_cores > 0.0 && at_threads.is_finite()).then(|| SmtGain {
            physical_cores: p,
            threads_per_core: t,
            at_cores,
            at_threads,
            unit: f.provenance.unit.to_string(),
        })
    }

    /// The change from P to all hardware threads (0.03 = 3% more).
    pub fn gain(&self) -> f64 {
        self.at_threads / self.at_cores - 1.0
    }
}

impl fmt::Display for SmtGain {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let threads = match self.threads_per_core {
            2 => "the second hyperthreads".to_string(),
            t => format!("the other {} hardware threads of each core", t - 1),
        };
        let pct = (self.gain() * 100.0).round();
        let change = if pct > 0.0 {
            format!("add {pct}%")
        } else if pct < 0.0 {
            format!("cost {}%", -pct)
        } else {
            "add nothing measurable".to_string()
        };
        let (p, all) = (
            self.physical_cores,
            self.physical_cores * self.threads_per_core,
        );
        write!(
            f,
            "{p} physical cores: {threads} {change} ({} {} at {all} workers against {} at {p}).",
            rate(self.at_threads),
            self.unit,
            rate(self.at_cores)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gain(cores: f64, threads: f64, per_core: usize) -> String {
        SmtGain {
            physical_cores: 96,
            threads_per_core: per_core,
            at_cores: cores,
            at_threads: threads,
            unit: "tasks/s".into(),
        }
        .to_string()
    }

    #[test]
    fn the_sentence_names_the_cores_and_what_the_threads_add() {
        assert_eq!(
            gain(4796.0, 4935.0, 2),
            "96 physical cores: the second hyperthreads add 3% (4,935 tasks/s at 192 workers against 4,796 at 96)."
        );
        assert!(gain(1000.0, 1250.0, 2).contains("add 25%"));
        assert!(gain(1000.0, 960.0, 2).contains("the second hyperthreads cost 4%"));
        assert!(gain(1000.0, 1002.0, 2).contains("add nothing measurable"));
        assert!(
            gain(1000.0, 1100.0, 4).contains("the other 3 hardware threads of each core add 10%")
        );
    }

    #[test]
    fn the_192_cpu_fixture_verdict_names_what_the_hyperthreads_add() {
        let text = include_str!("../../../tests/fixtures/xlarge-192cpu-simulated.json");
        let mut r = crate::model::json::parse(text, std::path::Path::new("x")).unwrap();
        crate::summary::summarize_points(&mut r.points, r.config.tasks, r.config.seed);
        let verdict = crate::analysis::analyze(&r, &Default::default())
            .unwrap()
            .verdict;
        assert!(
            verdict.contains(
                "96 physical cores: the second hyperthreads add 3% (4,935 tasks/s at 192 workers against 4,796 at 96)."
            ),
            "{verdict}"
        );
        // Without the point at the logical CPUs, nothing is said.
        r.points.retain(|p| p.workers != 192);
        let verdict = crate::analysis::analyze(&r, &Default::default())
            .unwrap()
            .verdict;
        assert!(!verdict.contains("hyperthreads"), "{verdict}");
    }
}
