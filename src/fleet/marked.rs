//! The results channel every fleet engine shares: results.json printed to stdout between two
//! marker lines (`plateau run --emit-results`), and found again in any log that carries it (a
//! `kubectl logs` capture, a Slurm `.out` file, a CI log). Pure: text in, text out.
//!
//! Log systems may put a prefix before each line (a timestamp, a pod name, `0: ` from
//! `srun --label`). Whatever stands before the begin marker on its line is taken as that
//! prefix: each payload line loses the same text when it starts with it, else its first
//! space-separated token when the prefix is one token and a space (timestamps vary per line).
//! JSON ignores the indentation this may cost.

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
    let mut found = Vec::new();
    let mut open: Option<Open> = None;
    for (i, raw) in log.lines().enumerate() {
        let line = raw.strip_suffix('\r').unwrap_or(raw);
        if let Some(at) = line.find(BEGIN) {
            if let Some(o) = open.take() {
                found.push(o.truncated());
            }
            open = Some(Open {
                line: i + 1,
                prefix: line[..at].to_string(),
                payload: Vec::new(),
            });
            continue;
        }
        let Some(o) = open.as_mut() else { continue };
        if line.contains(END) {
            let o = open.take().expect("open block");
            found.push(Block::Complete {
                line: o.line,
                text: o.payload.join("\n") + "\n",
            });
        } else {
            let stripped = strip_prefix(line, &o.prefix).to_string();
            o.payload.push(stripped);
        }
    }
    if let Some(o) = open {
        found.push(o.truncated());
    }
    found
}

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

/// `line` without the log's prefix (see the module doc).
fn strip_prefix<'a>(line: &'a str, prefix: &str) -> &'a str {
    if prefix.is_empty() {
        return line;
    }
    if let Some(rest) = line.strip_prefix(prefix) {
        return rest;
    }
    let one_token = prefix.ends_with(' ') && !prefix.trim_end().contains(char::is_whitespace);
    match line.split_once(' ') {
        Some((_, rest)) if one_token => rest,
        _ => line,
    }
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
}
