//! Where a record's numbers came from, read from `config.workload` in one place: a workload
//! plateau measured, or measurements `plateau analyze` imported from files (with their formats,
//! sources, unit and what those files did not record). The workload's JSON keeps its layout;
//! `ImportedFrom::to_workload` writes it and `Origin::of` reads it.

use super::named::named_enum;
use serde_json::{Value, json};

/// The workload name an import records.
const IMPORTED: &str = "imported";

/// Where a record's numbers came from.
#[derive(Debug, Clone, PartialEq)]
pub enum Origin {
    /// Measured by `plateau run`: the workload's name ("cpu", "io", "command", ...), or None
    /// when the record names none.
    Measured {
        /// The workload's `name`.
        name: Option<String>,
    },
    /// Imported by `plateau analyze` from other tools' files.
    Imported(ImportedFrom),
}

/// What an import recorded about its files.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportedFrom {
    /// The formats of the files, in file order without adjacent repeats.
    pub formats: Vec<ImportFormat>,
    /// The files, as given.
    pub sources: Vec<String>,
    /// The unit of the throughput (tasks/s when the record does not say).
    pub unit: ThroughputUnit,
    /// False when `config.tasks` is not the real number of tasks per batch.
    pub tasks_known: bool,
    /// False when the files gave throughput only, so the "wall times" are computed from it.
    pub wall_times: bool,
    /// False when the machine fields describe the analysing machine, not the measuring one.
    pub machine_recorded: bool,
}

/// What an import sampled down (see `import::aggregate`): the rows read in all, and the most
/// kept per worker count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sampled {
    /// Rows read in all, over the files too large to keep whole.
    pub rows: u64,
    /// The most rows kept per worker count.
    pub kept_per_worker_count: u64,
}

impl Sampled {
    /// Read from `config.workload.aggregated`; None when no file was sampled.
    pub fn of(workload: &Value) -> Option<Sampled> {
        let files = workload.get("aggregated")?.as_array()?;
        let rows = files
            .iter()
            .filter_map(|f| f.get("rows").and_then(Value::as_u64))
            .sum();
        let kept_per_worker_count = files
            .iter()
            .find_map(|f| f.get("kept_per_worker_count").and_then(Value::as_u64))?;
        Some(Sampled {
            rows,
            kept_per_worker_count,
        })
    }
}

named_enum! {
    /// The format of an imported file. A name this build does not know reads as `Other` and
    /// is shown as written.
    pub enum ImportFormat {
        /// A CSV with a `workers` column.
        Csv => "csv",
        /// hyperfine `--export-json` output.
        Hyperfine => "hyperfine",
        /// A plateau results.json.
        Results => "results.json",
    }
}

named_enum! {
    /// The unit of a throughput. A name this build does not know reads as `Other` and is shown
    /// as written; it counts as tasks per second.
    pub enum ThroughputUnit {
        /// Tasks per second.
        TasksPerSec => "tasks/s",
        /// Runs per second: seconds per run with no task count to scale them by.
        RunsPerSec => "runs/s",
    }
}

impl ImportFormat {
    /// The format in words, for the report's subtitle ("hyperfine JSON").
    pub fn words(&self) -> &str {
        match self {
            ImportFormat::Csv => "CSV",
            ImportFormat::Hyperfine => "hyperfine JSON",
            other => other.as_str(),
        }
    }
}

impl Origin {
    /// The typed reading of a record's `config.workload`. Flags an import left out read as
    /// known (true), except `wall_times`, which an import always writes.
    pub fn of(workload: &Value) -> Self {
        let name = workload.get("name").and_then(Value::as_str);
        if name != Some(IMPORTED) {
            return Origin::Measured {
                name: name.map(String::from),
            };
        }
        let flag = |k: &str, default| workload.get(k).and_then(Value::as_bool).unwrap_or(default);
        let list = |k: &str| -> Vec<String> {
            let items = workload.get(k).and_then(Value::as_array);
            let names = items.into_iter().flatten().filter_map(Value::as_str);
            names.map(String::from).collect()
        };
        Origin::Imported(ImportedFrom {
            formats: list("formats")
                .into_iter()
                .map(ImportFormat::from)
                .collect(),
            sources: list("sources"),
            unit: workload
                .get("unit")
                .and_then(Value::as_str)
                .map_or(ThroughputUnit::TasksPerSec, ThroughputUnit::from),
            tasks_known: flag("tasks_known", true),
            wall_times: flag("wall_times", false),
            machine_recorded: flag("machine_recorded", true),
        })
    }

    /// The import, when the numbers were imported.
    pub fn imported(&self) -> Option<&ImportedFrom> {
        match self {
            Origin::Imported(i) => Some(i),
            Origin::Measured { .. } => None,
        }
    }

