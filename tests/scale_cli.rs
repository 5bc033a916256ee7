//! Readable at scale: the simulated 192-CPU run (20 counts up to 768 workers) through
//! `plateau analyze`, whose terminal table, summary.md and report.html must hold one aligned
//! row per count, and whose verdict names what the hyperthreads add.

pub mod common;

#[test]
fn twenty_counts_to_768_workers_give_aligned_rows_in_every_table() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("xlarge");
    let o = common::plateau()
        .args(["analyze", "--out"])
        .arg(&out)
        .arg(common::fixture("xlarge-192cpu-simulated.json"))
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", common::stderr(&o));
    let stdout = String::from_utf8(o.stdout).unwrap();
    let counts = [
        1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 48, 64, 96, 128, 192, 240, 288, 384, 576, 768,
    ];
    // The terminal: a row per count, every column right-aligned like the header's (the
    // speedup's "x" at one place on every row, the workers column ending at one place).
    let header = stdout
        .lines()
        .find(|l| l.trim_start().starts_with("workers"))
        .unwrap();
    let speedup_end = header.find("speedup").unwrap() + "speedup".len();
    let rows: Vec<&str> = stdout
        .lines()
        .filter(|l| {
            let first = l.split_whitespace().next().unwrap_or("");
            first.parse::<usize>().is_ok() && l.contains('x')
        })
        .collect();
    assert_eq!(rows.len(), counts.len(), "{stdout}");
    let workers_end = header.find("workers").unwrap() + "workers".len();
    for (row, w) in rows.iter().zip(counts) {
        assert_eq!(
            row[..workers_end].trim_start(),
            w.to_string(),
            "workers column: {row}"
        );
        // Columns in characters: the interval column's "±" is two bytes.
        let chars: Vec<char> = row.chars().collect();
        assert_eq!(chars[speedup_end - 1], 'x', "speedup column: {row}");
    }
    // The verdict is wrapped for the terminal: read it as words.
    let words = stdout.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        words.contains("96 physical cores: the second hyperthreads add 3%"),
        "{stdout}"
    );
    // summary.md: a row per count, each with the header's number of cells.
    let md = std::fs::read_to_string(out.join("summary.md")).unwrap();
    let table: Vec<&str> = md.lines().filter(|l| l.starts_with("| ")).collect();
    let cells = |l: &str| l.matches(" | ").count();
    assert_eq!(
        table.len(),
        2 + counts.len(),
        "header, rule and a row per count: {md}"
    );
    assert!(table.iter().all(|l| cells(l) == cells(table[0])), "{md}");
    // report.html: the measurements table has a row per count.
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    let first = html.find("<tbody>").unwrap();
    let body = &html[first..first + html[first..].find("</tbody>").unwrap()];
    assert_eq!(body.matches("<tr").count(), counts.len());
}
