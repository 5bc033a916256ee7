//! The results channel every fleet engine shares: results.json printed to stdout between two
//! marker lines (`plateau run --emit-results`), and found again in any log that carries it (a
//! `kubectl logs` capture, a Slurm `.out` file, a CI log). Pure: text in, text out.
//!
//! Log systems may put a prefix before each line (a timestamp, a pod name, both, `0: ` from
//! `srun --label`). Whatever stands before the begin marker on its line is taken as that
//! prefix: each payload line loses the same text when it starts with it, else as many
//! space-separated tokens as the prefix has (timestamps vary per line). JSON ignores the
//! indentation this may cost. A marker counts only at the end of its line, so the marker's
//! text inside the JSON (in a label or a command argument) never opens or closes a block.

/// The line before the results.json text.
pub const BEGIN: &str = "----- BEGIN PLATEAU RESULTS.JSON -----";
/// The line after it.
pub const END: &str = "----- END PLATEAU RESULTS.JSON -----";

/// results.json text wrapped in the markers, each on its own line.
pub fn wrap(results_json: &str) -> String {
    let body = results_json.trim_end_matches('\n');
    format!("{BEGIN}\n{body}\n{END}\n")
}

/// One marked block found in a log.
#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    /// A begin and an end marker with the results.json text between them.
    Complete {
        /// 1-based line of the begin marker.
        line: usize,
        /// The text between the markers, with the log's line prefixes removed.
        text: String,
    },
    /// A begin marker whose end never came (the log was cut, or the job was killed while
    /// printing); `lines` payload lines were seen.
    Truncated {
        /// 1-based line of the begin marker.
        line: usize,
        /// Payload lines before the log ended or another block began.
        lines: usize,
    },
}

/// Every marked block of `log`, in order. A begin marker inside an open block closes the open
/// one as truncated (two jobs' logs concatenated, the first cut short).
pub fn blocks(log: &str) -> Vec<Block> {
    let mut scan = Scanner::default();
    log.lines().for_each(|l| scan.line(l));
    scan.finish()
}

/// The blocks of a log read line by line (a log too large to hold whole): feed every line in
/// order, then `finish`. Only the open block's payload is held.
#[derive(Debug, Default)]
pub struct Scanner {
    found: Vec<Block>,
    open: Option<Open>,
    lines: usize,
}

impl Scanner {
    /// The log's next line (its `\n` removed; a `\r` before it is ignored).
    pub fn line(&mut self, raw: &str) {
        self.lines += 1;
        let line = raw.strip_suffix('\r').unwrap_or(raw).trim_end();
        // A marker ends its line: the same text inside the JSON (a label, an argument) is
        // always followed by the string's closing quote.
        if let Some(prefix) = line.strip_suffix(BEGIN) {
            if let Some(o) = self.open.take() {
                self.found.push(o.truncated());
            }
            self.open = Some(Open {
                line: self.lines,
                prefix: prefix.to_string(),
                payload: Vec::new(),
            });
            return;
        }
        let Some(o) = self.open.as_mut() else { return };
        if line.ends_with(END) {
            let o = self.open.take().expect("open block");
            self.found.push(Block::Complete {
                line: o.line,
                text: o.payload.join("\n") + "\n",
            });
        } else {
            let stripped = strip_prefix(raw.strip_suffix('\r').unwrap_or(raw), &o.prefix);
            o.payload.push(stripped.to_string());
        }
    }

    /// Every block found, an open one closed as truncated.
    pub fn finish(mut self) -> Vec<Block> {
        if let Some(o) = self.open.take() {
            self.found.push(o.truncated());
        }
        self.found
    }
}

#[derive(Debug)]
struct Open {
    line: usize,
    prefix: String,
    payload: Vec<String>,
}

impl Open {
    fn truncated(self) -> Block {
        Block::Truncated {
            line: self.line,
            lines: self.payload.len(),
        }
    }
}

