//! chart.svg's speedup panel: X(W)/X(1) with its 95% CI on log-log axes (powers of two), the
//! ideal diagonal (speedup = W), the physical cores and effective CPUs, and the recommendation.
//! On a log scale linear scaling is the diagonal at every size, so the counts 1..32 of a plan up
//! to 768 workers stay legible where the linear throughput panel flattens them near zero, and
//! the bend at the physical cores (hyperthreads) shows as a change of slope. Pure.

use super::chart::{BLUE, GREEN, GREY, Pt};
use super::chart_throughput::machine_limits;
use crate::model::RunRecord;
use crate::render::plot::{DrawResult, Log2Axis, WorkerCoord};
use crate::stats::Ci;
use plotters::coord::Shift;
use plotters::prelude::*;

type LogPanel<'a, 'b> = ChartContext<'a, SVGBackend<'b>, Cartesian2d<WorkerCoord, WorkerCoord>>;

/// One point's speedup and its CI, as positions on the two axes.
struct Spot {
    w: f64,
    s: f64,
    ci: Ci,
}

/// The speedup panel, or a line saying why there is none (no 1-worker point).
pub(super) fn draw_speedup(
    area: &DrawingArea<SVGBackend<'_>, Shift>,
    record: &RunRecord,
    pts: &[Pt],
) -> DrawResult<()> {
    let Some(x1) = pts
        .iter()
        .find(|p| p.w == 1.0)
        .map(|p| p.x)
        .filter(|&x| x > 0.0)
    else {
        area.draw(&Text::new(
            "No speedup panel: no 1-worker point to compare with.",
            (80, 40),
            ("sans-serif", 16),
        ))?;
        return Ok(());
    };
    let spots: Vec<Spot> = pts
        .iter()
        .filter(|p| p.x > 0.0)
        .map(|p| Spot {
            w: p.w,
            s: p.x / x1,
            // A count with one batch has no interval: its bar has no length.
            ci: p.x_ci.map_or(
                Ci {
                    lo: p.x / x1,
                    hi: p.x / x1,
                },
                |c| Ci {
                    lo: c.lo / x1,
                    hi: c.hi / x1,
                },
            ),
        })
        .collect();
    let max_w = pts.iter().map(|p| p.w).fold(1.0, f64::max);
    let low = spots.iter().map(|s| s.ci.lo.min(s.s)).filter(|&v| v > 0.0);
    let high = spots.iter().map(|s| s.ci.hi.max(s.s)).fold(1.0, f64::max);
    let x_axis = Log2Axis::spanning(1.0, max_w);
    // The ideal (speedup = W) is a straight line on both log axes; the top leaves one doubling
    // over the highest speedup (the ideal runs off it) rather than the whole plan's range, so
    // the measured curve gets the height.
    let y_axis = Log2Axis::spanning(low.fold(1.0, f64::min), (2.0 * high).min(max_w));
    let mut chart = ChartBuilder::on(area)
        .margin(12)
        .caption(
            "Speedup over 1 worker (log-log: the diagonal is linear scaling)",
            ("sans-serif", 16),
        )
        .x_label_area_size(36)
        .y_label_area_size(70)
        .build_cartesian_2d(x_axis.coord(), y_axis.coord())?;
    chart
        .configure_mesh()
        .x_desc("workers")
        .y_desc("speedup")
        .x_label_formatter(&|v| Log2Axis::label(*v))
        .y_label_formatter(&|v| Log2Axis::label(*v))
        .light_line_style(WHITE.mix(0.0))
        .draw()?;
    let top = x_axis.pos(max_w).min(y_axis.range().end);
    chart
        .draw_series(DashedLineSeries::new(
            [(0.0, 0.0), (top, top)],
            6,
            4,
            GREY.stroke_width(1),
        ))?
        .label("ideal: speedup = W")
        .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 16, y)], GREY));
    draw_limits(&mut chart, record, x_axis, y_axis)?;
    draw_points(&mut chart, &spots, x_axis, y_axis)?;
    if let Some(a) = &record.analysis {
        if let Some(s) = spots.iter().find(|s| s.w as usize == a.recommended_workers) {
            let at = (x_axis.pos(s.w), y_axis.pos(s.s));
            chart.draw_series(std::iter::once(TriangleMarker::new(at, 9, GREEN.filled())))?;
        }
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperLeft)
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK.mix(0.3))
        .label_font(("sans-serif", 13))
        .draw()
}

/// The machine's limits as vertical lines, labelled at the bottom (the diagonal runs through
/// the top right).
fn draw_limits(
    chart: &mut LogPanel<'_, '_>,
    record: &RunRecord,
    x_axis: Log2Axis,
    y_axis: Log2Axis,
) -> DrawResult<()> {
    let (y0, y1) = (y_axis.range().start, y_axis.range().end);
    for (i, (w, text)) in machine_limits(record).iter().enumerate() {
        let xp = x_axis.pos(*w as f64);
        if xp > x_axis.range().end {
            continue;
        }
        chart.draw_series(std::iter::once(PathElement::new(
            vec![(xp, y0), (xp, y1)],
            BLACK.mix(0.55).stroke_width(1),
        )))?;
        let at = (xp, y0 + (y1 - y0) * (0.04 + 0.07 * i as f64));
        chart.draw_series(std::iter::once(
            EmptyElement::at(at)
                + Text::new(
                    text.clone(),
                    (4, -14),
                    ("sans-serif", 13).into_font().color(&BLACK.mix(0.75)),
                ),
        ))?;
    }
    Ok(())
}

