//! A user's input file read as text, with one sentence naming the file for each way it can be
//! wrong: missing or unreadable, a folder, a FIFO or device (refused before it is opened, so
//! nothing blocks), too large, not UTF-8. The results.json reader and
//! `plateau analyze`'s imports both read through it.

use crate::error::usage;
use std::io::Read;
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;

/// Largest input read: far above any real sweep (a 1,000-point sweep with 500 samples each is
/// about 150 MiB of results.json), and refused before reading so a wrong file cannot exhaust
/// memory.
pub const MAX_BYTES: u64 = 256 << 20;

/// The text of `path`. `expected` says what the file should be, for the messages: "a
/// results.json written by plateau".
pub fn read_text(path: &Path, expected: &str) -> anyhow::Result<String> {
    let shown = path.display();
    let cannot = |e: std::io::Error| usage(format!("cannot read {shown} ({e}); check the path"));
    let mut file = open_regular(path, expected)?;
    // `take` bounds what is read even when the file grew since it was checked.
    let mut bytes = Vec::new();
    file.by_ref()
        .take(MAX_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(cannot)?;
    if bytes.len() as u64 > MAX_BYTES {
        return Err(too_big(path, expected));
    }
    String::from_utf8(bytes).map_err(|e| {
        usage(format!(
            "{shown} is not UTF-8 text (invalid byte at offset {}); give {expected}",
            e.utf8_error().valid_up_to()
        ))
    })
}

fn too_big(path: &Path, expected: &str) -> anyhow::Error {
    usage(format!(
        "{} is larger than {} MiB; {expected} is far smaller, so this is not one",
        path.display(),
        MAX_BYTES >> 20
    ))
}

/// `path` opened for reading once it is known to be a regular file of at most `MAX_BYTES`
/// (for readers that stream it, like the CSV import).
pub fn open_regular(path: &Path, expected: &str) -> anyhow::Result<std::fs::File> {
    let file = open_stream(path, expected)?;
    let meta = file.metadata().map_err(|e| {
        usage(format!(
            "cannot read {} ({e}); check the path",
            path.display()
        ))
    })?;
    if meta.len() > MAX_BYTES {
        return Err(too_big(path, expected));
    }
    Ok(file)
}

/// `path` opened for reading once it is known to be a regular file, of any size: for readers
/// that stream it in bounded memory (a job's log).
pub fn open_stream(path: &Path, expected: &str) -> anyhow::Result<std::fs::File> {
    let shown = path.display();
    let cannot = |e: std::io::Error| usage(format!("cannot read {shown} ({e}); check the path"));
    // Checked before opening: opening a FIFO for reading blocks until a writer comes.
    let before = std::fs::metadata(path).map_err(cannot)?;
    refuse_irregular(path, &before, expected)?;
    // O_NONBLOCK: should the path become a FIFO between the check and the open, the open
    // returns at once and the check below refuses it; regular files ignore the flag.
    let file = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path)
        .map_err(cannot)?;
    let meta = file.metadata().map_err(cannot)?;
    refuse_irregular(path, &meta, expected)?;
    Ok(file)
}

/// Refuses anything but a regular file (a symbolic link to one is fine): a folder, a FIFO, a
/// socket or a device.
fn refuse_irregular(path: &Path, meta: &std::fs::Metadata, expected: &str) -> anyhow::Result<()> {
    let shown = path.display();
    if meta.is_dir() {
        return Err(usage(format!(
            "{shown} is a folder, not a file; give {expected}"
        )));
    }
    if !meta.is_file() {
        return Err(usage(format!(
            "{shown} is {}, not a regular file; give {expected}",
            kind_of(meta)
        )));
    }
    Ok(())
}

/// What a file system entry is, in words: "a folder", "a FIFO (named pipe)", "a device".
pub fn kind_of(meta: &std::fs::Metadata) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    let t = meta.file_type();
    if t.is_dir() {
        "a folder"
    } else if t.is_symlink() {
        "a symbolic link"
    } else if t.is_fifo() {
        "a FIFO (named pipe)"
    } else if t.is_socket() {
        "a socket"
    } else if t.is_block_device() || t.is_char_device() {
        "a device"
    } else if t.is_file() {
        "a regular file"
    } else {
        "not a regular file"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_refusal_names_the_file_and_what_was_expected() {
        let tmp = tempfile::tempdir().unwrap();
        let folder = read_text(tmp.path(), "a CSV").unwrap_err().to_string();
        assert!(
            folder.contains("is a folder, not a file; give a CSV"),
            "{folder}"
        );
        let binary = tmp.path().join("b.csv");
        std::fs::write(&binary, [b'w', 0xff]).unwrap();
        let e = read_text(&binary, "a CSV").unwrap_err().to_string();
        assert!(e.starts_with(&binary.display().to_string()), "{e}");
        assert!(e.contains("offset 1); give a CSV"), "{e}");
        let fifo = tmp.path().join("f.csv");
        let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        let e = read_text(&fifo, "a CSV").unwrap_err().to_string();
        assert!(
            e.contains("is a FIFO (named pipe), not a regular file"),
            "{e}"
        );
        let text = tmp.path().join("t.csv");
        std::fs::write(&text, "workers,seconds\n").unwrap();
        assert_eq!(read_text(&text, "a CSV").unwrap(), "workers,seconds\n");
    }
}
