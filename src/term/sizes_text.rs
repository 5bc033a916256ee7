//! The terminal's view of a `--sizes` run: one row per size (and the reference instance) with
//! the recommended workers and their stability, throughput, throughput per vCPU, price and cost
//! per million tasks, the best value marked; then the verdict, the scaling by the reference,
//! and the line that is honest about emulation.

use crate::render::comparison::{Comparison, rows};
use crate::render::sizes_verdict::Scale;

/// The table and the sentences under it.
pub fn render(c: &Comparison, scale: Option<&Scale>) -> String {
    let head = [
        "size",
        "workers",
        "stability",
        "tasks/s",
        "per vCPU",
        "USD/hour",
        "USD/M tasks",
    ];
    let mut table: Vec<[String; 7]> = vec![head.map(String::from)];
    for r in rows(c) {
        let mark = match (r.best_value, r.fastest) {
            (true, true) => " (best value, fastest)",
            (true, false) => " (best value)",
            (false, true) => " (fastest)",
            _ => "",
        };
        table.push([
            format!("{}{mark}", r.label),
            r.workers,
            r.stability,
            r.tasks_per_sec,
            r.per_vcpu,
            r.price,
            r.cost,
        ]);
    }
    let widths: Vec<usize> = (0..7)
        .map(|i| {
            table
                .iter()
                .map(|row| row[i].chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    for row in &table {
        let cells: Vec<String> = row
            .iter()
            .zip(&widths)
            .enumerate()
            .map(|(i, (cell, w))| match i {
                0 => format!("{cell:<w$}"),
                _ => format!("{cell:>w$}"),
            })
            .collect();
        out.push_str(cells.join("  ").trim_end());
        out.push('\n');
    }
    out.push('\n');
    out.push_str(&crate::render::comparison::headline(c));
    out.push('\n');
    if let Some(s) = scale {
        out.push_str(&format!(
            "Scaled by {:.3}: the real instance {} does {:.3}x the work per vCPU of the emulated {}-vCPU size.\n",
            s.factor, s.reference, s.factor, s.vcpus
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{EmulatedShape, Emulation, EmulationMethod};
    use crate::render::comparison::{LoadedRun, compare};

    #[test]
    fn one_row_per_size_with_the_best_value_marked_and_the_verdict() {
        let run = |vcpus: f64, price: f64| {
            let mut record = crate::render::testdata::record_with_analysis();
            record.run.label = format!("{vcpus} vCPUs");
            record.run.price_per_hour = Some(price);
            record.machine.emulated = Some(Emulation {
                vcpus,
                shape: EmulatedShape::Threads,
                method: EmulationMethod::Affinity,
                fallback_reason: Some("test".into()),
                host_cpu_ids: vec![0, 1],
                host_logical_cpus: 2,
                host_physical_cores: 2,
                cpu_quota: None,
                memory_limit_bytes: None,
            });
            LoadedRun {
                source: format!("{vcpus}.json").into(),
                record,
            }
        };
        let c = compare(vec![run(1.0, 0.05), run(2.0, 0.10)], &[]).unwrap();
        let text = render(&c, None);
        let lines: Vec<&str> = text.lines().collect();
        assert!(
            lines[0].starts_with("size") && lines[0].contains("per vCPU"),
            "{text}"
        );
        assert!(
            lines[1].starts_with("1 vCPUs (best value, fastest)"),
            "{text}"
        );
        assert!(lines[2].starts_with("2 vCPUs "), "{text}");
        assert!(
            text.contains("Best value: 1 vCPUs with 2 workers"),
            "{text}"
        );
        assert!(text.contains("The sizes are emulated"), "{text}");
    }
}
