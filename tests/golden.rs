//! Golden outputs: the bytes plateau writes for fixed inputs (a recorded run, the fixtures in
//! tests/fixtures/ and a stored-file comparison), held against the files in tests/golden/.
//!
//! A refactor must leave every byte as it was. A change that means to alter an output updates the
//! golden files in the same commit, so the diff shows what a user will see differently:
//!
//! ```text
//! PLATEAU_UPDATE_GOLDEN=1 cargo test --test golden
//! git diff tests/golden
//! ```
//!
//! Only what cannot be the same twice is normalised: timestamps of the moment the command ran and
//! the path of the binary in the recorded command line.

pub mod common;

use common::{repo, spawnable};
use std::path::PathBuf;

/// One command whose outputs are held: its name (a folder under tests/golden/), its arguments
/// (paths relative to the repository), and the files it writes into its `--out` folder.
struct Case {
    name: &'static str,
    args: &'static [&'static str],
    files: &'static [&'static str],
    /// True when results.json's `machine` is the machine running the test (imports record the
    /// analysing machine): that block is held as `<this machine>`, the rest byte for byte.
    this_machine: bool,
}

const ANALYSIS_FILES: &[&str] = &["results.json", "chart.svg", "report.html", "summary.md"];
const REPORT_FILES: &[&str] = &["report.html", "summary.md"];
const IMPORT_FILES: &[&str] = &["results.json", "chart.svg", "report.html", "summary.md"];

const CASES: &[Case] = &[
    Case {
        name: "analyze-recorded-run",
        args: &["analyze", "tests/fixtures/results-v1.json"],
        files: ANALYSIS_FILES,
        this_machine: false,
    },
    // A recorded 8-CPU run: its analysis holds the USL fit and its constraint.
    Case {
        name: "analyze-8cpu-run",
        args: &["analyze", "tests/fixtures/large-8cpu.json"],
        files: ANALYSIS_FILES,
        this_machine: false,
    },
    // Imported measurements: their results.json records the machine that ran the analysis (as
    // not the one measured), so that block is masked.
    Case {
        name: "analyze-csv",
        args: &["analyze", "tests/fixtures/writeup.csv", "--tasks", "32"],
        files: IMPORT_FILES,
        this_machine: true,
    },
    Case {
        name: "analyze-hyperfine",
        args: &["analyze", "tests/fixtures/hyperfine-scan.json"],
        files: IMPORT_FILES,
        this_machine: true,
    },
    Case {
        name: "report-single",
        args: &["report", "tests/fixtures/small-2cpu.json"],
        files: REPORT_FILES,
        this_machine: false,
    },
    Case {
        name: "report-comparison",
        args: &[
            "report",
            "tests/fixtures/small-2cpu.json",
            "tests/fixtures/medium-4cpu.json",
            "tests/fixtures/large-8cpu.json",
        ],
        files: REPORT_FILES,
        this_machine: false,
    },
    Case {
        name: "compare-stored",
        args: &[
            "compare",
            "tests/fixtures/medium-4cpu.json",
            "tests/fixtures/medium-4cpu.json",
        ],
        files: &[],
        this_machine: false,
    },
];

fn updating() -> bool {
    std::env::var_os("PLATEAU_UPDATE_GOLDEN").is_some_and(|v| v == "1")
}

/// Timestamps of the present (`2026-12-01T22:10:58Z`) become `<now>`, the binary's path becomes
/// `plateau`, and the case's output folder becomes `<out>`.
fn normalise(text: &str, out: &str) -> String {
    let bin = common::bin::path();
    // report.html writes `/` as `&#x2f;`: both spellings of the two paths are replaced.
    let html = |p: &str| p.replace('/', "&#x2f;");
    let text = text
        .replace(bin, "plateau")
        .replace(&html(bin), "plateau")
        .replace(out, "<out>")
        .replace(&html(out), "&lt;out&gt;");
    let mut result = String::with_capacity(text.len());
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if is_timestamp(&bytes[i..]) && !recorded_time(&text[i..i + 20]) {
            result.push_str("<now>");
            i += 20;
        } else {
            let ch = text[i..]
                .chars()
                .next()
                .expect("index is at a char boundary");
            result.push(ch);
            i += ch.len_utf8();
        }
    }
    result
}

