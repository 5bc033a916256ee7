//! Appending to a file another tool keeps (CI's `$GITHUB_STEP_SUMMARY`): created when missing,
//! never replaced or truncated.

use std::io::Write;
use std::path::Path;

/// Appends `text` and a newline to `path`, creating the file when missing.
pub fn line(path: &Path, text: &str) -> std::io::Result<()> {
    let mut f = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)?;
    f.write_all(text.as_bytes())?;
    f.write_all(b"\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_appended_to_a_file_created_when_missing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("summary.md");
        line(&path, "one").unwrap();
        line(&path, "two").unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "one\ntwo\n");
        assert!(line(&dir.path().join("missing").join("s.md"), "x").is_err());
    }
}
