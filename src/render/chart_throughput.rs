//! chart.svg's top panel: throughput with CI error bars, under the plateau band, the
//! oversubscribed region and the USL curve when analysed, the ideal line W x X(1), the labelled
//! machine limits, and the recommendation. Pure: drawn onto the area `chart` gives it.

use super::chart::{BLUE, GREEN, GREY, ORANGE, Pt, RED, draw_measured, panel};
use crate::analysis::Provenance;
use crate::model::{Analysis, RunRecord, UslFit};
use crate::render::plot::{DrawResult, Panel, XAxis, axis_top, draw_legend, draw_mesh};
use plotters::coord::Shift;
use plotters::prelude::*;

/// The top panel: throughput with its error bars, under the analysis's regions and fit, the
/// ideal line and the machine's limits, with the recommendation marked.
pub(super) fn draw_throughput<'a>(
    area: &DrawingArea<SVGBackend<'a>, Shift>,
    record: &RunRecord,
    pts: &[Pt],
    axis: XAxis,
) -> DrawResult<()> {
    let unit = Provenance::of(record).unit;
    let data_max = pts
        .iter()
        .map(|p| p.x_ci.map_or(p.x, |c| c.hi.max(p.x)))
        .fold(0.0, f64::max);
    // The ideal line is drawn up to twice the measured peak, so it shows the gap without
    // flattening the data on a 192-core axis.
    let y_max = axis_top(data_max);
    let caption = format!("Throughput ({unit}, median with 95% CI)");
    let mut chart = panel(area, &caption, axis, y_max)?;
    draw_mesh(&mut chart, axis, unit.as_str())?;
    let frame = Frame { pts, axis, y_max };
    if let Some(a) = &record.analysis {
        draw_regions(&mut chart, a, frame)?;
        if let Some(u) = &a.usl {
            draw_usl(&mut chart, u, frame)?;
        }
    }
    if let Some(x1) = pts.iter().find(|p| p.w == 1.0).map(|p| p.x) {
        draw_ideal(&mut chart, x1, frame)?;
    }
    draw_limits(&mut chart, &machine_limits(record), frame)?;
    draw_measured(
        &mut chart,
        pts.iter().map(|p| (p.w, p.x, p.x_ci)),
        axis,
        BLUE,
    )?;
    chart
        .draw_series(
            pts.iter()
                .map(|p| Circle::new((axis.pos(p.w), p.x), 4, BLUE.filled())),
        )?
        .label("measured (median, 95% CI)")
        .legend(|(x, y)| Rectangle::new([(x, y - 3), (x + 16, y + 3)], BLUE.filled()));
    if let Some(a) = &record.analysis {
        draw_recommended(&mut chart, a.recommended_workers, pts, axis)?;
    }
    draw_legend(&mut chart)
}

/// What the marks are drawn against: the points, the workers axis and the panel's top.
#[derive(Clone, Copy)]
struct Frame<'p> {
    pts: &'p [Pt],
    axis: XAxis,
    y_max: f64,
}

/// Where the oversubscribed region starts: halfway from the last count measured before it
/// (where between the two it turns is not known, and a sliver at one point is invisible).
fn oversubscribed_start(from: usize, pts: &[Pt], axis: XAxis) -> f64 {
    pts.iter()
        .map(|p| p.w)
        .filter(|&w| w < from as f64)
        .fold(None, |_, w| Some(w))
        .map(|prev| (axis.pos(prev) + axis.pos(from as f64)) / 2.0)
        .unwrap_or(axis.pos(from as f64) - 0.15)
}

/// The plateau band and the oversubscribed region, each in the legend.
fn draw_regions<'a, 'b: 'a>(
    chart: &mut Panel<'a, 'b>,
    a: &Analysis,
    frame: Frame<'_>,
) -> DrawResult<()> {
    let Frame { pts, axis, y_max } = frame;
    let end = axis.range().end;
    let over_start = a
        .oversubscribed_from
        .map(|from| oversubscribed_start(from, pts, axis));
    let (from, to) = (a.plateau.from_workers, a.plateau.to_workers);
    let lo = axis.pos(from as f64) - 0.15;
    // Where the two overlap, the red region is drawn alone: mixed tints read as neither.
    let hi = (axis.pos(to as f64) + 0.15).min(over_start.unwrap_or(end));
    chart
        .draw_series(std::iter::once(Rectangle::new(
            [(lo, 0.0), (hi.max(lo), y_max)],
            GREEN.mix(0.12).filled(),
        )))?
        .label(if from == to {
            format!("plateau ({from} workers)")
        } else {
            format!("plateau ({from}-{to} workers)")
        })
        .legend(|(x, y)| Rectangle::new([(x, y - 5), (x + 16, y + 5)], GREEN.mix(0.3).filled()));
    if let (Some(from), Some(start)) = (a.oversubscribed_from, over_start) {
        chart
            .draw_series(std::iter::once(Rectangle::new(
                [(start, 0.0), (end, y_max)],
                RED.mix(0.1).filled(),
            )))?
            .label(format!("oversubscribed (from {from} workers)"))
            .legend(|(x, y)| Rectangle::new([(x, y - 5), (x + 16, y + 5)], RED.mix(0.3).filled()));
    }
    Ok(())
}

