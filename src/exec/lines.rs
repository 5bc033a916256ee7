//! A worker's output reassembled into lines in linear time, each line capped: bytes are appended
//! as they arrive, the search for a newline resumes where the last one stopped, and consumed
//! lines are dropped in bulk, so a long line read in many small pieces costs no more than its
//! length, and a line past the cap is refused instead of filling memory.

/// The longest line a worker may write, in bytes (an `error MESSAGE` with a long traceback fits
/// well inside it).
pub const MAX_LINE_BYTES: usize = 64 * 1024;

/// A line longer than the cap: how many bytes of it had arrived.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TooLong(pub usize);

/// Bytes received and not yet returned as lines.
#[derive(Debug)]
pub struct Lines {
    buf: Vec<u8>,
    /// Where the next line starts in `buf`.
    start: usize,
    /// How far from `start` no newline was found.
    scanned: usize,
    max: usize,
}

impl Default for Lines {
    fn default() -> Self {
        Self::with_cap(MAX_LINE_BYTES)
    }
}

impl Lines {
    /// Lines of at most `max` bytes (without their newline).
    pub fn with_cap(max: usize) -> Self {
        Self {
            buf: Vec::new(),
            start: 0,
            scanned: 0,
            max,
        }
    }

    /// Appends bytes as they arrived.
    pub fn push(&mut self, bytes: &[u8]) {
        // Drop the consumed prefix once it is at least half the buffer: amortised linear.
        if self.start > 0 && self.start * 2 >= self.buf.len() {
            self.buf.drain(..self.start);
            self.scanned -= self.start;
            self.start = 0;
        }
        self.buf.extend_from_slice(bytes);
    }

    /// The next complete line, without its `\n` (and a `\r` before it), decoded lossily; none
    /// yet; or `TooLong` once the line under way (complete or not) is past the cap.
    pub fn next_line(&mut self) -> Result<Option<String>, TooLong> {
        let from = self.scanned.max(self.start);
        match self.buf[from..].iter().position(|&b| b == b'\n') {
            Some(k) => {
                let end = from + k;
                if end - self.start > self.max {
                    return Err(TooLong(end - self.start));
                }
                let text = String::from_utf8_lossy(&self.buf[self.start..end]);
                let line = text.strip_suffix('\r').unwrap_or(&text).to_string();
                self.start = end + 1;
                self.scanned = self.start;
                Ok(Some(line))
            }
            None => {
                self.scanned = self.buf.len();
                let pending = self.buf.len() - self.start;
                if pending > self.max {
                    Err(TooLong(pending))
                } else {
                    Ok(None)
                }
            }
        }
    }

    /// Bytes received that are not yet part of a returned line.
    pub fn pending(&self) -> usize {
        self.buf.len() - self.start
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_come_whole_whatever_the_pieces() {
        let mut l = Lines::default();
        l.push(b"rea");
        assert_eq!(l.next_line(), Ok(None));
        l.push(b"dy 1\r\nok\nerr");
        assert_eq!(l.next_line(), Ok(Some("ready 1".into())));
        assert_eq!(l.next_line(), Ok(Some("ok".into())));
        assert_eq!(l.next_line(), Ok(None));
        l.push(b"or \xff\n");
        assert_eq!(l.next_line(), Ok(Some("error \u{fffd}".into())));
        assert_eq!(l.pending(), 0);
    }

    #[test]
    fn a_line_past_the_cap_is_refused_complete_or_not() {
        let mut l = Lines::with_cap(10);
        l.push(b"0123456789\n");
        assert_eq!(l.next_line(), Ok(Some("0123456789".into())));
        l.push(b"0123456789A");
        assert_eq!(l.next_line(), Err(TooLong(11)));
        let mut l = Lines::with_cap(10);
        l.push(b"0123456789AB\n");
        assert_eq!(l.next_line(), Err(TooLong(12)));
    }

    #[test]
    fn a_long_line_in_small_pieces_is_scanned_once() {
        // One byte at a time up to the cap: each search resumes where the last one stopped, so
        // the whole line is scanned once, not once per piece.
        let mut l = Lines::default();
        for _ in 0..MAX_LINE_BYTES - 1 {
            l.push(b"x");
            assert_eq!(l.next_line(), Ok(None));
            assert_eq!(
                l.scanned,
                l.buf.len(),
                "the next search starts at the new bytes"
            );
        }
        l.push(b"\n");
        assert_eq!(l.next_line().unwrap().unwrap().len(), MAX_LINE_BYTES - 1);
    }

    #[test]
    fn consumed_lines_are_dropped() {
        let mut l = Lines::default();
        for i in 0..10_000 {
            l.push(format!("ok {i}\n").as_bytes());
            assert_eq!(l.next_line(), Ok(Some(format!("ok {i}"))));
        }
        assert!(l.buf.len() < 64, "{}", l.buf.len());
    }
}
