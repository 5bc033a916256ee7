//! The host's limits checked before anything is measured, through the real binary started
//! under a lowered RLIMIT_NOFILE (set in the child only, so the machine's own limits do not
//! matter): a hard limit too low is refused in one sentence naming it, with no folder written,
//! in `run` and in the interleaved gate; a soft limit too low is raised and recorded.

pub mod common;

use std::os::unix::process::CommandExt;
use std::process::{Command, Output};

/// The current hard limit on open files.
fn hard_limit() -> u64 {
    let mut lim = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit writes the struct passed by reference.
    assert_eq!(unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) }, 0);
    lim.rlim_max
}

/// plateau with `args`, its open-files limit lowered to `soft` and `hard` before it starts.
fn limited(args: &[&str], soft: u64, hard: u64) -> Output {
    let mut cmd: Command = common::spawnable();
    cmd.args(args);
    // SAFETY: setrlimit is async-signal-safe and changes only the child.
    unsafe {
        cmd.pre_exec(move || {
            let lim = libc::rlimit {
                rlim_cur: soft,
                rlim_max: hard,
            };
            match libc::setrlimit(libc::RLIMIT_NOFILE, &lim) {
                0 => Ok(()),
                _ => Err(std::io::Error::last_os_error()),
            }
        });
    }
    cmd.output().unwrap()
}

#[test]
fn a_hard_limit_too_low_is_refused_before_anything_runs() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("never");
    let out = out.to_str().unwrap();
    let run = |extra: &[&str]| {
        let mut args = vec!["run", "--workers", "1,40", "--tasks", "40", "-r", "1"];
        args.extend_from_slice(extra);
        args.extend_from_slice(&["--out", out]);
        limited(&args, 64, 64)
    };
    let o = run(&["--mode", "processes", "--iterations", "1000"]);
    common::refused_in_one_sentence(&o, "40 workers in processes mode need up to 1");
    let err = common::stderr(&o);
    for needle in [
        "(RLIMIT_NOFILE) is 64",
        "which allows at most",
        "ulimit -n",
        "--workers",
    ] {
        assert!(err.contains(needle), "{needle:?} in {err}");
    }
    common::refused_in_one_sentence(&run(&["--", "true"]), "in command mode need up to");
    // The gate checks its sides before it measures either.
    let gate = limited(
        &[
            "compare",
            "--baseline-cmd",
            "true",
            "--candidate-cmd",
            "true",
            "--workers",
            "1,40",
            "--tasks",
            "40",
            "--out",
            out,
        ],
        64,
        64,
    );
    common::refused_in_one_sentence(&gate, "(RLIMIT_NOFILE) is 64");
    assert!(
        !tmp.path().join("never").exists(),
        "a refused run wrote its folder"
    );
}

#[test]
fn a_soft_limit_too_low_is_raised_to_the_hard_one_and_recorded() {
    let hard = hard_limit();
    if hard < 256 {
        eprintln!("skipped: the hard limit here ({hard}) leaves no room to raise a soft one");
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("run");
    let args = [
        "run",
        "--mode",
        "processes",
        "--workers",
        "1,40",
        "--tasks",
        "40",
        "--iterations",
        "1000",
        "-r",
        "1",
        "--warmup",
        "0",
        "--quiet",
        "--out",
        out.to_str().unwrap(),
    ];
    let o = limited(&args, 64, hard);
    assert!(o.status.success(), "{}", common::stderr(&o));
    let r = common::results(&out);
    let limits = &r["machine"]["host_limits"];
    assert_eq!(limits["open_files_raised_from"], 64, "{limits}");
    assert_eq!(limits["open_files_soft"], hard, "{limits}");
    assert_eq!(limits["workers"], 40);
    assert!(
        limits["open_files_needed"].as_u64().unwrap() > 64,
        "{limits}"
    );
    let samples = r["points"][1]["samples"].as_array().unwrap().len();
    assert_eq!(samples, 1, "the 40-worker batch ran");
}
