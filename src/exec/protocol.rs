//! The worker protocol, version 1: the line protocol plateau speaks with every long-lived
//! worker process, its own `--mode processes` workers and the user's `--persistent` command
//! alike. Every message is a type here, with the one encoder and the one parser both sides
//! use; docs/worker-protocol.md is the contract for people writing workers.
//!
//! To the worker, one per line: a task number (`17`), or `quit`. From the worker: `ready 1`
//! once it is initialised, then per task, in the order they were sent, `ok` (anything after
//! `ok ` is ignored) or `error MESSAGE`. `error MESSAGE` before `ready` means it cannot start.
//!
//! plateau's own workers are also told, at start, what to run: a `WorkerSetup` as one JSON
//! line in the environment variable `PLATEAU_WORKER_SETUP` (the user's workers get
//! `PLATEAU_WORKER`, `PLATEAU_WORKERS` and `PLATEAU_PROTOCOL` instead).

use crate::workload::setup::WorkloadSetup;

/// The protocol version this build speaks.
pub const VERSION: u32 = 1;
/// How much of an unparsable line an error quotes.
const QUOTED_CHARS: usize = 80;

/// A message from plateau to a worker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ToWorker {
    /// Run this task and answer `ok` or `error`.
    Task(u64),
    /// No more tasks: exit (status 0).
    Quit,
}

/// A message from a worker to plateau.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FromWorker {
    /// Initialised and waiting for tasks, speaking protocol `version`.
    Ready {
        /// The protocol version the worker speaks.
        version: u32,
    },
    /// The oldest task in flight succeeded.
    Ok,
    /// The oldest task in flight failed (before `ready`: the worker cannot start).
    Error {
        /// What went wrong, on one line.
        message: String,
    },
}

/// The environment variable that carries a `WorkerSetup` to plateau's own worker.
pub const SETUP_ENV: &str = "PLATEAU_WORKER_SETUP";

/// What plateau's own worker is told at start: the workload to rebuild and its place in the
/// batch.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct WorkerSetup {
    /// The coordinator's workload, as `Workload::worker_setup` gave it.
    pub workload: WorkloadSetup,
    /// This worker's index in its batch.
    pub worker: usize,
    /// Workers in the batch.
    pub workers: usize,
}

impl WorkerSetup {
    /// The setup as one JSON line.
    pub fn encode(&self) -> String {
        serde_json::to_string(self).expect("a setup of plain values serializes")
    }

    /// The setup as a worker reads it; an error is a sentence.
    pub fn parse(text: &str) -> Result<Self, String> {
        serde_json::from_str(text).map_err(|e| format!("bad worker setup: {e}"))
    }
}

/// A line that is not a message of the protocol, quoted and cut short.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a line outside the worker protocol: {quoted}")]
pub struct ProtocolError {
    /// The line as received, at most `QUOTED_CHARS` characters of it, debug-quoted.
    pub quoted: String,
}

impl ProtocolError {
    /// The error for `line`, quoted and cut to `QUOTED_CHARS` characters.
    pub fn of(line: &str) -> Self {
        let cut: String = line.chars().take(QUOTED_CHARS).collect();
        let more = if cut.len() < line.len() { "…" } else { "" };
        Self {
            quoted: format!("{cut:?}{more}"),
        }
    }
}

impl ToWorker {
    /// The message as one line, without its newline.
    pub fn encode(&self) -> String {
        match self {
            ToWorker::Task(t) => t.to_string(),
            ToWorker::Quit => "quit".to_string(),
        }
    }

    /// Appends the message and its newline to `buf` (the coordinator's write buffer).
    pub fn encode_into(&self, buf: &mut Vec<u8>) {
        buf.extend_from_slice(self.encode().as_bytes());
        buf.push(b'\n');
    }

    /// One line from plateau (its newline already removed).
    pub fn parse(line: &str) -> Result<Self, ProtocolError> {
        match line {
            "quit" => Ok(ToWorker::Quit),
            _ if !line.is_empty() && line.bytes().all(|b| b.is_ascii_digit()) => line
                .parse()
                .map(ToWorker::Task)
                .map_err(|_| ProtocolError::of(line)),
            _ => Err(ProtocolError::of(line)),
        }
    }
}

