//! CSV measurements: a header with a `workers` column (or `threads`, `processes`, `jobs`) and
//! one of `throughput` / `tasks_per_sec` (higher is better) or `seconds` / `wall_s` (turned into
//! tasks/s with a `tasks` column or `--tasks`). Repeated rows of a worker count are repeated
//! samples; other columns are ignored; `#` starts a comment line; quoted fields work.

use super::{Format, Imported, Measurement, Unit, parse_positive, parse_workers};
use crate::error::usage;
use crate::model::Sample;
use std::num::NonZeroU64;
use std::path::Path;

const WORKERS: [&str; 4] = ["workers", "threads", "processes", "jobs"];
const THROUGHPUT: [&str; 2] = ["throughput", "tasks_per_sec"];
const SECONDS: [&str; 2] = ["seconds", "wall_s"];
const TASKS: &str = "tasks";

/// What the value column holds.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Value {
    Throughput(usize),
    Seconds(usize),
}

/// Where the columns plateau reads sit in the header.
struct Columns {
    /// Lower-cased header names.
    names: Vec<String>,
    workers: usize,
    value: Value,
    tasks: Option<usize>,
}

impl Columns {
    /// Finds the columns in `header`, or says which one is missing and what was found.
    fn find(header: Vec<String>, shown: &str) -> anyhow::Result<Self> {
        let find = |names: &[&str]| {
            names
                .iter()
                .find_map(|n| header.iter().position(|h| h == n))
        };
        let found = header.join(", ");
        let workers = find(&WORKERS).ok_or_else(|| {
            usage(format!(
                "{shown} has no `workers` column (found: {found}); the first line must be a header naming `workers` and `seconds` or `throughput`"
            ))
        })?;
        let value = match (find(&THROUGHPUT), find(&SECONDS)) {
            (Some(c), _) => Value::Throughput(c),
            (None, Some(c)) => Value::Seconds(c),
            (None, None) => {
                return Err(usage(format!(
                    "{shown} has no `throughput`, `tasks_per_sec` or `seconds` column (found: {found}); add one beside `workers`"
                )));
            }
        };
        let tasks = find(&[TASKS]);
        Ok(Self {
            names: header,
            workers,
            value,
            tasks,
        })
    }

    /// The value column's index and header name.
    fn value_column(&self) -> (usize, &str) {
        let c = match self.value {
            Value::Throughput(c) | Value::Seconds(c) => c,
        };
        (c, self.names[c].as_str())
    }
}

/// One row as read: its worker count, own task count (from a `tasks` column) and value.
struct Row {
    workers: usize,
    tasks: Option<u64>,
    value: f64,
}

/// Reads the fields plateau uses from one record, naming the file, line and column on error.
fn read_row(rec: &::csv::StringRecord, cols: &Columns, shown: &str) -> anyhow::Result<Row> {
    let line = rec.position().map(|p| p.line()).unwrap_or(0);
    let field = |c: usize| rec.get(c).unwrap_or("");
    let workers = parse_workers(field(cols.workers)).ok_or_else(|| {
        usage(format!(
            "{shown} line {line}: workers is `{}`; it must be a whole number of at least 1",
            field(cols.workers)
        ))
    })?;
    let tasks = match cols.tasks {
        Some(c) => Some(parse_workers(field(c)).map(|t| t as u64).ok_or_else(|| {
            usage(format!(
                "{shown} line {line}: tasks is `{}`; it must be a whole number of at least 1",
                field(c)
            ))
        })?),
        None => None,
    };
    let (col, name) = cols.value_column();
    let value = parse_positive(field(col)).ok_or_else(|| {
        usage(format!(
            "{shown} line {line}: {name} is `{}`; it must be a positive number",
            field(col)
        ))
    })?;
    Ok(Row {
        workers,
        tasks,
        value,
    })
}

/// A row as a measurement of the file's batch size (`file_tasks`, 1 when unknown). A seconds
/// row of another task count is converted through its own throughput.
fn to_measurement(row: &Row, value: Value, file_tasks: Option<u64>) -> Measurement {
    let row_tasks = row.tasks.or(file_tasks);
    let batch = file_tasks.unwrap_or(1) as f64;
    let v = row.value;
    let (x, wall_s) = match value {
        Value::Throughput(_) => (v, batch / v),
        Value::Seconds(_) => {
            let x = row_tasks.unwrap_or(1) as f64 / v;
            (
                x,
                if row_tasks == file_tasks {
                    v
                } else {
                    batch / x
                },
            )
        }
    };
    Measurement {
        workers: row.workers,
        tasks_per_sec: x,
        sample: Sample {
            wall_s,
            ..Sample::default()
        },
    }
}