/// `YYYY-MM-DDTHH:MM:SSZ` at the start of `b`.
fn is_timestamp(b: &[u8]) -> bool {
    const SHAPE: &[u8; 20] = b"0000-00-00T00:00:00Z";
    b.len() >= SHAPE.len()
        && SHAPE.iter().zip(b).all(|(s, c)| match s {
            b'0' => c.is_ascii_digit(),
            _ => s == c,
        })
}

/// The inputs were recorded in 2025 and early 2026; a timestamp of the test's own run is later.
fn recorded_time(stamp: &str) -> bool {
    stamp < "2026-06-01"
}

fn run_case(case: &Case) -> Vec<(String, String)> {
    let out_rel = format!("target/golden-scratch/{}", case.name);
    let out_dir = repo().join(&out_rel);
    let _ = std::fs::remove_dir_all(&out_dir);
    let mut cmd = spawnable();
    cmd.current_dir(repo()).args(case.args);
    if !case.files.is_empty() {
        cmd.args(["--out", &out_rel]);
    }
    let output = cmd.env("NO_COLOR", "1").output().expect("the binary runs");
    let stdout = String::from_utf8(output.stdout).expect("stdout is UTF-8");
    let stderr = String::from_utf8(output.stderr).expect("stderr is UTF-8");
    let mut got = vec![(
        "terminal.txt".to_string(),
        normalise(
            &format!(
                "exit: {}\n--- stdout\n{stdout}--- stderr\n{stderr}",
                output.status.code().unwrap_or(-1)
            ),
            &out_rel,
        ),
    )];
    for file in case.files {
        let path = out_dir.join(file);
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("{}: {} was not written: {e}", case.name, path.display()));
        let text = if case.this_machine && *file == "results.json" {
            without_machine(&text)
        } else {
            text
        };
        got.push((file.to_string(), normalise(&text, &out_rel)));
    }
    let _ = std::fs::remove_dir_all(&out_dir);
    got
}

/// results.json with its top-level `machine` object replaced by `"<this machine>"`.
fn without_machine(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut inside = false;
    for line in text.split_inclusive('\n') {
        if line == "  \"machine\": {\n" {
            inside = true;
            out.push_str("  \"machine\": \"<this machine>\",\n");
        } else if inside {
            inside = !line.starts_with("  }");
        } else {
            out.push_str(line);
        }
    }
    out
}

fn golden_path(case: &Case, file: &str) -> PathBuf {
    repo().join("tests/golden").join(case.name).join(file)
}

#[test]
fn outputs_match_the_golden_files() {
    let mut differing = Vec::new();
    for case in CASES {
        for (file, text) in run_case(case) {
            let path = golden_path(case, &file);
            if updating() {
                std::fs::create_dir_all(path.parent().expect("has a parent")).expect("mkdir");
                std::fs::write(&path, &text).expect("write golden file");
                continue;
            }
            let want = std::fs::read_to_string(&path).unwrap_or_default();
            if want != text {
                let line = first_difference(&want, &text);
                differing.push(format!(
                    "{}/{file} (first difference at line {line})",
                    case.name
                ));
            }
        }
    }
    assert!(
        differing.is_empty(),
        "outputs differ from tests/golden/: {}.\nIf the change is meant, run \
         PLATEAU_UPDATE_GOLDEN=1 cargo test --test golden and commit the diff with it.",
        differing.join(", ")
    );
}

fn first_difference(a: &str, b: &str) -> usize {
    a.lines()
        .zip(b.lines())
        .position(|(x, y)| x != y)
        .unwrap_or_else(|| a.lines().count().min(b.lines().count()))
        + 1
}

#[test]
fn normalising_keeps_recorded_times_and_replaces_the_present() {
    let text = "started 2026-01-05T10:00:00Z, analysed 2026-12-01T22:10:58Z into out/x";
    assert_eq!(
        normalise(text, "out/x"),
        "started 2026-01-05T10:00:00Z, analysed <now> into <out>"
    );
}

#[test]
fn only_the_machine_block_is_masked() {
    let text = "{\n  \"run\": {\n    \"label\": \"x\"\n  },\n  \"machine\": {\n    \"hostname\": \"vm\"\n  },\n  \"config\": {}\n}\n";
    assert_eq!(
        without_machine(text),
        "{\n  \"run\": {\n    \"label\": \"x\"\n  },\n  \"machine\": \"<this machine>\",\n  \"config\": {}\n}\n"
    );
}

#[test]
fn a_changed_byte_is_a_difference() {
    assert_eq!(first_difference("a\nb\nc", "a\nB\nc"), 2);
    assert_eq!(first_difference("a\nb", "a\nb\nc"), 3);
}
