//! The tail of a file or stream, read from its end and bounded: a failing command may write
//! gigabytes to stderr, and showing its last lines must cost a few kilobytes, not the file.

use std::io::{Read, Seek, SeekFrom};
use std::path::Path;

/// The last `max` bytes of the file at `path` (fewer when it is shorter), read by seeking to
/// the end; empty when it cannot be read.
pub fn tail_of_file(path: &Path, max: usize) -> Vec<u8> {
    std::fs::File::open(path)
        .and_then(|mut f| tail_of_seekable(&mut f, max))
        .unwrap_or_default()
}

/// The last `max` bytes of a seekable reader, read from its end.
pub fn tail_of_seekable<R: Read + Seek>(r: &mut R, max: usize) -> std::io::Result<Vec<u8>> {
    let len = r.seek(SeekFrom::End(0))?;
    let start = len.saturating_sub(max as u64);
    r.seek(SeekFrom::Start(start))?;
    let mut out = Vec::with_capacity((len - start) as usize);
    r.take(max as u64).read_to_end(&mut out)?;
    Ok(out)
}

/// The last `max` bytes of a stream that cannot seek (a pipe), read through in chunks while
/// keeping at most `2 * max` bytes.
pub fn tail_of_stream<R: Read>(r: &mut R, max: usize) -> std::io::Result<Vec<u8>> {
    let mut kept: Vec<u8> = Vec::with_capacity(max.min(1 << 16) * 2);
    let mut chunk = [0u8; 8192];
    loop {
        let n = match r.read(&mut chunk) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        kept.extend_from_slice(&chunk[..n]);
        if kept.len() > 2 * max {
            kept.drain(..kept.len() - max);
        }
    }
    let start = kept.len().saturating_sub(max);
    Ok(kept.split_off(start))
}

/// The tail as text for a message: lossy UTF-8 with a partial first line dropped when the
/// tail began mid-line, and trailing whitespace trimmed.
pub fn tail_text(bytes: &[u8], cut: bool) -> String {
    let text = String::from_utf8_lossy(bytes);
    let text = match (cut, text.find('\n')) {
        (true, Some(i)) if i + 1 < text.len() => &text[i + 1..],
        _ => &text[..],
    };
    crate::visible::text(text.trim_end()).into_owned()
}

/// The tail as the suffix of an error message about a command or worker: "; its stderr was
/// empty", or "; the end of its stderr:" and the lines, indented behind `|`.
pub fn message_suffix(bytes: &[u8], cut: bool) -> String {
    let text = tail_text(bytes, cut);
    if text.is_empty() {
        "; its stderr was empty".into()
    } else {
        let body: Vec<String> = text.lines().map(|l| format!("  | {l}")).collect();
        format!("; the end of its stderr:\n{}", body.join("\n"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn the_tail_of_a_large_file_is_its_last_bytes() {
        let mut f = tempfile::NamedTempFile::new().unwrap();
        for i in 0..200_000 {
            writeln!(f, "line {i}").unwrap();
        }
        f.flush().unwrap();
        let tail = tail_of_file(f.path(), 1500);
        assert_eq!(tail.len(), 1500);
        assert!(String::from_utf8_lossy(&tail).ends_with("line 199999\n"));
        let text = tail_text(&tail, true);
        assert!(text.starts_with("line "), "{text}");
        assert!(text.ends_with("line 199999"), "{text}");
        assert_eq!(tail_of_file(Path::new("/nonexistent/x"), 10), b"");
    }

    #[test]
    fn a_short_file_and_a_stream_give_the_same_tail() {
        let data: Vec<u8> = (0..100_000u32).flat_map(|i| i.to_le_bytes()).collect();
        let mut cur = std::io::Cursor::new(data.clone());
        assert_eq!(
            tail_of_seekable(&mut cur, 777).unwrap(),
            data[data.len() - 777..]
        );
        let mut cur = std::io::Cursor::new(data.clone());
        assert_eq!(
            tail_of_stream(&mut cur, 777).unwrap(),
            data[data.len() - 777..]
        );
        let mut short = std::io::Cursor::new(b"abc".to_vec());
        assert_eq!(tail_of_stream(&mut short, 777).unwrap(), b"abc");
        assert_eq!(tail_text(b"\x1b[31mred\n", false), "\\x1b[31mred");
    }
}
