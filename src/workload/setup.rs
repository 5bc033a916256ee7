//! Rebuilding a workload inside a worker process from the JSON its coordinator sent
//! (`Workload::worker_setup`: the description plus anything process-specific).

use super::SharedWorkload;
use super::{
    contended::ContendedWorkload, cpu::CpuWorkload, io::IoWorkload, memory::MemoryWorkload,
    tiny::TinyWorkload,
};
use serde_json::Value;
use std::path::PathBuf;
use std::sync::Arc;

fn field(v: &Value, key: &str) -> Result<u64, String> {
    v.get(key)
        .and_then(Value::as_u64)
        .ok_or_else(|| format!("the workload setup has no whole number {key:?}: {v}"))
}

/// The workload a setup value describes. Every built-in workload round-trips:
/// `from_setup(&w.worker_setup())` does the same work as `w`.
pub fn from_setup(v: &Value) -> Result<SharedWorkload, String> {
    let name = v.get("name").and_then(Value::as_str).unwrap_or_default();
    Ok(match name {
        "cpu" => Arc::new(CpuWorkload::new(field(v, "iterations")?)),
        "tiny" => Arc::new(TinyWorkload::new(
            field(v, "work_ns")?,
            field(v, "iterations")?,
        )),
        "io" => Arc::new(IoWorkload::new(
            field(v, "io_ms")?,
            field(v, "cpu_iterations")?,
        )),
        "memory" => Arc::new(MemoryWorkload::new(field(v, "buffer_bytes")?)),
        "contended" => {
            let updates = field(v, "updates_per_task")?;
            match v.get("shared_file").and_then(Value::as_str) {
                Some(path) => Arc::new(ContendedWorkload::attached(updates, PathBuf::from(path))),
                None => Arc::new(ContendedWorkload::new(updates)),
            }
        }
        other => {
            return Err(format!(
                "no workload named {other:?} can run in a worker process"
            ));
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_builtin_workload_round_trips() {
        let all: Vec<SharedWorkload> = vec![
            Arc::new(CpuWorkload::new(100)),
            Arc::new(TinyWorkload::new(1000, 37)),
            Arc::new(IoWorkload::new(1, 50)),
            Arc::new(MemoryWorkload::new(4096)),
            Arc::new(ContendedWorkload::new(5)),
        ];
        for w in all {
            w.prepare().unwrap();
            let rebuilt = from_setup(&w.worker_setup().unwrap()).unwrap();
            assert_eq!(rebuilt.describe(), w.describe());
            rebuilt.prepare().unwrap();
            w.begin_batch(1);
            rebuilt.run_task(0).unwrap();
            w.end_batch(1).unwrap();
        }
    }

    #[test]
    fn unknown_or_incomplete_setups_are_errors() {
        assert!(from_setup(&serde_json::json!({"name": "nope"})).is_err());
        assert!(from_setup(&serde_json::json!({"name": "cpu"})).is_err());
        assert!(from_setup(&serde_json::json!(3)).is_err());
    }
}
