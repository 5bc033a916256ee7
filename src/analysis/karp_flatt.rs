//! The Karp-Flatt metric: the serial fraction e = (1/S - 1/W) / (1 - 1/W) implied by the
//! measured speedup S at each W > 1. A fraction that grows with W means overhead grows with the
//! workers (contention, coordination), not a fixed serial part.

use super::Obs;
use crate::model::KarpFlatt;

/// The metric at every measured W > 1 with a positive, finite speedup.
pub fn metric(obs: &[Obs]) -> Vec<KarpFlatt> {
    obs.iter()
        .filter(|o| o.workers > 1 && o.speedup.is_finite() && o.speedup > 0.0)
        .map(|o| {
            let w = o.workers as f64;
            KarpFlatt {
                workers: o.workers,
                serial_fraction: (1.0 / o.speedup - 1.0 / w) / (1.0 - 1.0 / w),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testdata::obs;

    #[test]
    fn amdahl_data_gives_its_serial_fraction_everywhere() {
        let s = 0.1;
        let pts: Vec<Obs> = [1usize, 2, 4, 8, 16]
            .iter()
            .map(|&w| obs(w, 1.0 / (s + (1.0 - s) / w as f64)))
            .collect();
        let kf = metric(&pts);
        assert_eq!(kf.len(), 4);
        for k in kf {
            assert!((k.serial_fraction - s).abs() < 1e-12, "{k:?}");
        }
    }

    #[test]
    fn perfect_scaling_is_zero_and_bad_speedups_are_skipped() {
        let kf = metric(&[obs(1, 1.0), obs(4, 4.0), obs(8, 0.0), obs(9, f64::NAN)]);
        assert_eq!(kf.len(), 1);
        assert!(kf[0].serial_fraction.abs() < 1e-12);
    }
}
