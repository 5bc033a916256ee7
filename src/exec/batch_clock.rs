//! The one batch clock every executor uses: started at the release of the workers (the cgroup's
//! throttling counters read first, then the executor's own reading, then the clock, so neither
//! read's CPU time falls inside the batch), and finished into a `Sample` from the last task's
//! end and the workers' usage over the timed part.

use super::rusage::{self, Usage, Who};
use super::throttle::{self, CpuStat};
use crate::model::Sample;
use std::time::{Duration, Instant};

/// A batch's clock, running from the release of its workers.
#[derive(Debug, Clone, Copy)]
pub struct BatchClock {
    /// When the first worker was started (start-up runs from here to `at`).
    spawn_start: Instant,
    /// The start of the batch's clock: the workers' release.
    at: Instant,
    /// The cgroup's throttling counters just before the clock started.
    throttled: Option<CpuStat>,
}

impl BatchClock {
    /// Starts the clock of a batch whose first worker was started at `spawn_start`: reads the
    /// throttling counters, runs `before` (the executor's own reading, returned beside the
    /// clock), then reads the clock. The caller releases its workers right after.
    pub fn start<T>(spawn_start: Instant, before: impl FnOnce() -> T) -> (Self, T) {
        let throttled = throttle::read();
        let read = before();
        let at = Instant::now();
        (
            Self {
                spawn_start,
                at,
                throttled,
            },
            read,
        )
    }

    /// When the clock started.
    pub fn at(&self) -> Instant {
        self.at
    }

    /// Start-up: from the first spawn to the release.
    pub fn startup(&self) -> Duration {
        self.at.saturating_duration_since(self.spawn_start)
    }

    /// The batch's sample: wall time from the release to `last` (the end of the last task;
    /// none ran: zero), the workers' CPU time and context switches over the timed part
    /// (`workers`), this process's peak RSS, and the throttling since the start, read now.
    pub fn finish(self, last: Option<Instant>, workers: &Usage) -> Sample {
        let throttled_after = throttle::read();
        let wall = last.unwrap_or(self.at).saturating_duration_since(self.at);
        let mut sample = Sample {
            wall_s: wall.as_secs_f64(),
            startup_s: self.startup().as_secs_f64(),
            user_s: workers.user_s,
            sys_s: workers.sys_s,
            voluntary_ctx_switches: workers.nvcsw,
            involuntary_ctx_switches: workers.nivcsw,
            peak_rss_bytes: rusage::read(Who::SelfProcess).maxrss_bytes,
            ..Sample::default()
        };
        throttle::fill_delta(&mut sample, self.throttled, throttled_after);
        sample
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sample_runs_from_the_release_to_the_last_task() {
        let spawn = Instant::now();
        std::thread::sleep(Duration::from_millis(5));
        let (clock, read) = BatchClock::start(spawn, || 7);
        assert_eq!(read, 7);
        assert!(clock.startup() >= Duration::from_millis(5));
        let last = clock.at() + Duration::from_millis(250);
        let usage = Usage {
            user_s: 0.5,
            sys_s: 0.25,
            nvcsw: 3,
            nivcsw: 4,
            maxrss_bytes: 1,
        };
        let s = clock.finish(Some(last), &usage);
        assert!((s.wall_s - 0.25).abs() < 1e-9, "{}", s.wall_s);
        assert_eq!((s.user_s, s.sys_s), (0.5, 0.25));
        assert_eq!(
            (s.voluntary_ctx_switches, s.involuntary_ctx_switches),
            (3, 4)
        );
        assert!(s.peak_rss_bytes > 1, "this process's own peak");
        assert!(s.startup_s >= 0.005);
        assert_eq!(clock.finish(None, &usage).wall_s, 0.0);
    }
}
