//! The processes executor, like `multiprocessing.Pool`: W worker processes (this program
//! re-executed as the hidden `__worker` subcommand, its workload described in an environment
//! variable) speak the worker protocol (`exec::protocol`), the same one as a `--persistent`
//! command, and run on the same pool (`exec::worker_pool`): ready before the clock starts,
//! several task lines in flight each, chunks claimed per `--chunk` or adaptively. Workers check
//! their own tasks; the coordinator checks per-batch totals. Every path kills and reaps every
//! worker it started.

use super::pool_proc::Launch;
use super::protocol::{SETUP_ENV, WorkerSetup};
use super::worker_pool::{self, PoolOptions};
use super::{BatchError, BatchSpec, Executor};
use crate::model::Sample;
use crate::workload::SharedWorkload;
use std::path::PathBuf;
use std::time::Duration;

/// How long plateau's own worker may take to prepare its workload.
const READY_TIMEOUT: Duration = Duration::from_secs(120);

/// Runs each batch on a fresh pool of worker processes.
#[derive(Debug, Clone)]
pub struct ProcessesExecutor {
    program: PathBuf,
    /// Extra environment for the workers (tests use it for the worker's hooks).
    pub env: Vec<(String, String)>,
    /// The pids of the last batch's workers, kept for tests.
    #[cfg(any(test, feature = "testing"))]
    last_pids: Vec<u32>,
}

impl ProcessesExecutor {
    /// Workers run `program __worker` (`program` must be a plateau binary).
    pub fn new(program: PathBuf) -> Self {
        Self {
            program,
            env: vec![],
            #[cfg(any(test, feature = "testing"))]
            last_pids: vec![],
        }
    }

    /// Workers run this very program.
    pub fn current_exe() -> anyhow::Result<Self> {
        let exe = std::env::current_exe().map_err(|e| {
            anyhow::anyhow!("--mode processes re-runs plateau itself, but its path is unknown: {e}")
        })?;
        Ok(Self::new(exe))
    }

    /// The pids of the workers of the last batch (all reaped by the time a batch returns);
    /// builds with the `testing` feature only.
    #[cfg(any(test, feature = "testing"))]
    pub fn last_worker_pids(&self) -> &[u32] {
        &self.last_pids
    }

    /// Where a batch's worker pids go: kept for `last_worker_pids`.
    #[cfg(any(test, feature = "testing"))]
    fn pid_sink(&mut self) -> impl FnMut(&[u32]) + '_ {
        self.last_pids.clear();
        |pids| self.last_pids.extend_from_slice(pids)
    }

    /// Where a batch's worker pids go: nowhere, in a build without the `testing` feature.
    #[cfg(not(any(test, feature = "testing")))]
    fn pid_sink(&mut self) -> impl FnMut(&[u32]) + '_ {
        |_| {}
    }
}

impl Executor for ProcessesExecutor {
    fn run_batch(
        &mut self,
        spec: &BatchSpec,
        workload: &SharedWorkload,
    ) -> Result<Sample, BatchError> {
        let n = spec.workers.get();
        let setup = workload.worker_setup().map_err(BatchError::Setup)?;
        let program = self.program.to_string_lossy().into_owned();
        let launches: Vec<Launch> = (0..n)
            .map(|i| {
                let mut env = self.env.clone();
                let setup = WorkerSetup {
                    workload: setup.clone(),
                    worker: i,
                    workers: n,
                };
                env.push((SETUP_ENV.into(), setup.encode()));
                env.push(("PLATEAU_WORKER".into(), i.to_string()));
                Launch {
                    argv: vec![program.clone(), "__worker".into()],
                    env,
                    pin_cpu: spec.cpu_for(i),
                }
            })
            .collect();
        let opts = PoolOptions {
            ready_timeout: READY_TIMEOUT,
            task_timeout: None,
            keep_going: false,
            name: "plateau __worker".into(),
        };
        workload.begin_batch(spec.tasks);
        let sample = worker_pool::run_batch(&launches, &opts, spec, &mut self.pid_sink())
            // plateau's own worker failing to start is plateau's fault, not the user's input.
            .map_err(|e| match e {
                BatchError::BadWorker(m) => BatchError::Setup(m),
                e => e,
            })?;
        workload
            .end_batch(spec.tasks)
            .map_err(BatchError::BatchCheck)?;
        Ok(sample)
    }
}
