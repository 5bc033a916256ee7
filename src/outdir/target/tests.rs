//! Tests of the output-path checks: each refusal happens, names the flag, and leaves the
//! target untouched.

use super::*;
use std::fs;
use std::os::unix::fs::FileTypeExt;

fn mkfifo(path: &Path) {
    let c = std::ffi::CString::new(path.to_str().unwrap()).unwrap();
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
}

#[test]
fn special_files_and_inputs_are_refused_and_new_files_allowed() {
    let tmp = tempfile::tempdir().unwrap();
    let fifo = tmp.path().join("fifo.md");
    mkfifo(&fifo);
    let real = tmp.path().join("real.md");
    fs::write(&real, "keep").unwrap();
    let link = tmp.path().join("link.md");
    std::os::unix::fs::symlink(&real, &link).unwrap();
    let input = tmp.path().join("in.json");
    fs::write(&input, "{}").unwrap();
    let hard = tmp.path().join("hard.md");
    fs::hard_link(&input, &hard).unwrap();
    let inputs = vec![input.clone()];
    for (path, needle) in [
        (PathBuf::from("/dev/full"), "is a device"),
        (PathBuf::from("/dev/null"), "is a device"),
        (fifo.clone(), "is a FIFO"),
        (link.clone(), "is a symbolic link"),
        (tmp.path().to_path_buf(), "is a folder"),
        (input.clone(), "is the input"),
        (hard.clone(), "is the input"),
        (tmp.path().join("no/such/x.md"), "does not exist"),
    ] {
        let e = check_file(OutputFlag::Markdown, &path, &inputs).unwrap_err();
        assert!(e.downcast_ref::<crate::error::UsageError>().is_some());
        let e = e.to_string();
        assert!(e.starts_with("--markdown "), "{e}");
        assert!(e.contains(needle), "{}: {e}", path.display());
    }
    check_file(OutputFlag::Markdown, &real, &inputs).unwrap();
    check_file(OutputFlag::Markdown, &tmp.path().join("new.md"), &inputs).unwrap();
    assert_eq!(fs::read_to_string(&real).unwrap(), "keep");
}

#[test]
fn the_atomic_write_never_replaces_a_special_file() {
    let tmp = tempfile::tempdir().unwrap();
    let fifo = tmp.path().join("summary.md");
    mkfifo(&fifo);
    let real = tmp.path().join("real");
    fs::write(&real, "keep").unwrap();
    let link = tmp.path().join("results.json");
    std::os::unix::fs::symlink(&real, &link).unwrap();
    for target in [&fifo, &link] {
        assert!(crate::outdir::write_atomic(target, b"new").is_err());
    }
    assert!(fs::symlink_metadata(&fifo).unwrap().file_type().is_fifo());
    assert!(
        fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_eq!(fs::read_to_string(&real).unwrap(), "keep");
}

#[test]
fn a_special_file_among_the_outputs_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let fifo = dir.join("chart.svg");
    mkfifo(&fifo);
    let e = check_folder(OutputFlag::Out, dir, &RUN_OUTPUTS, &[]).unwrap_err();
    assert!(e.to_string().starts_with("--out "), "{e}");
}
