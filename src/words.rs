//! Counted nouns for the sentences plateau writes, shared by the analysis's verdict and every
//! report writer so "1 worker" and "8 workers" read the same everywhere. Pure.

/// `n` and the noun, plural unless `n` is 1: "1 worker", "8 workers", "2 physical cores".
pub fn count(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("{n} {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

/// "1 worker", "8 workers".
pub fn workers(n: usize) -> String {
    count(n, "worker")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_is_singular_and_every_other_count_plural() {
        assert_eq!(workers(1), "1 worker");
        assert_eq!(workers(0), "0 workers");
        assert_eq!(workers(8), "8 workers");
        assert_eq!(count(1, "hardware thread"), "1 hardware thread");
        assert_eq!(count(2, "physical core"), "2 physical cores");
    }
}