/// The USL curve from 1 to the largest count, clipped at the panel's top.
fn draw_usl<'a, 'b: 'a>(chart: &mut Panel<'a, 'b>, u: &UslFit, frame: Frame<'_>) -> DrawResult<()> {
    let Frame { pts, axis, y_max } = frame;
    let n = 120;
    let curve = (0..=n).map(|i| {
        let w = 1.0 + (max_of(pts) - 1.0) * i as f64 / n as f64;
        let x = u.lambda * w / (1.0 + u.sigma * (w - 1.0) + u.kappa * w * (w - 1.0));
        (axis.pos(w), x.min(y_max))
    });
    chart
        .draw_series(LineSeries::new(curve, ORANGE.stroke_width(2)))?
        .label(format!(
            "USL fit (sigma {:.3}, kappa {:.4})",
            u.sigma, u.kappa
        ))
        .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 16, y)], ORANGE.stroke_width(2)));
    Ok(())
}

/// The ideal line W x X(1), up to where it leaves the panel: a line clipped flat at the top
/// would read as a plateau of its own.
fn draw_ideal<'a, 'b: 'a>(chart: &mut Panel<'a, 'b>, x1: f64, frame: Frame<'_>) -> DrawResult<()> {
    let Frame { pts, axis, y_max } = frame;
    let ideal_top = (y_max / x1).max(1.0);
    let mut ideal: Vec<(f64, f64)> = pts
        .iter()
        .map(|p| p.w)
        .filter(|&w| w <= ideal_top)
        .map(|w| (axis.pos(w), w * x1))
        .collect();
    if pts.iter().any(|p| p.w > ideal_top) {
        ideal.push((axis.pos(ideal_top), y_max));
    }
    chart
        .draw_series(DashedLineSeries::new(ideal, 6, 4, GREY.stroke_width(1)))?
        .label("ideal: W x throughput(1)")
        .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 16, y)], GREY));
    Ok(())
}

/// The machine's limits as (workers, label), so a reader of the picture alone can say why it
/// plateaus; none for imported data without a machine, whose analysing machine would mislead.
pub(super) fn machine_limits(record: &RunRecord) -> Vec<(usize, String)> {
    let m = &record.machine;
    if !Provenance::of(record).machine_recorded {
        return Vec::new();
    }
    if m.effective_cpus == m.physical_cores {
        return vec![(
            m.physical_cores,
            format!("{} physical cores = effective CPUs", m.physical_cores),
        )];
    }
    vec![
        (
            m.physical_cores,
            format!("{} physical cores", m.physical_cores),
        ),
        (
            m.effective_cpus,
            format!("{} effective CPUs", m.effective_cpus),
        ),
    ]
}

/// Each limit as a vertical line with its label, stacked down from the top.
fn draw_limits(
    chart: &mut Panel<'_, '_>,
    limits: &[(usize, String)],
    frame: Frame<'_>,
) -> DrawResult<()> {
    let Frame { axis, y_max, .. } = frame;
    for (i, (w, text)) in limits.iter().enumerate() {
        let xp = axis.pos(*w as f64);
        if xp > axis.range().end {
            continue;
        }
        chart.draw_series(std::iter::once(PathElement::new(
            vec![(xp, 0.0), (xp, y_max)],
            BLACK.mix(0.55).stroke_width(1),
        )))?;
        chart.draw_series(std::iter::once(Text::new(
            text.clone(),
            (xp, y_max * (0.97 - 0.06 * i as f64)),
            ("sans-serif", 13).into_font().color(&BLACK.mix(0.75)),
        )))?;
    }
    Ok(())
}

/// The recommended count's marker and label, when it was measured.
fn draw_recommended(
    chart: &mut Panel<'_, '_>,
    recommended: usize,
    pts: &[Pt],
    axis: XAxis,
) -> DrawResult<()> {
    let Some(p) = pts.iter().find(|p| p.w as usize == recommended) else {
        return Ok(());
    };
    let at = (axis.pos(p.w), p.x);
    chart.draw_series(std::iter::once(TriangleMarker::new(at, 9, GREEN.filled())))?;
    // Below and to the right of the marker, clear of the measured line through it.
    chart.draw_series(std::iter::once(
        EmptyElement::at(at)
            + Text::new(
                format!("recommended: {recommended} workers"),
                (10, 12),
                ("sans-serif", 14).into_font().color(&GREEN),
            ),
    ))?;
    Ok(())
}

fn max_of(pts: &[Pt]) -> f64 {
    pts.iter().map(|p| p.w).fold(1.0, f64::max)
}