/// `line` without the log's prefix (see the module doc): the prefix itself when the line
/// starts with it, else as many space-separated tokens as the prefix has (timestamps vary per
/// line, and `kubectl logs --prefix --timestamps` puts a pod name and a timestamp there).
fn strip_prefix<'a>(line: &'a str, prefix: &str) -> &'a str {
    if prefix.is_empty() {
        return line;
    }
    if let Some(rest) = line.strip_prefix(prefix) {
        return rest;
    }
    if !prefix.ends_with(' ') {
        return line;
    }
    let mut rest = line;
    for _ in 0..prefix.split_whitespace().count() {
        match rest.split_once(' ') {
            Some((_, r)) => rest = r,
            None => return line,
        }
    }
    rest
}

#[cfg(test)]
mod tests {
    use super::*;

    const JSON: &str = "{\n  \"schema_version\": 1,\n  \"run\": {\"label\": \"a\"}\n}\n";

    #[test]
    fn a_wrapped_result_comes_back_whole_among_other_output() {
        let log = format!("table line\n{}more output\n", wrap(JSON));
        assert_eq!(
            blocks(&log),
            [Block::Complete {
                line: 2,
                text: JSON.into()
            }]
        );
    }

    #[test]
    fn prefixes_of_log_systems_are_removed() {
        // Timestamps of varying width (kubectl --timestamps trims trailing zeros).
        let stamped: String = wrap(JSON)
            .lines()
            .enumerate()
            .map(|(i, l)| format!("2026-12-01T22:15:4{i}.{}Z {l}\r\n", "5".repeat(i + 1)))
            .collect();
        let Block::Complete { text, .. } = &blocks(&stamped)[0] else {
            panic!("{stamped}")
        };
        let v: serde_json::Value = serde_json::from_str(text).unwrap();
        assert_eq!(v["run"]["label"], "a");
        // A fixed prefix with spaces in it (kubectl logs --prefix).
        let prefixed: String = wrap(JSON)
            .lines()
            .map(|l| format!("[pod/x-1/plateau] {l}\n"))
            .collect();
        let Block::Complete { text, .. } = &blocks(&prefixed)[0] else {
            panic!()
        };
        assert_eq!(text.as_str(), JSON);
    }

    #[test]
    fn a_cut_log_and_a_block_interrupted_by_another_are_truncated() {
        let full = wrap(JSON);
        let cut = &full[..full.len() / 2];
        assert_eq!(blocks(cut), [Block::Truncated { line: 1, lines: 2 }]);
        let two = format!("{cut}\n{full}");
        let found = blocks(&two);
        assert!(matches!(found[0], Block::Truncated { line: 1, .. }));
        assert!(matches!(found[1], Block::Complete { .. }));
        assert!(blocks("no result here\n").is_empty());
    }

    #[test]
    fn marker_text_inside_the_json_is_not_a_marker() {
        let json =
            format!("{{\n  \"run\": {{\"label\": \"{END}\"}},\n  \"argv\": [\"{BEGIN}\"]\n}}\n");
        let Block::Complete { text, .. } = &blocks(&wrap(&json))[0] else {
            panic!()
        };
        assert_eq!(text, &json);
        assert_eq!(blocks(&wrap(&json)).len(), 1);
    }

    #[test]
    fn a_pod_prefix_and_a_timestamp_together_are_removed() {
        let log: String = wrap(JSON)
            .lines()
            .enumerate()
            .map(|(i, l)| {
                format!(
                    "[pod/x-1/plateau] 2026-12-01T22:15:4{i}.{}Z {l}\n",
                    "7".repeat(i + 1)
                )
            })
            .collect();
        let Block::Complete { text, .. } = &blocks(&log)[0] else {
            panic!("{log}")
        };
        let v: serde_json::Value = serde_json::from_str(text).unwrap();
        assert_eq!(v["run"]["label"], "a");
    }
}
