//! latency.svg: task latency against workers, p50 and p99 (milliseconds), on the workers axis
//! chart.svg uses, with a line at the recommended count and the SLO's limit when one was given.
//! Drawn only for records with latencies. Pure: record in, SVG text out.

use crate::model::{Percentile, RunRecord};
use crate::render::chart::{BLUE, GREY, ORANGE, RED, panel};
use crate::render::plot::{self, DrawResult, XAxis, axis_top, draw_legend, draw_mesh};
use plotters::coord::Shift;
use plotters::prelude::*;

const WIDTH: u32 = 1000;
const HEIGHT: u32 = 380;

/// The latency chart of a run; `None` when no point recorded latencies.
pub fn render(record: &RunRecord) -> Option<anyhow::Result<String>> {
    let pts = points(record);
    if pts.is_empty() {
        return None;
    }
    Some(plot::svg((WIDTH, HEIGHT), "latency.svg", |root| {
        draw(root, record, &pts)
    }))
}

/// (workers, p50 ms, p99 ms) of every point with latencies.
fn points(record: &RunRecord) -> Vec<(f64, f64, f64)> {
    record
        .points
        .iter()
        .filter_map(|p| {
            let l = p.summary.as_ref()?.latency.as_ref()?;
            Some((p.workers as f64, l.p50_s * 1e3, l.p99_s * 1e3))
        })
        .filter(|(_, a, b)| a.is_finite() && b.is_finite())
        .collect()
}

fn draw(
    root: &DrawingArea<SVGBackend<'_>, Shift>,
    record: &RunRecord,
    pts: &[(f64, f64, f64)],
) -> DrawResult<()> {
    root.fill(&WHITE)?;
    let analysis = record.analysis.as_ref();
    let slo = analysis
        .and_then(|a| a.latency.as_ref())
        .and_then(|l| l.slo.as_ref())
        .filter(|s| matches!(s.percentile, Percentile::P50 | Percentile::P99));
    let slo_ms = slo.map(|s| s.limit_s * 1e3);
    let max_w = pts.iter().map(|p| p.0 as usize).max().unwrap_or(1);
    let axis = XAxis::new(max_w);
    let top = pts.iter().map(|p| p.2.max(p.1)).fold(0.0, f64::max);
    let top = axis_top(slo_ms.map_or(top, |s| top.max(s)));
    let mut chart = panel(
        root,
        "Task latency vs workers (ms, over the kept batches)",
        axis,
        top,
    )?;
    draw_mesh(&mut chart, axis, "milliseconds")?;
    for (color, label, pick) in [(BLUE, "p50", 1usize), (ORANGE, "p99", 2usize)] {
        let at = |p: &(f64, f64, f64)| (axis.pos(p.0), if pick == 1 { p.1 } else { p.2 });
        chart
            .draw_series(LineSeries::new(pts.iter().map(at), color.stroke_width(2)))?
            .label(label)
            .legend(move |(x, y)| Rectangle::new([(x, y - 3), (x + 16, y + 3)], color.filled()));
        chart.draw_series(pts.iter().map(|p| Circle::new(at(p), 4, color.filled())))?;
    }
    if let Some(rec) = analysis.map(|a| a.recommended_workers) {
        let x = axis.pos(rec as f64);
        chart
            .draw_series(std::iter::once(PathElement::new(
                vec![(x, 0.0), (x, top)],
                GREY.stroke_width(1),
            )))?
            .label(format!("recommended: {rec} workers"))
            .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 16, y)], GREY.stroke_width(1)));
    }
    if let (Some(s), Some(ms)) = (slo, slo_ms) {
        let r = axis.range();
        chart
            .draw_series(std::iter::once(PathElement::new(
                vec![(r.start, ms), (r.end, ms)],
                RED.stroke_width(1),
            )))?
            .label(format!(
                "SLO: {} <= {}",
                s.percentile,
                crate::numbers::short_secs(s.limit_s)
            ))
            .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 16, y)], RED.stroke_width(1)));
    }
    draw_legend(&mut chart)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::testdata;

    #[test]
    fn drawn_only_with_latencies_with_both_series() {
        let mut r = testdata::record_with_analysis();
        assert!(render(&r).is_none());
        for (i, p) in r.points.iter_mut().enumerate() {
            let ms = 0.02 * (i + 1) as f64;
            p.summary.as_mut().unwrap().latency = Some(crate::model::LatencySummary {
                tasks: 10,
                mean_s: ms,
                p50_s: ms,
                p90_s: ms,
                p99_s: ms * 2.0,
                p999_s: ms * 2.0,
                max_s: ms * 2.0,
            });
        }
        let svg = render(&r).unwrap().unwrap();
        let doc = roxmltree::Document::parse(&svg).unwrap();
        let texts: Vec<&str> = doc.descendants().filter_map(|n| n.text()).collect();
        assert!(texts.iter().any(|t| t.contains("p50")), "{texts:?}");
        assert!(texts.iter().any(|t| t.contains("p99")), "{texts:?}");
        assert!(
            texts.iter().any(|t| t.contains("recommended: 2 workers")),
            "{texts:?}"
        );
        // Two series of four points: eight markers.
        let circles = doc
            .descendants()
            .filter(|n| n.has_tag_name("circle"))
            .count();
        assert_eq!(circles, 8);
    }
}
