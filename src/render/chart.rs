//! chart.svg: two panels sharing the workers axis. Top: throughput with CI error bars, the
//! ideal line W x X(1), and labelled lines at the physical cores and effective CPUs (plus the
//! plateau band, oversubscribed region, USL curve and recommendation when analysed). Bottom:
//! wall time per batch with error bars. Pure: record in, SVG text out.

use crate::analysis::Provenance;
use crate::model::RunRecord;
use crate::render::plot::{self, DrawResult, Panel, XAxis, axis_top, draw_legend, draw_mesh};
use plotters::coord::Shift;
use plotters::prelude::*;

const WIDTH: u32 = 1000;
const HEIGHT: u32 = 760;
const BLUE: RGBColor = RGBColor(31, 102, 181);
const GREY: RGBColor = RGBColor(120, 120, 120);
const ORANGE: RGBColor = RGBColor(214, 110, 20);
const GREEN: RGBColor = RGBColor(40, 150, 70);
const RED: RGBColor = RGBColor(200, 50, 50);

/// Renders the chart of a run.
pub fn render(record: &RunRecord) -> anyhow::Result<String> {
    plot::svg((WIDTH, HEIGHT), "chart.svg", |root| draw(root, record))
}

/// One point's plotted values.
struct Pt {
    w: f64,
    x: f64,
    x_lo: f64,
    x_hi: f64,
    t: f64,
    t_lo: f64,
    t_hi: f64,
}

fn title(record: &RunRecord) -> String {
    let wl = record
        .config
        .workload
        .get("name")
        .and_then(|v| v.as_str())
        .unwrap_or("workload");
    let m = &record.machine;
    let prov = Provenance::of(record);
    let machine = if prov.machine_recorded {
        format!("{} ({} effective CPUs)", m.cpu_brand, m.effective_cpus)
    } else {
        "machine not recorded".to_string()
    };
    if wl == "imported" {
        let batch = if prov.tasks_known {
            format!("{} tasks per run", record.config.tasks)
        } else {
            prov.unit.clone()
        };
        return format!("{} (imported), {batch}, {machine}", record.run.label);
    }
    format!(
        "{wl} workload, {} tasks per batch, {machine}",
        record.config.tasks
    )
}

fn draw<'a>(root: &DrawingArea<SVGBackend<'a>, Shift>, record: &RunRecord) -> DrawResult<()> {
    root.fill(&WHITE)?;
    let root = root.titled(&title(record), ("sans-serif", 20))?;
    let (top, bottom) = root.split_vertically(440);
    let pts: Vec<Pt> = record
        .points
        .iter()
        .filter_map(|p| {
            p.summary.as_ref().map(|s| Pt {
                w: p.workers as f64,
                x: s.tasks_per_sec,
                x_lo: s.tasks_per_sec_ci95[0],
                x_hi: s.tasks_per_sec_ci95[1],
                t: s.median_s,
                t_lo: s.ci95_s[0],
                t_hi: s.ci95_s[1],
            })
        })
        .collect();
    let max_w = pts.iter().map(|p| p.w as usize).max().unwrap_or(1);
    let axis = XAxis::new(max_w);
    draw_throughput(&top, record, &pts, axis)?;
    if super::provenance_text::has_wall_times(record) {
        draw_wall(&bottom, &pts, axis, &disturbed(record))?;
    } else {
        // Times computed from throughput alone would show nothing the top panel does not.
        bottom.draw(&Text::new(
            "No wall times: the input gave throughput only.",
            (80, 40),
            ("sans-serif", 16),
        ))?;
    }
    Ok(())
}

