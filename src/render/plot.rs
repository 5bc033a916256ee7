//! What chart.svg and the comparison chart share: the workers axis (linear to 32 workers,
//! log2 beyond), the log2 axis of the speedup panel, the top of a value axis, the SVG canvas,
//! and the mesh and legend styles.

use anyhow::anyhow;
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;

/// What drawing on an SVG area returns.
pub type DrawResult<T> =
    Result<T, DrawingAreaErrorKind<<SVGBackend<'static> as DrawingBackend>::ErrorType>>;

/// A chart panel: the workers axis against a linear value axis.
pub type Panel<'a, 'b> = ChartContext<'a, SVGBackend<'b>, Cartesian2d<WorkerCoord, RangedCoordf64>>;

/// An SVG of `size` pixels drawn by `draw`; a failure names `what` was being drawn.
pub fn svg(
    size: (u32, u32),
    what: &str,
    draw: impl FnOnce(&DrawingArea<SVGBackend<'_>, plotters::coord::Shift>) -> DrawResult<()>,
) -> anyhow::Result<String> {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, size).into_drawing_area();
        draw(&root).map_err(|e| anyhow!("could not draw {what}: {e}"))?;
        root.present()
            .map_err(|e| anyhow!("could not draw {what}: {e}"))?;
    }
    Ok(svg)
}

/// The grid and axis labels of a panel: workers below (our own ticks), `y_desc` at the side,
/// no minor lines.
pub fn draw_mesh(chart: &mut Panel<'_, '_>, axis: XAxis, y_desc: &str) -> DrawResult<()> {
    chart
        .configure_mesh()
        .x_desc("workers")
        .y_desc(y_desc)
        .x_label_formatter(&|v| axis.label(*v))
        .light_line_style(WHITE.mix(0.0))
        .draw()
}

/// The legend of a panel, lower right over a translucent background.
pub fn draw_legend<'a, 'b: 'a>(chart: &mut Panel<'a, 'b>) -> DrawResult<()> {
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::LowerRight)
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK.mix(0.3))
        .label_font(("sans-serif", 13))
        .draw()
}

/// The x axis: linear up to 32 workers, log2 beyond, so 1..768 stays readable.
#[derive(Debug, Clone, Copy)]
pub struct XAxis {
    log: bool,
    max: usize,
}

impl XAxis {
    /// The axis for worker counts up to `max`.
    pub fn new(max: usize) -> Self {
        Self {
            log: max > 32,
            max: max.max(1),
        }
    }

    /// Position of a worker count on the axis.
    pub fn pos(&self, workers: f64) -> f64 {
        if self.log {
            workers.max(1.0).log2()
        } else {
            workers
        }
    }

    /// The plotters coordinate of this axis: positions with our own tick positions.
    pub fn coord(&self) -> WorkerCoord {
        WorkerCoord {
            range: self.range(),
            ticks: self.ticks(),
        }
    }

    /// The axis's extent in positions, with a margin either side of the outer counts.
    pub fn range(&self) -> std::ops::Range<f64> {
        if self.log {
            -0.25..self.pos(self.max as f64) + 0.25
        } else {
            0.0..self.max as f64 + 0.75
        }
    }

    /// Tick positions: every count (or a nice step) when linear, powers of two when log.
    pub fn ticks(&self) -> Vec<f64> {
        if self.log {
            let top = self.pos(self.max as f64).ceil() as i32;
            (0..=top).map(f64::from).collect()
        } else {
            let step = [1, 2, 4, 5, 10]
                .into_iter()
                .find(|s| self.max / s <= 16)
                .unwrap_or(10);
            let mut t = vec![1.0];
            t.extend(
                (1..=self.max / step)
                    .map(|k| (k * step) as f64)
                    .filter(|&v| v > 1.0),
            );
            t
        }
    }

    /// The label of a tick position.
    pub fn label(&self, pos: f64) -> String {
        let w = if self.log { 2f64.powf(pos) } else { pos };
        format!("{}", w.round() as u64)
    }
}

/// A log2 axis over positive values (speedups, worker counts): a value's position is its
/// log2, with ticks at powers of two, so a doubling is the same length anywhere on the axis.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Log2Axis {
    lo: f64,
    hi: f64,
}

impl Log2Axis {
    /// The axis from `min` to `max` (positive values; others, and values beyond 2^±1000, are
    /// clamped), always spanning at least 1 to 2.
    pub fn spanning(min: f64, max: f64) -> Self {
        let lo = Self::position(min).min(0.0);
        let hi = Self::position(max).max(lo + 1.0);
        Self { lo, hi }
    }

