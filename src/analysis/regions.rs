//! Models where they apply: when the machine is known, Amdahl's law and the USL are fitted on
//! the scalable region (counts up to the effective CPUs), and the oversubscribed region past it
//! is described on its own, as the share of throughput lost per extra worker. With too few
//! counts in the region, the fits are not made and the reason is given. Pure.

use super::{Obs, Provenance, amdahl, usl};
use crate::model::{AmdahlFit, Regions, UslFit};

/// Fewest counts in the region before the USL (three parameters) is fitted.
pub const USL_MIN_COUNTS: usize = 4;

/// The fits and the regions they cover.
pub struct Fitted {
    /// Amdahl's law on the region (two counts, one of them 1 worker, are enough).
    pub amdahl: Option<AmdahlFit>,
    /// The USL on the region.
    pub usl: Option<UslFit>,
    /// What was fitted where.
    pub regions: Regions,
}

/// Fits the models on the scalable region of `obs` (all of it when the machine is unknown).
pub fn fit(obs: &[Obs], effective_cpus: usize, provenance: &Provenance) -> Fitted {
    let up_to = provenance.machine_recorded.then_some(effective_cpus.max(1));
    let region: Vec<Obs> = obs
        .iter()
        .filter(|o| up_to.is_none_or(|e| o.workers <= e))
        .cloned()
        .collect();
    let amdahl = amdahl::fit(&region);
    let usl = (region.len() >= USL_MIN_COUNTS)
        .then(|| usl::fit(&region))
        .flatten();
    let fit_note = match (region.len(), up_to) {
        (n, Some(e)) if n < 2 => Some(format!(
            "only {n} worker count up to the {e} effective CPU{}, too few to fit Amdahl's law or the USL; the Karp-Flatt serial fraction is given instead",
            if e == 1 { "" } else { "s" }
        )),
        (n, Some(e)) if n < USL_MIN_COUNTS => Some(format!(
            "only {n} worker counts up to the {e} effective CPUs, too few to fit the USL (it needs {USL_MIN_COUNTS}); Amdahl's law and the Karp-Flatt serial fraction are given instead"
        )),
        _ => None,
    };
    Fitted {
        amdahl,
        usl,
        regions: Regions {
            scalable_up_to: up_to,
            fitted_counts: region.iter().map(|o| o.workers).collect(),
            fit_note,
            lost_per_extra_worker: up_to.and_then(|e| lost_per_worker(obs, e)),
        },
    }
}

/// Least-squares slope of the throughput lost (relative to the count at `e`) per worker past
/// `e`, through zero loss at `e`; `None` without the count at `e` and two counts past it.
pub fn lost_per_worker(obs: &[Obs], e: usize) -> Option<f64> {
    let base = obs.iter().find(|o| o.workers == e)?.tasks_per_sec;
    let past: Vec<(f64, f64)> = obs
        .iter()
        .filter(|o| o.workers > e)
        .map(|o| ((o.workers - e) as f64, 1.0 - o.tasks_per_sec / base))
        .collect();
    if past.len() < 2 || base <= 0.0 {
        return None;
    }
    let sxx: f64 = past.iter().map(|(x, _)| x * x).sum();
    let sxy: f64 = past.iter().map(|(x, y)| x * y).sum();
    Some(sxy / sxx)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testdata::obs;

    /// A measured run's provenance: it knows its machine and its task count.
    fn known() -> Provenance {
        Provenance::of(&crate::testdata::record_from_throughput(&[1], &[1.0], 2))
    }

    #[test]
    fn a_two_core_curve_fits_on_one_and_two_workers() {
        let mut o: Vec<Obs> = [
            (1, 100.0),
            (2, 197.0),
            (3, 190.0),
            (4, 185.0),
            (6, 180.0),
            (8, 170.0),
        ]
        .iter()
        .map(|&(w, x)| obs(w, x))
        .collect();
        for x in o.iter_mut() {
            x.speedup = x.tasks_per_sec / 100.0;
        }
        let f = fit(&o, 2, &known());
        let s = f.amdahl.unwrap().serial_fraction;
        assert!(s <= 0.03, "{s}");
        assert!(f.usl.is_none());
        assert!(f.regions.fit_note.unwrap().contains("too few"));
        assert_eq!(f.regions.fitted_counts, vec![1, 2]);
        let lost = f.regions.lost_per_extra_worker.unwrap();
        assert!(lost > 0.0 && lost < 0.05, "{lost}");
    }

    #[test]
    fn without_the_machine_everything_is_fitted() {
        let o: Vec<Obs> = [1, 2, 4, 8].iter().map(|&w| obs(w, w as f64)).collect();
        let p = Provenance {
            machine_recorded: false,
            ..known()
        };
        let f = fit(&o, 2, &p);
        assert_eq!(f.regions.fitted_counts.len(), 4);
        assert!(f.regions.lost_per_extra_worker.is_none());
    }
}
