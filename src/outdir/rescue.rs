//! Where a record goes when its output folder cannot take it: a new file in the system temp
//! folder, named after the output folder and this process, never overwriting another file.

use super::OutputDir;
use std::io::Write;
use std::path::PathBuf;

/// Writes `bytes` to a new file in the system temp folder named after `out` and this process
/// (`plateau-rescued-NAME-PID[-N].json`), synced; returns its path.
pub fn to_temp(bytes: &[u8], out: &OutputDir) -> std::io::Result<PathBuf> {
    let name = out
        .path()
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "run".into());
    let dir = std::env::temp_dir();
    let mut last = None;
    for n in 0..100 {
        let path = dir.join(format!(
            "plateau-rescued-{name}-{}{}.json",
            std::process::id(),
            if n == 0 {
                String::new()
            } else {
                format!("-{n}")
            }
        ));
        let file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path);
        match file {
            Ok(mut f) => {
                let written = f.write_all(bytes).and_then(|_| f.sync_all());
                if let Err(e) = written {
                    let _ = std::fs::remove_file(&path);
                    return Err(e);
                }
                return Ok(path);
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => last = Some(e),
            Err(e) => return Err(e),
        }
    }
    Err(last.unwrap_or_else(|| std::io::Error::other("no free name")))
}