/// The measured speedups: error bars, the line through the medians and a dot per count.
fn draw_points(
    chart: &mut LogPanel<'_, '_>,
    spots: &[Spot],
    x_axis: Log2Axis,
    y_axis: Log2Axis,
) -> DrawResult<()> {
    let style = BLUE.stroke_width(1);
    for s in spots {
        let x = x_axis.pos(s.w);
        let (lo, hi) = (y_axis.pos(s.ci.lo.min(s.s)), y_axis.pos(s.ci.hi.max(s.s)));
        chart.draw_series(std::iter::once(PathElement::new(
            vec![(x, lo), (x, hi)],
            style,
        )))?;
    }
    let at = |s: &Spot| (x_axis.pos(s.w), y_axis.pos(s.s));
    chart.draw_series(LineSeries::new(spots.iter().map(at), BLUE.stroke_width(2)))?;
    chart
        .draw_series(spots.iter().map(|s| Circle::new(at(s), 4, BLUE.filled())))?
        .label("measured speedup (median, 95% CI)")
        .legend(|(x, y)| Rectangle::new([(x, y - 3), (x + 16, y + 3)], BLUE.filled()));
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::model::RunRecord;

    /// The simulated 192-CPU fixture (96 cores x 2 threads, 20 counts up to 768 workers), with
    /// its summaries and analysis computed as `plateau analyze` computes them.
    fn xlarge() -> RunRecord {
        let text = include_str!("../../tests/fixtures/xlarge-192cpu-simulated.json");
        let mut r = crate::model::json::parse(text, std::path::Path::new("x")).unwrap();
        crate::summary::summarize_points(&mut r.points, r.config.tasks, r.config.seed);
        r.analysis = crate::analysis::analyze(&r, &Default::default());
        r
    }

    /// The circles' centres in drawing order: the throughput panel's, then the speedup panel's.
    fn circles(svg: &str) -> Vec<(f64, f64)> {
        let doc = roxmltree::Document::parse(svg).expect("valid XML");
        doc.descendants()
            .filter(|n| n.has_tag_name("circle"))
            .map(|n| {
                let at = |a| n.attribute(a).unwrap().parse::<f64>().unwrap();
                (at("cx"), at("cy"))
            })
            .collect()
    }

    /// The smallest vertical distance in pixels between neighbouring counts among the first
    /// `n` of a panel's points.
    fn tightest_step(points: &[(f64, f64)], n: usize) -> f64 {
        points[..n]
            .windows(2)
            .map(|w| (w[0].1 - w[1].1).abs())
            .fold(f64::INFINITY, f64::min)
    }

    #[test]
    fn at_192_cpus_the_counts_up_to_32_stay_legible_on_the_log_log_panel() {
        let r = xlarge();
        let svg = crate::render::chart::render(&r).unwrap();
        for caption in [
            "Throughput (tasks/s, median with 95% CI)",
            "Speedup over 1 worker (log-log: the diagonal is linear scaling)",
            "Wall time per batch (s, median with 95% CI)",
            "ideal: speedup = W",
            "96 physical cores",
            "192 effective CPUs",
        ] {
            assert!(svg.contains(caption), "{caption:?} missing");
        }
        let dots = circles(&svg);
        assert_eq!(
            dots.len(),
            2 * 20,
            "a dot per count in each of the two panels"
        );
        let (throughput, speedup) = dots.split_at(20);
        // The 10 counts from 1 to 32: each a clear step up on the log-log panel, while the
        // linear throughput axis packs the first of them within a few pixels.
        let below_32 = r.points.iter().filter(|p| p.workers <= 32).count();
        assert_eq!(below_32, 10);
        assert!(tightest_step(speedup, below_32) >= 12.0, "{speedup:?}");
        assert!(tightest_step(throughput, below_32) < 6.0, "{throughput:?}");
        // Every count left of the next on both panels (the shared log2 workers axis).
        for panel in [throughput, speedup] {
            assert!(panel.windows(2).all(|w| w[1].0 > w[0].0), "{panel:?}");
        }
        // The speedup ticks are the powers of two, up to one doubling over the highest
        // speedup (86x): 128 is a tick, 256 only of the workers axes (once each).
        let doc = roxmltree::Document::parse(&svg).unwrap();
        let labels: Vec<&str> = doc
            .descendants()
            .filter(|n| n.has_tag_name("text"))
            .filter_map(|n| n.text().map(str::trim))
            .collect();
        let times = |t: &str| labels.iter().filter(|&&l| l == t).count();
        assert_eq!(
            (times("128"), times("256"), times("512")),
            (4, 3, 3),
            "{labels:?}"
        );
    }

    #[test]
    fn without_a_one_worker_point_the_panel_says_why() {
        let mut r = xlarge();
        r.points.remove(0);
        let svg = crate::render::chart::render(&r).unwrap();
        assert!(svg.contains("No speedup panel: no 1-worker point to compare with."));
        assert_eq!(circles(&svg).len(), 19, "the throughput panel's dots only");
    }
}
