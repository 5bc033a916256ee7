//! End-to-end tests of hostile outputs and inputs through the real binary: an output that is a
//! device, FIFO, symbolic link or one of the command's own inputs is refused with exit 2 and
//! left as it was; `--markdown -` is stdout for `compare` too; a finished run's folder is not
//! overwritten; control characters never reach an output raw; a huge stderr is read from its end.

pub mod common;

use common::{fixture, plateau, read_json};
use std::path::{Path, PathBuf};

fn mkfifo(path: &Path) {
    let c = std::ffi::CString::new(path.to_str().unwrap()).unwrap();
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
}

/// Runs plateau with `args`; asserts exit 2, `needle` named and no panic.
fn refused(args: &[&std::ffi::OsStr], needle: &str) {
    common::refused(&plateau().args(args).output().unwrap(), needle);
}

#[test]
fn outputs_that_are_not_regular_files_or_are_inputs_are_refused_and_untouched() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    let run = t.join("run.json");
    std::fs::copy(fixture("small-2cpu.json"), &run).unwrap();
    let before = std::fs::read(&run).unwrap();
    let fifo = t.join("fifo.md");
    mkfifo(&fifo);
    let kept = t.join("kept.md");
    std::fs::write(&kept, "keep").unwrap();
    let link = t.join("link.md");
    std::os::unix::fs::symlink(&kept, &link).unwrap();
    let out = t.join("out");
    for (target, needle) in [
        (PathBuf::from("/dev/null"), "is a device"),
        (fifo.clone(), "is a FIFO"),
        (link.clone(), "is a symbolic link"),
        (run.clone(), "is the input"),
    ] {
        refused(
            &[
                "report".as_ref(),
                run.as_os_str(),
                "--out".as_ref(),
                out.as_os_str(),
                "--markdown".as_ref(),
                target.as_os_str(),
            ],
            needle,
        );
        refused(
            &[
                "compare".as_ref(),
                run.as_os_str(),
                run.as_os_str(),
                "--markdown".as_ref(),
                target.as_os_str(),
            ],
            needle,
        );
    }
    assert_eq!(std::fs::read(&run).unwrap(), before);
    assert_eq!(std::fs::read_to_string(&kept).unwrap(), "keep");
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert!(!out.exists(), "nothing written for a refused output");
}

#[test]
fn compare_markdown_dash_is_stdout_and_writes_no_file() {
    let tmp = tempfile::tempdir().unwrap();
    let run = fixture("small-2cpu.json");
    let out = plateau()
        .current_dir(tmp.path())
        .args(["compare".as_ref(), run.as_os_str(), run.as_os_str()])
        .args(["--markdown", "-"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.starts_with("## plateau compare"), "{stdout}");
    assert!(!tmp.path().join("-").exists());
}

#[test]
fn a_finished_runs_folder_is_not_replaced_without_force() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("done");
    std::fs::create_dir(&dir).unwrap();
    let results = dir.join("results.json");
    std::fs::copy(fixture("small-2cpu.json"), &results).unwrap();
    let before = std::fs::read(&results).unwrap();
    refused(
        &[
            "run".as_ref(),
            "--out".as_ref(),
            dir.as_os_str(),
            "--quiet".as_ref(),
            "--".as_ref(),
            "false".as_ref(),
        ],
        "--force",
    );
    let csv = tmp.path().join("m.csv");
    std::fs::write(&csv, "workers,seconds\n1,2\n2,1\n").unwrap();
    refused(
        &[
            "analyze".as_ref(),
            csv.as_os_str(),
            "--out".as_ref(),
            dir.as_os_str(),
        ],
        "choose another folder, or add --force",
    );
    assert_eq!(std::fs::read(&results).unwrap(), before);
}

#[test]
fn a_fifo_input_is_refused_without_blocking() {
    let tmp = tempfile::tempdir().unwrap();
    let fifo = tmp.path().join("in.csv");
    mkfifo(&fifo);
    for sub in ["analyze", "report"] {
        refused(
            &[
                sub.as_ref(),
                fifo.as_os_str(),
                "--out".as_ref(),
                tmp.path().join("o").as_os_str(),
            ],
            "not a regular file",
        );
    }
}

#[test]
fn control_characters_in_a_label_never_reach_an_output_raw() {
    let tmp = tempfile::tempdir().unwrap();
    let mut v = read_json(&fixture("small-2cpu.json"));
    v["run"]["label"] = "evil\u{1b}[31m\u{7}".into();
    let run = tmp.path().join("esc.json");
    std::fs::write(&run, v.to_string()).unwrap();
    let out_dir = tmp.path().join("o");
    let out = plateau()
        .args(["report".as_ref(), run.as_os_str(), "--out".as_ref()])
        .arg(&out_dir)
        .args(["--markdown", "-"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(stdout.contains("evil\\x1b"), "{stdout}");
    for text in [
        stdout,
        std::fs::read_to_string(out_dir.join("report.html")).unwrap(),
        std::fs::read_to_string(out_dir.join("summary.md")).unwrap(),
    ] {
        assert!(!text.contains('\u{1b}') && !text.contains('\u{7}'));
    }
}