fn draw_throughput<'a>(
    area: &DrawingArea<SVGBackend<'a>, Shift>,
    record: &RunRecord,
    pts: &[Pt],
    axis: XAxis,
) -> DrawResult<()> {
    let m = &record.machine;
    let unit = Provenance::of(record).unit;
    let x1 = pts.iter().find(|p| p.w == 1.0).map(|p| p.x);
    let data_max = pts.iter().map(|p| p.x_hi.max(p.x)).fold(0.0, f64::max);
    // The ideal line is drawn up to twice the measured peak, so it shows the gap without
    // flattening the data on a 192-core axis.
    let y_max = axis_top(data_max);
    let mut chart = ChartBuilder::on(area)
        .margin(12)
        .caption(
            format!("Throughput ({unit}, median with 95% CI)"),
            ("sans-serif", 16),
        )
        .x_label_area_size(36)
        .y_label_area_size(70)
        .build_cartesian_2d(axis.coord(), 0.0..y_max)?;
    draw_mesh(&mut chart, axis, &unit)?;

    if let Some(a) = &record.analysis {
        let end = axis.range().end;
        // The oversubscribed region starts halfway from the last count measured before it:
        // where between the two it turns is not known, and a sliver at one point is invisible.
        let over_start = a.oversubscribed_from.map(|from| {
            pts.iter()
                .map(|p| p.w)
                .filter(|&w| w < from as f64)
                .fold(None, |_, w| Some(w))
                .map(|prev| (axis.pos(prev) + axis.pos(from as f64)) / 2.0)
                .unwrap_or(axis.pos(from as f64) - 0.15)
        });
        let lo = axis.pos(a.plateau.from_workers as f64) - 0.15;
        // Where the two overlap, the red region is drawn alone: mixed tints read as neither.
        let hi = (axis.pos(a.plateau.to_workers as f64) + 0.15).min(over_start.unwrap_or(end));
        chart
            .draw_series(std::iter::once(Rectangle::new(
                [(lo, 0.0), (hi.max(lo), y_max)],
                GREEN.mix(0.12).filled(),
            )))?
            .label(if a.plateau.from_workers == a.plateau.to_workers {
                format!("plateau ({} workers)", a.plateau.from_workers)
            } else {
                format!(
                    "plateau ({}-{} workers)",
                    a.plateau.from_workers, a.plateau.to_workers
                )
            })
            .legend(|(x, y)| {
                Rectangle::new([(x, y - 5), (x + 16, y + 5)], GREEN.mix(0.3).filled())
            });
        if let (Some(from), Some(start)) = (a.oversubscribed_from, over_start) {
            chart
                .draw_series(std::iter::once(Rectangle::new(
                    [(start, 0.0), (end, y_max)],
                    RED.mix(0.1).filled(),
                )))?
                .label(format!("oversubscribed (from {from} workers)"))
                .legend(|(x, y)| {
                    Rectangle::new([(x, y - 5), (x + 16, y + 5)], RED.mix(0.3).filled())
                });
        }
        if let Some(u) = &a.usl {
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
                .legend(|(x, y)| {
                    PathElement::new(vec![(x, y), (x + 16, y)], ORANGE.stroke_width(2))
                });
        }
    }

    if let Some(x1) = x1 {
        // Up to where W x X(1) leaves the panel; a line clipped flat at the top would read as a
        // plateau of its own.
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
    }

    // Machine limits, each labelled, so a reader of the picture alone can say why it plateaus.
    let mut limits: Vec<(usize, String)> = vec![(
        m.physical_cores,
        format!("{} physical cores", m.physical_cores),
    )];
    if m.effective_cpus == m.physical_cores {
        limits[0].1 = format!("{} physical cores = effective CPUs", m.physical_cores);
    } else {
        limits.push((
            m.effective_cpus,
            format!("{} effective CPUs", m.effective_cpus),
        ));
    }
    if !Provenance::of(record).machine_recorded {
        // Imported data without a machine: the analysing machine's cores would mislead.
        limits.clear();
    }
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

    draw_error_bars(
        &mut chart,
        pts.iter().map(|p| (axis.pos(p.w), p.x_lo, p.x_hi)),
        BLUE,
    )?;
    chart.draw_series(LineSeries::new(
        pts.iter().map(|p| (axis.pos(p.w), p.x)),
        BLUE.stroke_width(2),
    ))?;
    chart
        .draw_series(
            pts.iter()
                .map(|p| Circle::new((axis.pos(p.w), p.x), 4, BLUE.filled())),
        )?
        .label("measured (median, 95% CI)")
        .legend(|(x, y)| Rectangle::new([(x, y - 3), (x + 16, y + 3)], BLUE.filled()));

    if let Some(a) = &record.analysis {
        if let Some(p) = pts.iter().find(|p| p.w as usize == a.recommended_workers) {
            let at = (axis.pos(p.w), p.x);
            chart.draw_series(std::iter::once(TriangleMarker::new(at, 9, GREEN.filled())))?;
            // Below and to the right of the marker, clear of the measured line through it.
            chart.draw_series(std::iter::once(
                EmptyElement::at(at)
                    + Text::new(
                        format!("recommended: {} workers", a.recommended_workers),
                        (10, 12),
                        ("sans-serif", 14).into_font().color(&GREEN),
                    ),
            ))?;
        }
    }

    draw_legend(&mut chart)
}