    fn position(v: f64) -> f64 {
        if v.is_nan() || v <= 0.0 {
            return 0.0;
        }
        v.log2().clamp(-1000.0, 1000.0)
    }

    /// Position of a value on the axis.
    pub fn pos(&self, v: f64) -> f64 {
        Self::position(v)
    }

    /// The extent in positions, with a margin either side.
    pub fn range(&self) -> std::ops::Range<f64> {
        self.lo - 0.25..self.hi + 0.25
    }

    /// The plotters coordinate: positions, ticks at the powers of two in range (every other
    /// one past 12 ticks).
    pub fn coord(&self) -> WorkerCoord {
        let (first, last) = (self.lo.ceil() as i64, self.hi.floor() as i64);
        let step = if last - first >= 12 { 2 } else { 1 };
        WorkerCoord {
            range: self.range(),
            ticks: (first..=last).step_by(step).map(|k| k as f64).collect(),
        }
    }

    /// The label of a tick position: "8", or "1/4" below 1.
    pub fn label(pos: f64) -> String {
        let k = pos.round();
        if k >= 0.0 {
            format!("{}", 2f64.powf(k))
        } else {
            format!("1/{}", 2f64.powf(-k))
        }
    }
}

/// A linear coordinate over axis positions whose key points are the axis's ticks.
#[derive(Debug, Clone)]
pub struct WorkerCoord {
    range: std::ops::Range<f64>,
    ticks: Vec<f64>,
}

impl Ranged for WorkerCoord {
    type FormatOption = plotters::coord::ranged1d::DefaultFormatting;
    type ValueType = f64;

    fn map(&self, value: &f64, limit: (i32, i32)) -> i32 {
        let span = self.range.end - self.range.start;
        let frac = if span > 0.0 {
            (value - self.range.start) / span
        } else {
            0.0
        };
        limit.0 + (frac * f64::from(limit.1 - limit.0)).round() as i32
    }

    fn key_points<H: plotters::coord::ranged1d::KeyPointHint>(&self, _hint: H) -> Vec<f64> {
        self.ticks.clone()
    }

    fn range(&self) -> std::ops::Range<f64> {
        self.range.clone()
    }
}

/// The top of a value axis: 15% headroom over the largest value, always finite and positive.
/// plotters' tick search never ends on an infinite range, and a hand-edited or corrupted
/// results.json can hold values near f64::MAX, so the range is clamped.
pub fn axis_top(data_max: f64) -> f64 {
    let top = data_max * 1.15;
    if top.is_nan() {
        1e-12
    } else {
        top.clamp(1e-12, 1e300)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn axis_top_is_always_finite_and_positive() {
        for v in [0.0, -1.0, f64::NAN, f64::INFINITY, f64::MAX, 1e-20, 5.0] {
            let t = axis_top(v);
            assert!(t.is_finite() && t > 0.0, "{v} -> {t}");
        }
        assert!((axis_top(100.0) - 115.0).abs() < 1e-9);
    }

    #[test]
    fn axis_is_linear_for_small_and_log_for_large_plans() {
        let small = XAxis::new(8);
        assert_eq!(small.pos(4.0), 4.0);
        assert_eq!(small.ticks(), vec![1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0]);
        let big = XAxis::new(768);
        assert_eq!(big.pos(8.0), 3.0);
        assert_eq!(big.label(3.0), "8");
        assert!(big.ticks().len() <= 11);
        assert!(XAxis::new(32).ticks().len() <= 17);
    }

    #[test]
    fn a_log2_axis_has_a_tick_per_doubling_and_never_breaks() {
        let a = Log2Axis::spanning(1.0, 768.0);
        assert_eq!(a.pos(8.0), 3.0);
        let ticks = a.coord().ticks;
        assert_eq!(ticks, (0..=9).map(f64::from).collect::<Vec<_>>());
        assert_eq!(Log2Axis::label(9.0), "512");
        assert_eq!(Log2Axis::label(-2.0), "1/4");
        // Below 1 the axis reaches down; past 12 doublings every other one is ticked.
        assert_eq!(
            Log2Axis::spanning(0.3, 4.0).coord().ticks,
            vec![-1.0, 0.0, 1.0, 2.0]
        );
        assert!(Log2Axis::spanning(1e-9, 1e9).coord().ticks.len() <= 31);
        for (lo, hi) in [
            (f64::NAN, f64::INFINITY),
            (0.0, -1.0),
            (f64::MAX, f64::MIN_POSITIVE),
        ] {
            let r = Log2Axis::spanning(lo, hi).range();
            assert!(r.start.is_finite() && r.end > r.start, "{lo} {hi}: {r:?}");
        }
    }
}