    /// The name of the measured workload; None for imports and for records that name none.
    pub fn workload_name(&self) -> Option<&str> {
        match self {
            Origin::Measured { name } => name.as_deref(),
            Origin::Imported(_) => None,
        }
    }

    /// False when the machine fields describe the analysing machine, not the measuring one.
    pub fn machine_recorded(&self) -> bool {
        self.imported().is_none_or(|i| i.machine_recorded)
    }

    /// False when `config.tasks` is not the real number of tasks per batch.
    pub fn tasks_known(&self) -> bool {
        self.imported().is_none_or(|i| i.tasks_known)
    }

    /// True when the wall times were measured (false for imports that gave throughput only).
    pub fn has_wall_times(&self) -> bool {
        self.imported().is_none_or(|i| i.wall_times)
    }

    /// The unit of the throughput: tasks/s, or what the import recorded.
    pub fn unit(&self) -> ThroughputUnit {
        self.imported()
            .map_or(ThroughputUnit::TasksPerSec, |i| i.unit.clone())
    }
}

impl ImportedFrom {
    /// `config.workload` of the import: its name, these fields, and `aggregated` (the files
    /// too large to keep whole, see `import::aggregate`) when there are any.
    pub fn to_workload(&self, aggregated: Vec<Value>) -> Value {
        let formats: Vec<&str> = self.formats.iter().map(ImportFormat::as_str).collect();
        let mut workload = json!({
            "name": IMPORTED,
            "formats": formats,
            "sources": self.sources,
            "unit": self.unit.as_str(),
            "tasks_known": self.tasks_known,
            "wall_times": self.wall_times,
            "machine_recorded": self.machine_recorded,
        });
        if !aggregated.is_empty() {
            workload["aggregated"] = aggregated.into();
        }
        workload
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::named::assert_round_trips;

    fn import() -> ImportedFrom {
        ImportedFrom {
            formats: vec![ImportFormat::Csv, ImportFormat::Hyperfine],
            sources: vec!["a.csv".into(), "b.json".into()],
            unit: ThroughputUnit::RunsPerSec,
            tasks_known: false,
            wall_times: true,
            machine_recorded: false,
        }
    }

    #[test]
    fn sampled_rows_are_summed_over_the_aggregated_files() {
        let w = import().to_workload(vec![
            json!({"rows": 3000, "kept_per_worker_count": 200, "source": "a.csv"}),
            json!({"rows": 500, "kept_per_worker_count": 200, "source": "b.json"}),
        ]);
        assert_eq!(
            Sampled::of(&w),
            Some(Sampled {
                rows: 3500,
                kept_per_worker_count: 200
            })
        );
        assert_eq!(Sampled::of(&import().to_workload(Vec::new())), None);
    }

    #[test]
    fn format_and_unit_names_round_trip() {
        assert_round_trips(
            ImportFormat::KNOWN,
            &["csv", "hyperfine", "results.json"],
            ImportFormat::Other,
        );
        assert_round_trips(
            ThroughputUnit::KNOWN,
            &["tasks/s", "runs/s"],
            ThroughputUnit::Other,
        );
        let words: Vec<&str> = ImportFormat::KNOWN.iter().map(|f| f.words()).collect();
        assert_eq!(words, ["CSV", "hyperfine JSON", "results.json"]);
    }

    #[test]
    fn an_import_reads_back_what_it_wrote() {
        let w = import().to_workload(vec![json!({"rows": 3})]);
        assert_eq!(
            w.to_string(),
            r#"{"aggregated":[{"rows":3}],"formats":["csv","hyperfine"],"machine_recorded":false,"name":"imported","sources":["a.csv","b.json"],"tasks_known":false,"unit":"runs/s","wall_times":true}"#
        );
        let o = Origin::of(&w);
        assert_eq!(o, Origin::Imported(import()));
        assert!(!o.machine_recorded() && !o.tasks_known() && o.has_wall_times());
        assert_eq!(o.unit(), ThroughputUnit::RunsPerSec);
        assert_eq!(o.workload_name(), None);
    }

    #[test]
    fn a_measured_workload_knows_everything_and_an_import_defaults_to_known() {
        let o = Origin::of(&json!({"name": "cpu", "iterations": 5}));
        assert_eq!(o.workload_name(), Some("cpu"));
        assert!(o.machine_recorded() && o.tasks_known() && o.has_wall_times());
        assert_eq!(o.unit(), ThroughputUnit::TasksPerSec);
        assert_eq!(Origin::of(&json!({})).workload_name(), None);
        let bare = Origin::of(&json!({"name": "imported"}));
        assert!(bare.machine_recorded() && bare.tasks_known() && !bare.has_wall_times());
        assert_eq!(bare.imported().unwrap().formats, vec![]);
    }
}