/// Vertical bars from lo to hi with short caps, drawn as plain paths (no markers of their own).
fn draw_error_bars(
    chart: &mut Panel<'_, '_>,
    bars: impl Iterator<Item = (f64, f64, f64)>,
    color: RGBColor,
) -> DrawResult<()> {
    let style = color.stroke_width(1);
    for (x, lo, hi) in bars {
        chart.draw_series(std::iter::once(PathElement::new(
            vec![(x, lo), (x, hi)],
            style,
        )))?;
        for y in [lo, hi] {
            chart.draw_series(std::iter::once(
                EmptyElement::at((x, y)) + PathElement::new(vec![(-5, 0), (5, 0)], style),
            ))?;
        }
    }
    Ok(())
}

fn max_of(pts: &[Pt]) -> f64 {
    pts.iter().map(|p| p.w).fold(1.0, f64::max)
}

/// Every disturbed batch as (workers, wall seconds).
fn disturbed(record: &RunRecord) -> Vec<(f64, f64)> {
    record
        .points
        .iter()
        .flat_map(|p| {
            p.samples
                .iter()
                .filter(|s| s.disturbed && s.wall_s.is_finite() && s.wall_s > 0.0)
                .map(move |s| (p.workers as f64, s.wall_s))
        })
        .collect()
}

fn draw_wall<'a>(
    area: &DrawingArea<SVGBackend<'a>, Shift>,
    pts: &[Pt],
    axis: XAxis,
    disturbed: &[(f64, f64)],
) -> DrawResult<()> {
    let y_max = axis_top(
        pts.iter()
            .map(|p| p.t_hi.max(p.t))
            .chain(disturbed.iter().map(|d| d.1))
            .fold(0.0, f64::max),
    );
    let mut chart = ChartBuilder::on(area)
        .margin(12)
        .caption(
            "Wall time per batch (s, median with 95% CI)",
            ("sans-serif", 16),
        )
        .x_label_area_size(36)
        .y_label_area_size(70)
        .build_cartesian_2d(axis.coord(), 0.0..y_max)?;
    draw_mesh(&mut chart, axis, "seconds")?;
    draw_error_bars(
        &mut chart,
        pts.iter().map(|p| (axis.pos(p.w), p.t_lo, p.t_hi)),
        ORANGE,
    )?;
    chart.draw_series(LineSeries::new(
        pts.iter().map(|p| (axis.pos(p.w), p.t)),
        ORANGE.stroke_width(2),
    ))?;
    // Squares, not circles: the throughput panel's circles are one per worker count.
    chart.draw_series(pts.iter().map(|p| {
        let (x, y) = (axis.pos(p.w), p.t);
        EmptyElement::at((x, y)) + Rectangle::new([(-4, -4), (4, 4)], ORANGE.filled())
    }))?;
    if !disturbed.is_empty() {
        // Disturbed batches, left out of the medians: red crosses, each one batch.
        chart
            .draw_series(
                disturbed
                    .iter()
                    .map(|&(w, t)| Cross::new((axis.pos(w), t), 5, RED.stroke_width(2))),
            )?
            .label(format!("disturbed batch ({}; left out)", disturbed.len()))
            .legend(|(x, y)| Cross::new((x + 8, y), 5, RED.stroke_width(2)));
        chart
            .configure_series_labels()
            .background_style(WHITE.mix(0.8))
            .border_style(BLACK)
            .draw()?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extreme_values_render_instead_of_hanging() {
        let text = include_str!("../../tests/fixtures/results-v1.json");
        let mut r = crate::model::json::parse(text, std::path::Path::new("x")).unwrap();
        let s = r.points[0].summary.as_mut().unwrap();
        s.tasks_per_sec = f64::MAX;
        s.tasks_per_sec_ci95 = [f64::MAX, f64::MAX];
        s.median_s = f64::MAX;
        s.ci95_s = [0.0, f64::MAX];
        assert!(render(&r).is_ok());
    }
}
