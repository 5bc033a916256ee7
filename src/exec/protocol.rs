//! The wire protocol between the processes executor and its `__worker` processes: every message
//! as a type, with the one encoder and the one parser both sides use. One message per line.
//!
//! To the worker: the setup (one JSON object, first), `R <lo> <hi>` (run tasks lo..hi), `Q`
//! (quit). From the worker: `K` (ready), `D` (a chunk done), `E <task> <json reason>` (a task
//! failed), `F <json reason>` (setup failed), `U <user_s> <sys_s> <nvcsw> <nivcsw> <maxrss_bytes>`
//! (its usage over the timed part, the answer to `Q`).

use super::rusage::Usage;
use std::ops::Range;

/// How much of an unparsable line an error quotes.
const QUOTED_CHARS: usize = 80;

/// What a worker is told at start, before anything else.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct WorkerSetup {
    /// `Workload::worker_setup` of the coordinator's workload.
    pub workload: serde_json::Value,
    /// The CPU to pin this process to, if any.
    pub pin_cpu: Option<usize>,
    /// This worker's index in its batch.
    pub worker: usize,
    /// Workers in the batch.
    pub workers: usize,
}

/// A message from the coordinator after the setup.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ToWorker {
    /// Run tasks `lo..hi` and answer `Done` or `TaskFailed`.
    Run(Range<u64>),
    /// Report usage and exit.
    Quit,
}

/// A message from a worker.
#[derive(Debug, Clone, PartialEq)]
pub enum FromWorker {
    /// The workload is prepared; the worker waits for chunks.
    Ready,
    /// The oldest chunk in flight is done.
    Done,
    /// A task failed its check; the worker runs nothing more of that chunk.
    TaskFailed { task: u64, reason: String },
    /// The worker could not set up its workload.
    SetupFailed { reason: String },
    /// The worker's CPU time, context switches and peak RSS since it said `Ready`.
    Usage(Usage),
}

/// A line that is not a message of the protocol, quoted and cut short.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a message of the worker protocol: {quoted}")]
pub struct ProtocolError {
    /// The line as received, at most `QUOTED_CHARS` characters of it, debug-quoted.
    pub quoted: String,
}

impl ProtocolError {
    fn of(line: &str) -> Self {
        let cut: String = line.chars().take(QUOTED_CHARS).collect();
        let more = if cut.len() < line.len() { "…" } else { "" };
        Self {
            quoted: format!("{cut:?}{more}"),
        }
    }
}

impl WorkerSetup {
    /// The setup line, without its newline.
    pub fn encode(&self) -> String {
        serde_json::to_string(self).expect("a setup of plain values serializes")
    }

    /// The setup line as a worker reads it.
    pub fn parse(line: &str) -> Result<Self, String> {
        serde_json::from_str(line).map_err(|e| format!("bad worker setup: {e}"))
    }
}

impl ToWorker {
    /// The message as one line, without its newline.
    pub fn encode(&self) -> String {
        match self {
            ToWorker::Run(r) => format!("R {} {}", r.start, r.end),
            ToWorker::Quit => "Q".to_string(),
        }
    }

    /// One line from the coordinator.
    pub fn parse(line: &str) -> Result<Self, ProtocolError> {
        let mut words = line.split_whitespace();
        let msg = match (words.next(), words.next(), words.next(), words.next()) {
            (Some("R"), Some(lo), Some(hi), None) => match (lo.parse(), hi.parse()) {
                (Ok(lo), Ok(hi)) if lo <= hi => Some(ToWorker::Run(lo..hi)),
                _ => None,
            },
            (Some("Q"), None, None, None) => Some(ToWorker::Quit),
            _ => None,
        };
        msg.ok_or_else(|| ProtocolError::of(line))
    }
}

impl FromWorker {
    /// The message as one line, without its newline.
    pub fn encode(&self) -> String {
        match self {
            FromWorker::Ready => "K".to_string(),
            FromWorker::Done => "D".to_string(),
            FromWorker::TaskFailed { task, reason } => format!("E {task} {}", json_text(reason)),
            FromWorker::SetupFailed { reason } => format!("F {}", json_text(reason)),
            FromWorker::Usage(u) => format!(
                "U {} {} {} {} {}",
                u.user_s, u.sys_s, u.nvcsw, u.nivcsw, u.maxrss_bytes
            ),
        }
    }

