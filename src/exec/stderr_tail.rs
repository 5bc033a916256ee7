//! The tail of a captured stderr file as the suffix of an error message, read from its end and
//! bounded: a failing command may write gigabytes to stderr, and showing its last lines must
//! cost a few kilobytes, not the file.

use std::fs::File;
use std::os::unix::fs::FileExt;

/// The last `max` bytes of `file` (fewer when it is shorter), read at their offset without
/// moving the file's position, and whether the file holds more before them. Empty when the
/// file cannot be read.
pub fn tail_of_file(file: &File, max: usize) -> (Vec<u8>, bool) {
    let len = file.metadata().map(|m| m.len()).unwrap_or(0);
    let start = len.saturating_sub(max as u64);
    let mut bytes = vec![0u8; (len - start) as usize];
    let got = file.read_at(&mut bytes, start).unwrap_or(0);
    bytes.truncate(got);
    (bytes, start > 0)
}

/// The last at most `max` bytes of `file` as the suffix of an error message about the command
/// or worker that wrote it (see `message_suffix`).
pub fn suffix_of_file(file: &File, max: usize) -> String {
    let (bytes, cut) = tail_of_file(file, max);
    message_suffix(&bytes, cut)
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
        let (tail, cut) = tail_of_file(f.as_file(), 1500);
        assert_eq!(tail.len(), 1500);
        assert!(cut);
        assert!(String::from_utf8_lossy(&tail).ends_with("line 199999\n"));
        let text = tail_text(&tail, true);
        assert!(text.starts_with("line "), "{text}");
        assert!(text.ends_with("line 199999"), "{text}");
        let suffix = suffix_of_file(f.as_file(), 30);
        assert!(
            suffix.starts_with("; the end of its stderr:\n  | line "),
            "{suffix}"
        );
        assert!(suffix.ends_with("  | line 199999"), "{suffix}");
    }

    #[test]
    fn a_short_or_empty_file_is_shown_whole_or_named_empty() {
        let mut f = tempfile::NamedTempFile::new().unwrap();
        assert_eq!(suffix_of_file(f.as_file(), 100), "; its stderr was empty");
        f.write_all(b"first\nboom\n").unwrap();
        assert_eq!(
            tail_of_file(f.as_file(), 100),
            (b"first\nboom\n".to_vec(), false)
        );
        assert_eq!(
            suffix_of_file(f.as_file(), 100),
            "; the end of its stderr:\n  | first\n  | boom"
        );
        // Cut mid-line: the partial first line is dropped.
        assert_eq!(
            suffix_of_file(f.as_file(), 8),
            "; the end of its stderr:\n  | boom"
        );
        assert_eq!(tail_text(b"\x1b[31mred\n", false), "\\x1b[31mred");
    }
}