/// Parses CSV text; `path` names the file in errors, `tasks` is `--tasks`.
pub fn from_text(text: &str, path: &Path, tasks: Option<NonZeroU64>) -> anyhow::Result<Imported> {
    let shown = path.display().to_string();
    let mut reader = ::csv::ReaderBuilder::new()
        .has_headers(true)
        .trim(::csv::Trim::All)
        .comment(Some(b'#'))
        .from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let header: Vec<String> = reader
        .headers()
        .map_err(|e| usage(format!("{shown}: cannot read the CSV header ({e})")))?
        .iter()
        .map(|h| h.trim().to_ascii_lowercase())
        .collect();
    let cols = Columns::find(header, &shown)?;
    let mut rows = Vec::new();
    // The `tasks` column wins over --tasks; the first row's count is the file's batch size.
    let mut file_tasks: Option<u64> = tasks.map(|t| t.get());
    for (i, rec) in reader.records().enumerate() {
        let rec = rec.map_err(|e| {
            let line = e.position().map(|p| p.line()).unwrap_or(0);
            usage(format!(
                "{shown} line {line}: {e}; every row needs the same columns as the header"
            ))
        })?;
        let row = read_row(&rec, &cols, &shown)?;
        if i == 0 && row.tasks.is_some() {
            file_tasks = row.tasks;
        }
        rows.push(to_measurement(&row, cols.value, file_tasks));
    }
    if rows.is_empty() {
        return Err(usage(format!(
            "{shown} has a header but no rows; add one row per measured run, e.g. `4,8.2`"
        )));
    }
    let unit = match cols.value {
        Value::Seconds(_) if file_tasks.is_none() => Unit::RunsPerSec,
        _ => Unit::TasksPerSec,
    };
    Ok(Imported {
        source: path.to_path_buf(),
        format: Format::Csv,
        unit,
        tasks: file_tasks,
        rows,
        record: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str, tasks: Option<u64>) -> anyhow::Result<Imported> {
        from_text(text, Path::new("t.csv"), tasks.and_then(NonZeroU64::new))
    }

    #[test]
    fn seconds_with_tasks_flag() {
        let i = parse("workers,seconds\n1,32.0\n2,16.1\n", Some(32)).unwrap();
        assert_eq!(i.unit, Unit::TasksPerSec);
        assert_eq!(i.tasks, Some(32));
        assert_eq!(i.rows[0].workers, 1);
        assert_eq!(i.rows[0].tasks_per_sec, 1.0);
        assert_eq!(i.rows[1].sample.wall_s, 16.1);
    }

    #[test]
    fn seconds_without_tasks_are_runs_per_second() {
        let i = parse("workers,seconds\n1,2.0\n", None).unwrap();
        assert_eq!(i.unit, Unit::RunsPerSec);
        assert_eq!(i.rows[0].tasks_per_sec, 0.5);
        assert_eq!(i.rows[0].sample.wall_s, 2.0);
    }

    #[test]
    fn throughput_extra_columns_comments_quotes_and_repeats() {
        let text = "# from my script\n\"label\",Workers,note,Throughput\nA,1,\"x, y\",10\nB,1,,11\nC,4,z,38.5\n";
        let i = parse(text, None).unwrap();
        assert_eq!(i.unit, Unit::TasksPerSec);
        assert_eq!(i.rows.len(), 3);
        assert_eq!(i.rows[1].workers, 1);
        assert_eq!(i.rows[2].tasks_per_sec, 38.5);
        assert!((i.rows[2].sample.wall_s - 1.0 / 38.5).abs() < 1e-15);
    }

    #[test]
    fn a_tasks_column_converts_each_row() {
        let i = parse("workers,tasks,seconds\n1,10,5\n2,20,5\n", Some(99)).unwrap();
        assert_eq!(i.tasks, Some(10), "the column wins over --tasks");
        assert_eq!(i.rows[0].tasks_per_sec, 2.0);
        assert_eq!(i.rows[1].tasks_per_sec, 4.0);
        // Row 2 did 20 tasks; its wall time is rescaled to the file's 10-task batch.
        assert!((i.rows[1].sample.wall_s - 2.5).abs() < 1e-12);
    }

    #[test]
    fn errors_name_the_file_the_line_and_the_fix() {
        let cases = [
            ("seconds\n1\n", "no `workers` column"),
            ("workers,x\n1,2\n", "no `throughput`"),
            ("workers,seconds\n", "no rows"),
            ("workers,seconds\n1,2\n0,3\n", "line 3: workers is `0`"),
            ("workers,seconds\n1,abc\n", "line 2: seconds is `abc`"),
            ("workers,seconds\n1,-4\n", "line 2: seconds is `-4`"),
            ("workers,seconds\n1,0\n", "line 2: seconds is `0`"),
            ("workers,seconds\n1,2,3\n", "line 2"),
            ("workers,tasks,seconds\n1,0,2\n", "line 2: tasks is `0`"),
        ];
        for (text, needle) in cases {
            let e = parse(text, None).unwrap_err();
            assert!(e.downcast_ref::<crate::error::UsageError>().is_some());
            let msg = e.to_string();
            assert!(
                msg.starts_with("t.csv") && msg.contains(needle),
                "{text:?}: {msg}"
            );
        }
    }
}