    /// One line from a worker.
    pub fn parse(line: &str) -> Result<Self, ProtocolError> {
        let bad = || ProtocolError::of(line);
        let (head, rest) = line.split_once(' ').unwrap_or((line, ""));
        match head {
            "K" if rest.is_empty() => Ok(FromWorker::Ready),
            "D" if rest.is_empty() => Ok(FromWorker::Done),
            "E" => {
                let (task, reason) = rest.split_once(' ').ok_or_else(bad)?;
                Ok(FromWorker::TaskFailed {
                    task: task.parse().map_err(|_| bad())?,
                    reason: serde_json::from_str(reason).map_err(|_| bad())?,
                })
            }
            "F" => Ok(FromWorker::SetupFailed {
                reason: serde_json::from_str(rest).map_err(|_| bad())?,
            }),
            "U" => parse_usage(rest).ok_or_else(bad).map(FromWorker::Usage),
            _ => Err(bad()),
        }
    }
}

/// A string as a JSON string literal, so a reason with newlines stays on one line.
fn json_text(s: &str) -> String {
    serde_json::to_string(s).expect("a string serializes")
}

fn parse_usage(rest: &str) -> Option<Usage> {
    let v: Vec<&str> = rest.split_whitespace().collect();
    if v.len() != 5 {
        return None;
    }
    Some(Usage {
        user_s: v[0].parse().ok()?,
        sys_s: v[1].parse().ok()?,
        nvcsw: v[2].parse().ok()?,
        nivcsw: v[3].parse().ok()?,
        maxrss_bytes: v[4].parse().ok()?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_message_reads_back_as_itself() {
        for m in [ToWorker::Run(3..17), ToWorker::Quit] {
            assert_eq!(ToWorker::parse(&m.encode()), Ok(m));
        }
        let usage = Usage {
            user_s: 0.5,
            sys_s: 0.25,
            nvcsw: 3,
            nivcsw: 4,
            maxrss_bytes: 1 << 20,
        };
        for m in [
            FromWorker::Ready,
            FromWorker::Done,
            FromWorker::TaskFailed {
                task: 12,
                reason: "sum is 0\nbad".into(),
            },
            FromWorker::SetupFailed {
                reason: "no such workload \"x\"".into(),
            },
            FromWorker::Usage(usage),
        ] {
            let line = m.encode();
            assert!(!line.contains('\n'), "{line}");
            assert_eq!(FromWorker::parse(&line), Ok(m));
        }
        let setup = WorkerSetup {
            workload: serde_json::json!({"name": "cpu", "iterations": 100}),
            pin_cpu: Some(1),
            worker: 0,
            workers: 2,
        };
        assert_eq!(WorkerSetup::parse(&setup.encode()), Ok(setup));
    }

    #[test]
    fn the_wire_form_is_the_documented_one() {
        assert_eq!(ToWorker::Run(0..5).encode(), "R 0 5");
        assert_eq!(
            FromWorker::TaskFailed {
                task: 7,
                reason: "x".into()
            }
            .encode(),
            "E 7 \"x\""
        );
        assert_eq!(
            FromWorker::parse("U 0.5 0.25 3 4 1048576"),
            Ok(FromWorker::Usage(Usage {
                user_s: 0.5,
                sys_s: 0.25,
                nvcsw: 3,
                nivcsw: 4,
                maxrss_bytes: 1 << 20
            }))
        );
    }

    #[test]
    fn anything_else_is_refused_and_quoted_short() {
        for line in [
            "",
            "K extra",
            "U 1",
            "E x \"r\"",
            "E 3 unquoted",
            "R 5 2",
            "R 1",
            "Q now",
        ] {
            assert!(
                FromWorker::parse(line).is_err() || ToWorker::parse(line).is_err(),
                "{line:?} was accepted"
            );
        }
        assert!(ToWorker::parse("R 5 2").is_err());
        assert!(FromWorker::parse("hello").is_err());
        let long = "x".repeat(10_000);
        let e = FromWorker::parse(&long).unwrap_err();
        assert!(e.to_string().len() < 200, "{e}");
        assert!(e.to_string().ends_with('…'), "{e}");
    }
}
