//! Where a report's numbers came from, in words. A run says its workload, batch and machine;
//! imported measurements say which files they came from and what those files did not record
//! (the machine, the tasks per batch, the wall times), and never borrow the identity of the
//! machine that ran the analysis. Pure.

use crate::model::{ImportFormat, RunRecord};
use crate::render::facts::workload_text;

/// True when the record's wall times were measured (false for imports that gave throughput
/// only, whose "times" would be computed from throughput).
pub fn has_wall_times(record: &RunRecord) -> bool {
    record.config.origin().has_wall_times()
}

/// The line under a report's title.
pub fn subtitle(record: &RunRecord) -> String {
    let origin = record.config.origin();
    let Some(import) = origin.imported() else {
        return format!(
            "{}, {}, on {}",
            workload_text(&record.config.workload),
            record.config.batch_words(),
            record.machine.cpu_brand
        );
    };
    let formats: Vec<&str> = import.formats.iter().map(ImportFormat::words).collect();
    let mut unknown = Vec::new();
    if !import.machine_recorded {
        unknown.push("the machine it ran on".to_string());
    }
    if !import.tasks_known {
        unknown.push("the tasks per batch".to_string());
    }
    if !import.wall_times {
        unknown.push("the wall times (it gave throughput only)".to_string());
    }
    let from = if import.sources.is_empty() {
        "Measurements imported from elsewhere".to_string()
    } else {
        format!(
            "Measurements imported from {} ({})",
            import.sources.join(", "),
            formats.join(", ")
        )
    };
    let batch = if import.tasks_known {
        format!(", {} tasks per run", record.config.tasks)
    } else {
        String::new()
    };
    if unknown.is_empty() {
        format!("{from}{batch}")
    } else {
        format!(
            "{from}{batch}. Not recorded in the input: {}",
            crate::analysis::verdict_noise::join(&unknown)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_import_names_its_source_and_what_it_lacks() {
        let mut r = crate::testdata::record_from_throughput(&[1, 2], &[1.0, 2.0], 2);
        r.machine.cpu_brand = "AMD EPYC".into();
        r.config.workload = serde_json::json!({
            "name": "imported", "formats": ["csv"], "sources": ["t.csv"], "unit": "tasks/s",
            "tasks_known": false, "machine_recorded": false, "wall_times": false
        });
        let s = subtitle(&r);
        assert!(
            s.starts_with("Measurements imported from t.csv (CSV). Not recorded"),
            "{s}"
        );
        assert!(s.contains("the machine it ran on"), "{s}");
        assert!(s.contains("the wall times"), "{s}");
        assert!(!s.contains("EPYC") && !s.contains("formats ["), "{s}");
        assert!(!has_wall_times(&r));
    }
}