impl FromWorker {
    /// The message as one line, without its newline (newlines in a message become spaces).
    pub fn encode(&self) -> String {
        match self {
            FromWorker::Ready { version } => format!("ready {version}"),
            FromWorker::Ok => "ok".to_string(),
            FromWorker::Error { message } => {
                format!("error {}", message.replace(['\n', '\r'], " "))
            }
        }
    }

    /// One line from a worker (its newline, and a `\r` before it, already removed).
    pub fn parse(line: &str) -> Result<Self, ProtocolError> {
        let (head, rest) = line.split_once(' ').unwrap_or((line, ""));
        match head {
            "ok" => Ok(FromWorker::Ok),
            "error" => Ok(FromWorker::Error {
                message: rest.trim().to_string(),
            }),
            "ready" => rest
                .trim()
                .parse()
                .map(|version| FromWorker::Ready { version })
                .map_err(|_| ProtocolError::of(line)),
            _ => Err(ProtocolError::of(line)),
        }
    }
}

/// The version a `ready N` line claims when N is a whole number too large for any protocol
/// version (so that line is named as an unknown version, not as output before `ready`).
pub fn unknown_version(line: &str) -> Option<&str> {
    let v = line.strip_prefix("ready ")?.trim();
    (!v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()) && v.parse::<u32>().is_err())
        .then_some(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_message_reads_back_as_itself() {
        for m in [ToWorker::Task(0), ToWorker::Task(u64::MAX), ToWorker::Quit] {
            assert_eq!(ToWorker::parse(&m.encode()), Ok(m));
        }
        for m in [
            FromWorker::Ready { version: 1 },
            FromWorker::Ok,
            FromWorker::Error {
                message: "ValueError: no".into(),
            },
        ] {
            assert_eq!(FromWorker::parse(&m.encode()), Ok(m));
        }
    }

    #[test]
    fn the_wire_form_is_the_documented_one() {
        assert_eq!(ToWorker::Task(17).encode(), "17");
        assert_eq!(ToWorker::Quit.encode(), "quit");
        let mut buf = vec![];
        ToWorker::Task(3).encode_into(&mut buf);
        ToWorker::Quit.encode_into(&mut buf);
        assert_eq!(buf, b"3\nquit\n");
        assert_eq!(FromWorker::Ready { version: 1 }.encode(), "ready 1");
        assert_eq!(FromWorker::parse("ok 42"), Ok(FromWorker::Ok));
        let e = FromWorker::Error {
            message: "a\nb".into(),
        };
        assert_eq!(e.encode(), "error a b");
        assert_eq!(
            FromWorker::parse("error"),
            Ok(FromWorker::Error {
                message: String::new()
            })
        );
    }

    #[test]
    fn a_setup_reads_back_as_itself_and_a_bad_one_is_a_sentence() {
        let setup = WorkerSetup {
            workload: WorkloadSetup::Cpu { iterations: 100 },
            worker: 2,
            workers: 3,
        };
        let line = setup.encode();
        assert_eq!(
            line,
            r#"{"workload":{"name":"cpu","iterations":100},"worker":2,"workers":3}"#
        );
        assert_eq!(WorkerSetup::parse(&line), Ok(setup));
        let e = WorkerSetup::parse(r#"{"workload":{"name":"nope"},"worker":0,"workers":1}"#);
        assert!(e.unwrap_err().starts_with("bad worker setup: "));
        assert!(WorkerSetup::parse("").is_err());
    }

    #[test]
    fn an_overflowing_version_is_named_as_a_version() {
        assert_eq!(
            unknown_version("ready 99999999999999999999"),
            Some("99999999999999999999")
        );
        assert_eq!(unknown_version("ready 2"), None, "a version, parsed as one");
        assert_eq!(unknown_version("ready x"), None);
        assert_eq!(unknown_version("ok"), None);
    }

    #[test]
    fn anything_else_is_refused_and_quoted_short() {
        for line in ["", "ready", "ready one", "OK", "hello", "okay", " ok"] {
            assert!(FromWorker::parse(line).is_err(), "{line:?} was accepted");
        }
        for line in ["", "-1", "1 2", "quit now", "99999999999999999999999"] {
            assert!(ToWorker::parse(line).is_err(), "{line:?} was accepted");
        }
        let long = "x".repeat(10_000);
        let e = FromWorker::parse(&long).unwrap_err();
        assert!(e.to_string().len() < 200, "{e}");
        assert!(e.to_string().ends_with('…'), "{e}");
    }
}
