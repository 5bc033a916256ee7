//! Files a test writes for plateau to read, in its temporary folder.

use std::path::{Path, PathBuf};

/// Writes `text` to `dir/name`, creating the folders on the way, and returns the path.
pub fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(&p, text).unwrap();
    p
}

/// Writes `v` as pretty JSON to `dir/name` and returns the path.
pub fn write_json(dir: &Path, name: &str, v: &serde_json::Value) -> PathBuf {
    write(dir, name, &serde_json::to_string_pretty(v).unwrap())
}
