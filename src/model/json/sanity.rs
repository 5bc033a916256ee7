//! Values a hand-edited results.json may hold that the types allow but nothing can use: a
//! price that is not positive (it would win "best value"), a task count or times whose ratios
//! overflow (subnormal or zero times give infinite throughput). Refused with the field named.

use crate::model::RunRecord;

/// The shortest batch time read back: a nanosecond is already far below any real batch, and
/// keeps tasks / wall_s finite for every task count.
pub const MIN_WALL_S: f64 = 1e-12;

/// Checks the values of `r`; the error names the field.
pub fn check(r: &RunRecord) -> Result<(), String> {
    if let Some(p) = r.run.price_per_hour {
        if !(p.is_finite() && p > 0.0) {
            return Err(format!(
                "has run.price_per_hour {p}, not a positive price in USD per hour"
            ));
        }
    }
    for p in &r.points {
        for s in &p.samples {
            // 0 stays readable as "no time" (older files); anything else must be a real time.
            if s.wall_s != 0.0 && s.wall_s < MIN_WALL_S {
                return Err(format!(
                    "has a sample at {} workers with wall_s {:e}, below {MIN_WALL_S:e} s",
                    p.workers, s.wall_s
                ));
            }
        }
    }
    Ok(())
}
