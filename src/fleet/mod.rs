//! Fleets on engines people already run: the results channel every engine shares (results.json
//! between markers in a job's log), collecting results from many machines, and the manifests
//! that run `plateau run --emit-results` as Kubernetes Jobs or a Slurm job array. plateau
//! schedules no machines itself.

pub mod collect;
pub mod k8s;
pub mod log_reader;
pub mod machines;
pub mod marked;
pub mod run_flags;
pub mod slurm;
pub mod yaml;

/// The default fleet name: `plateau-<date>-<time>` from a folder stamp (`2026-12-01_221500`),
/// lowercase letters, digits and `-` only, so it is a valid Kubernetes name and label value.
pub fn default_name(folder_stamp: &str) -> String {
    let digits: String = folder_stamp
        .chars()
        .map(|c| if c.is_ascii_digit() { c } else { '-' })
        .collect();
    format!("plateau-{}", digits.replace("--", "-").trim_matches('-'))
}

/// `text` as a name part: lowercase ASCII letters and digits, other runs of characters as one
/// `-`, at most `max` characters, never empty ("machine" when nothing is left).
pub fn slug(text: &str, max: usize) -> String {
    let mut out = String::new();
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    let mut s: String = out.trim_matches('-').chars().take(max).collect();
    while s.ends_with('-') {
        s.pop();
    }
    if s.is_empty() { "machine".into() } else { s }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_kubernetes_safe() {
        assert_eq!(
            default_name("2026-12-01_221500"),
            "plateau-2026-12-01-221500"
        );
        assert_eq!(slug("C7i.2xlarge (spot)", 63), "c7i-2xlarge-spot");
        assert_eq!(slug("***", 63), "machine");
        assert_eq!(slug("abc-def", 4), "abc");
    }
}
