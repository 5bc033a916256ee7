//! plateau: a worker-count benchmarking harness. It runs a workload across 1..N workers,
//! measures time and tasks/sec against the machine's cores, and reports where throughput
//! plateaus and how many workers to run.

pub mod analysis;
pub mod app;
pub mod cancel;
pub mod cli;
pub mod clock;
pub mod compare;
pub mod config;
pub mod decision;
pub mod error;
pub mod exec;
pub mod fleet;
pub mod fleet_value;
pub mod import;
pub mod input;
pub mod limits;
pub mod lock;
pub mod machine;
pub mod model;
pub mod numbers;
pub mod outdir;
pub mod plan;
pub mod render;
pub mod rng;
pub mod sizes;
pub mod stats;
pub mod summary;
pub mod sweep;
pub mod term;
#[cfg(any(test, feature = "testing"))]
#[doc(hidden)]
pub mod testdata;
pub mod units;
pub mod visible;
pub mod words;
pub mod worker_list;
pub mod workload;
