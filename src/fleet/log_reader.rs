//! A job's log (or a results.json) read line by line in bounded memory, whatever its size:
//! plain or gzip-compressed (known by its magic bytes, not its name), each line decoded
//! lossily so an invalid byte costs only itself, marked blocks found as the lines pass; other
//! compressions are named, never skipped in silence.

use super::marked::{Block, Scanner};
use crate::input::MAX_BYTES;
use std::io::{BufRead, BufReader};
use std::path::Path;

/// What a file held.
#[derive(Debug)]
pub struct Scan {
    /// The marked blocks found in it.
    pub blocks: Vec<Block>,
    /// The whole text, when it starts like a JSON object (`{`) and fits in `MAX_BYTES`.
    pub json: Json,
}

/// The file as a results.json, if it may be one.
#[derive(Debug)]
pub enum Json {
    /// It does not start with `{`.
    No,
    /// Its whole text.
    Text(String),
    /// It starts with `{` but is larger than `MAX_BYTES`.
    TooBig,
}

/// Reads `path` through, plain or gzip-compressed. `Err` is why it cannot be read, as a
/// phrase ("cannot be read: ...", "is compressed with zstd, ...").
pub fn scan(path: &Path) -> Result<Scan, String> {
    let file = crate::input::open_stream(path, "a results.json or a log of plateau run")
        .map_err(|e| format!("cannot be read: {e:#}"))?;
    let mut plain = BufReader::new(file);
    let head = plain
        .fill_buf()
        .map_err(|e| format!("cannot be read: {e}"))?
        .to_vec();
    if let Some(kind) = unsupported(&head) {
        return Err(format!(
            "is compressed with {kind}, which plateau does not read; decompress it (or use gzip) and collect again"
        ));
    }
    if head.starts_with(&[0x1f, 0x8b]) {
        let gz = BufReader::new(flate2::read::MultiGzDecoder::new(plain));
        read_lines(gz).map_err(|e| format!("is a gzip file that cannot be decompressed: {e}"))
    } else {
        read_lines(plain).map_err(|e| format!("cannot be read: {e}"))
    }
}

/// Compressions known by their magic bytes that plateau does not decompress.
fn unsupported(head: &[u8]) -> Option<&'static str> {
    [
        (&[0x28, 0xb5, 0x2f, 0xfd][..], "zstd"),
        (&[0xfd, b'7', b'z', b'X', b'Z', 0x00][..], "xz"),
        (&b"BZh"[..], "bzip2"),
        (&[0x04, 0x22, 0x4d, 0x18][..], "lz4"),
    ]
    .into_iter()
    .find(|(magic, _)| head.starts_with(magic))
    .map(|(_, kind)| kind)
}

fn read_lines(mut reader: impl BufRead) -> std::io::Result<Scan> {
    let mut scanner = Scanner::default();
    let mut buf = Vec::new();
    let mut json: Option<String> = None;
    let mut first = true;
    let mut too_big = false;
    loop {
        buf.clear();
        if reader.by_ref().read_until(b'\n', &mut buf)? == 0 {
            break;
        }
        let text = String::from_utf8_lossy(&buf);
        let line = text.strip_suffix('\n').unwrap_or(&text);
        if first && !line.trim().is_empty() {
            first = false;
            if line.trim_start().starts_with('{') {
                json = Some(String::new());
            }
        }
        if let Some(j) = json.as_mut() {
            if (j.len() + text.len()) as u64 > MAX_BYTES {
                json = None;
                too_big = true;
            } else {
                j.push_str(&text);
            }
        }
        scanner.line(line);
    }
    Ok(Scan {
        blocks: scanner.finish(),
        json: match (json, too_big) {
            (Some(t), _) => Json::Text(t),
            (None, true) => Json::TooBig,
            (None, false) => Json::No,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    const JSON: &str = "{\n  \"schema_version\": 1\n}\n";

    fn write(dir: &Path, name: &str, bytes: &[u8]) -> std::path::PathBuf {
        let p = dir.join(name);
        std::fs::write(&p, bytes).unwrap();
        p
    }

    #[test]
    fn gzip_logs_are_read_and_other_compressions_named() {
        let dir = tempfile::tempdir().unwrap();
        let log = format!("job starts\n{}done\n", super::super::marked::wrap(JSON));
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(log.as_bytes()).unwrap();
        let p = write(dir.path(), "job.log.gz", &gz.finish().unwrap());
        let scan = scan(&p).unwrap();
        assert!(matches!(
            &scan.blocks[..],
            [Block::Complete { line: 2, .. }]
        ));
        let z = write(dir.path(), "job.log.zst", &[0x28, 0xb5, 0x2f, 0xfd, 0, 0]);
        assert!(scan_err(&z).contains("zstd"));
        let bad = write(dir.path(), "cut.gz", &[0x1f, 0x8b, 8, 0, 1]);
        assert!(scan_err(&bad).contains("gzip"), "{}", scan_err(&bad));
    }

    fn scan_err(p: &Path) -> String {
        scan(p).unwrap_err()
    }

    #[test]
    fn an_invalid_byte_costs_only_itself() {
        let dir = tempfile::tempdir().unwrap();
        let mut log = b"\xff\xfe garbage\n".to_vec();
        let wrapped = super::super::marked::wrap("{\"a\": \"xQy\"}\n");
        log.extend(wrapped.bytes().map(|b| if b == b'Q' { 0xff } else { b }));
        // The invalid byte inside the JSON string becomes U+FFFD: the JSON stays valid.
        let p = write(dir.path(), "j.out", &log);
        let s = scan(&p).unwrap();
        let Block::Complete { text, .. } = &s.blocks[0] else {
            panic!("{:?}", s.blocks)
        };
        let v: serde_json::Value = serde_json::from_str(text).unwrap();
        assert!(v["a"].as_str().unwrap().starts_with('x'));
    }

    #[test]
    fn a_file_that_starts_like_json_is_kept_whole_beside_its_blocks() {
        let dir = tempfile::tempdir().unwrap();
        let p = write(dir.path(), "results.json", JSON.as_bytes());
        assert!(matches!(scan(&p).unwrap().json, Json::Text(ref t) if t == JSON));
        let log = format!(
            "{{\"event\": \"start\"}}\n{}",
            super::super::marked::wrap(JSON)
        );
        let p = write(dir.path(), "j.log", log.as_bytes());
        let s = scan(&p).unwrap();
        assert_eq!(
            s.blocks.len(),
            1,
            "a JSON first line does not hide the block"
        );
    }
}
