//! The comparison chart: throughput against workers with one line per run, either in total
//! tasks/s or per effective CPU, on the same workers axis as chart.svg (`plot::XAxis`).
//! Pure: series in, SVG text out.

use crate::model::RunRecord;
use crate::render::plot::{self, DrawResult, XAxis, axis_top, draw_legend, draw_mesh};
use plotters::prelude::*;

const WIDTH: u32 = 1000;
const HEIGHT: u32 = 500;
/// Colours that stay apart for the common case of a handful of machines.
const PALETTE: [RGBColor; 8] = [
    RGBColor(31, 102, 181),
    RGBColor(214, 110, 20),
    RGBColor(40, 150, 70),
    RGBColor(200, 50, 50),
    RGBColor(130, 80, 180),
    RGBColor(140, 90, 60),
    RGBColor(210, 90, 170),
    RGBColor(90, 90, 90),
];

/// Total throughput, or throughput divided by the run's effective CPUs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scale {
    /// tasks/s.
    Total,
    /// tasks/s per effective CPU: which machine's cores do more work.
    PerCore,
}

/// One measured worker count of a run.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct OverlayPoint {
    /// Workers.
    pub workers: usize,
    /// Median tasks/s.
    pub tasks_per_sec: f64,
}

/// One run's line.
#[derive(Debug, Clone, PartialEq)]
pub struct OverlaySeries {
    /// The run's (distinct) label.
    pub label: String,
    /// Measured points, ascending in workers.
    pub points: Vec<OverlayPoint>,
    /// The run's effective CPUs, the divisor of the per-core chart and a marked line.
    pub effective_cpus: usize,
    /// The worker count the report puts forward, marked with a triangle.
    pub chosen: Option<usize>,
}

impl OverlaySeries {
    /// The line of `record`, shown as `label`.
    pub fn from_record(label: &str, record: &RunRecord, chosen: Option<usize>) -> Self {
        Self {
            label: label.to_string(),
            points: record
                .points
                .iter()
                .filter_map(|p| {
                    p.summary.as_ref().map(|s| OverlayPoint {
                        workers: p.workers,
                        tasks_per_sec: s.tasks_per_sec,
                    })
                })
                .collect(),
            effective_cpus: record.machine.effective_cpus.max(1),
            chosen,
        }
    }

    fn value(&self, p: &OverlayPoint, scale: Scale) -> f64 {
        match scale {
            Scale::Total => p.tasks_per_sec,
            Scale::PerCore => p.tasks_per_sec / self.effective_cpus as f64,
        }
    }
}

/// Renders the overlay of `series` with `title` above it.
pub fn render(series: &[OverlaySeries], scale: Scale, title: &str) -> anyhow::Result<String> {
    plot::svg((WIDTH, HEIGHT), "the comparison chart", |root| {
        draw(root, series, scale, title)
    })
}

fn draw(
    root: &DrawingArea<SVGBackend<'_>, plotters::coord::Shift>,
    series: &[OverlaySeries],
    scale: Scale,
    title: &str,
) -> DrawResult<()> {
    root.fill(&WHITE)?;
    let max_w = series
        .iter()
        .flat_map(|s| s.points.iter().map(|p| p.workers))
        .max()
        .unwrap_or(1);
    let axis = XAxis::new(max_w);
    let y_top = series
        .iter()
        .flat_map(|s| s.points.iter().map(|p| s.value(p, scale)))
        .fold(0.0, f64::max);
    let y_max = axis_top(y_top);
    let mut chart = ChartBuilder::on(root)
        .margin(14)
        .caption(title, ("sans-serif", 18))
        .x_label_area_size(40)
        .y_label_area_size(74)
        .build_cartesian_2d(axis.coord(), 0.0..y_max)?;
    let y_desc = match scale {
        Scale::Total => "tasks/s",
        Scale::PerCore => "tasks/s per effective CPU",
    };
    draw_mesh(&mut chart, axis, y_desc)?;
    let x_end = axis.range().end;
    for (i, s) in series.iter().enumerate() {
        let color = PALETTE[i % PALETTE.len()];
        // Each machine's core count, in its colour: where its line should stop rising.
        let xp = axis.pos(s.effective_cpus as f64);
        if xp <= x_end {
            chart.draw_series(DashedLineSeries::new(
                [(xp, 0.0), (xp, y_max)],
                5,
                5,
                color.mix(0.6).stroke_width(1),
            ))?;
        }
        let line: Vec<(f64, f64)> = s
            .points
            .iter()
            .map(|p| (axis.pos(p.workers as f64), s.value(p, scale)))
            .collect();
        chart
            .draw_series(LineSeries::new(line.clone(), color.stroke_width(2)))?
            .label(format!("{} ({} effective CPUs)", s.label, s.effective_cpus))
            .legend(move |(x, y)| {
                PathElement::new(vec![(x, y), (x + 18, y)], color.stroke_width(3))
            });
        chart.draw_series(line.iter().map(|&at| Circle::new(at, 4, color.filled())))?;
        if let Some(p) = s.points.iter().find(|p| Some(p.workers) == s.chosen) {
            let at = (axis.pos(p.workers as f64), s.value(p, scale));
            chart.draw_series(std::iter::once(TriangleMarker::new(at, 10, color.filled())))?;
        }
    }
    draw_legend(&mut chart)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::testdata;

    fn series(label: &str, scale_by: f64, cpus: usize) -> OverlaySeries {
        let mut r = testdata::record();
        r.machine.effective_cpus = cpus;
        for p in &mut r.points {
            if let Some(s) = p.summary.as_mut() {
                s.tasks_per_sec *= scale_by;
            }
        }
        OverlaySeries::from_record(label, &r, Some(3))
    }

    #[test]
    fn one_line_per_run_with_a_marker_per_point_and_escaped_labels() {
        let s = [series("a<&\"b", 1.0, 2), series("c", 2.0, 4)];
        let svg = render(&s, Scale::Total, "Throughput <all>").unwrap();
        let doc = roxmltree::Document::parse(&svg).expect("valid XML");
        let circles = doc
            .descendants()
            .filter(|n| n.has_tag_name("circle"))
            .count();
        assert_eq!(circles, 8, "4 points x 2 runs");
        let texts: Vec<String> = doc
            .descendants()
            .filter(|n| n.has_tag_name("text"))
            .filter_map(|n| n.text().map(|t| t.trim().to_string()))
            .collect();
        assert!(
            texts.iter().any(|t| t == "a<&\"b (2 effective CPUs)"),
            "{texts:?}"
        );
        assert!(texts.iter().any(|t| t == "Throughput <all>"));
        assert!(!svg.contains("a<&"), "plotters escapes text");
    }

    #[test]
    fn per_core_divides_by_effective_cpus() {
        let s = series("x", 1.0, 4);
        assert_eq!(s.value(&s.points[0], Scale::PerCore), 25.0);
        assert_eq!(s.value(&s.points[0], Scale::Total), 100.0);
    }
}
