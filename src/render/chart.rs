//! chart.svg: two panels sharing the workers axis. Top: throughput with CI error bars, the
//! ideal line W x X(1), and labelled lines at the physical cores and effective CPUs (plus the
//! plateau band, oversubscribed region, USL curve and recommendation when analysed). Bottom:
//! wall time per batch with error bars (the top panel is drawn by `chart_throughput`). Pure:
//! record in, SVG text out.

use crate::model::RunRecord;
use crate::render::plot::{self, DrawResult, Panel, XAxis, axis_top, draw_mesh};
use crate::stats::Ci;
use plotters::coord::Shift;
use plotters::prelude::*;

const WIDTH: u32 = 1000;
const HEIGHT: u32 = 760;
pub(super) const BLUE: RGBColor = RGBColor(31, 102, 181);
pub(super) const GREY: RGBColor = RGBColor(120, 120, 120);
pub(super) const ORANGE: RGBColor = RGBColor(214, 110, 20);
pub(super) const GREEN: RGBColor = RGBColor(40, 150, 70);
pub(super) const RED: RGBColor = RGBColor(200, 50, 50);

/// Renders the chart of a run.
pub fn render(record: &RunRecord) -> anyhow::Result<String> {
    plot::svg((WIDTH, HEIGHT), "chart.svg", |root| draw(root, record))
}

/// One point's plotted values.
pub(super) struct Pt {
    pub(super) w: f64,
    pub(super) x: f64,
    /// The throughput's 95% CI.
    pub(super) x_ci: Ci,
    t: f64,
    /// The wall time's 95% CI.
    t_ci: Ci,
}

fn title(record: &RunRecord) -> String {
    let origin = record.config.origin();
    let m = &record.machine;
    let machine = if origin.machine_recorded() {
        format!("{} ({} effective CPUs)", m.cpu_brand, m.effective_cpus)
    } else {
        "machine not recorded".to_string()
    };
    if let Some(import) = origin.imported() {
        let batch = if import.tasks_known {
            format!("{} tasks per run", record.config.tasks)
        } else {
            import.unit.to_string()
        };
        return format!("{} (imported), {batch}, {machine}", record.run.label);
    }
    format!(
        "{} workload, {}, {machine}",
        origin.workload_name().unwrap_or("workload"),
        record.config.batch_words()
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
                x_ci: Ci::from_array(s.tasks_per_sec_ci95),
                t: s.median_s,
                t_ci: Ci::from_array(s.ci95_s),
            })
        })
        .collect();
    let max_w = pts.iter().map(|p| p.w as usize).max().unwrap_or(1);
    let axis = XAxis::new(max_w);
    super::chart_throughput::draw_throughput(&top, record, &pts, axis)?;
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

/// A panel over the shared workers axis, from 0 to `y_max`, with its caption.
pub(super) fn panel<'a, 'b>(
    area: &'a DrawingArea<SVGBackend<'b>, Shift>,
    caption: &str,
    axis: XAxis,
    y_max: f64,
) -> DrawResult<Panel<'a, 'b>> {
    ChartBuilder::on(area)
        .margin(12)
        .caption(caption, ("sans-serif", 16))
        .x_label_area_size(36)
        .y_label_area_size(70)
        .build_cartesian_2d(axis.coord(), 0.0..y_max)
}

/// A measured series as (workers, median, CI): its error bars and the line through it.
pub(super) fn draw_measured(
    chart: &mut Panel<'_, '_>,
    series: impl Iterator<Item = (f64, f64, Ci)> + Clone,
    axis: XAxis,
    color: RGBColor,
) -> DrawResult<()> {
    draw_error_bars(
        chart,
        series.clone().map(|(w, _, ci)| (axis.pos(w), ci)),
        color,
    )?;
    chart.draw_series(LineSeries::new(
        series.map(|(w, mid, _)| (axis.pos(w), mid)),
        color.stroke_width(2),
    ))?;
    Ok(())
}

/// Vertical bars from lo to hi with short caps, drawn as plain paths (no markers of their own).
fn draw_error_bars(
    chart: &mut Panel<'_, '_>,
    bars: impl Iterator<Item = (f64, Ci)>,
    color: RGBColor,
) -> DrawResult<()> {
    let style = color.stroke_width(1);
    for (x, Ci { lo, hi }) in bars {
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
            .map(|p| p.t_ci.hi.max(p.t))
            .chain(disturbed.iter().map(|d| d.1))
            .fold(0.0, f64::max),
    );
    let mut chart = panel(
        area,
        "Wall time per batch (s, median with 95% CI)",
        axis,
        y_max,
    )?;
    draw_mesh(&mut chart, axis, "seconds")?;
    draw_measured(
        &mut chart,
        pts.iter().map(|p| (p.w, p.t, p.t_ci)),
        axis,
        ORANGE,
    )?;
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
