//! The first byte of an input that tells its format, found without reading the file: a byte
//! order mark and leading whitespace are skipped, and a first line that does not end within
//! 64 KiB is refused (no CSV header is that long; a binary file would be read whole).

use crate::error::usage;
use std::io::BufRead;
use std::path::Path;

/// The first byte after a BOM and whitespace, consuming them; `None` for an empty file.
pub fn first_byte<R: BufRead>(r: &mut R, path: &Path) -> anyhow::Result<Option<u8>> {
    let cannot = |e: std::io::Error| {
        usage(format!(
            "cannot read {} ({e}); check the path",
            path.display()
        ))
    };
    let mut at_start = true;
    loop {
        let buf = r.fill_buf().map_err(cannot)?;
        if buf.is_empty() {
            return Ok(None);
        }
        if at_start && buf.starts_with(b"\xef\xbb\xbf") {
            r.consume(3);
            at_start = false;
            continue;
        }
        at_start = false;
        let skip = buf.iter().take_while(|b| b.is_ascii_whitespace()).count();
        if skip == buf.len() {
            r.consume(skip);
            continue;
        }
        r.consume(skip);
        let buf = r.fill_buf().map_err(cannot)?;
        let first = buf[0];
        let json = first == b'{' || first == b'[';
        if !json && !buf.contains(&b'\n') && buf.len() >= (1 << 16) - 8 {
            return Err(usage(format!(
                "{}: the first line is longer than 64 KiB, so it is no CSV header; give a CSV, a hyperfine --export-json file or a plateau results.json",
                path.display()
            )));
        }
        return Ok(Some(first));
    }
}
