//! The results.json reader on bad input: named cases (missing, empty, huge, truncated,
//! malformed, newer, ill-typed) and property tests over arbitrary bytes and mutations of a valid
//! file. Every outcome is a record or a usage error, never a panic; and any record that is
//! accepted can be summarized and rendered without a panic.

use super::*;
use crate::error::UsageError;
use proptest::prelude::*;
use serde_json::Value;

const VALID: &str = include_str!("../../../tests/fixtures/results-v1.json");

fn src() -> &'static Path {
    Path::new("r.json")
}

/// The usage message of a failed parse; panics (failing the test) on any other outcome.
fn refused(text: &str) -> String {
    let e = parse(text, src()).expect_err("should be refused");
    assert!(
        e.downcast_ref::<UsageError>().is_some(),
        "not a usage error: {e}"
    );
    e.to_string()
}

/// Everything downstream of the reader that a re-render would run.
fn use_record(mut r: RunRecord) {
    let tasks = r.config.tasks;
    summarize_for_test(&mut r, tasks);
    let _ = crate::render::chart::render(&r);
    let _ = crate::term::table::render(&r);
    let _ = crate::term::table::summary_line(&r);
    let _ = crate::term::notes::render(&r);
    let _ = render(&r);
}

fn summarize_for_test(r: &mut RunRecord, tasks: u64) {
    crate::summary::summarize_points(&mut r.points, tasks, r.config.seed);
}

/// Ok must be usable, Err must be a usage error naming the file.
fn judge(result: anyhow::Result<RunRecord>) -> Result<(), TestCaseError> {
    match result {
        Ok(r) => {
            use_record(r);
            Ok(())
        }
        Err(e) => {
            prop_assert!(e.downcast_ref::<UsageError>().is_some(), "{e}");
            prop_assert!(e.to_string().contains("r.json"), "{e}");
            Ok(())
        }
    }
}

#[test]
fn the_fixture_is_valid_and_round_trips() {
    let r = parse(VALID, src()).unwrap();
    assert_eq!(r.points.len(), 3);
    let again = parse(std::str::from_utf8(&render(&r)).unwrap(), src()).unwrap();
    assert_eq!(r, again);
}

#[test]
fn named_bad_inputs_get_one_sentence_each() {
    assert!(refused("").contains("is empty"));
    assert!(refused("  \n").contains("is empty"));
    let cut = refused(&VALID[..VALID.len() / 2]);
    assert!(cut.contains("ends early (truncated?) at line"), "{cut}");
    let junk = refused("{\"schema_version\": 1,, }");
    assert!(
        junk.contains("is not valid JSON at line 1 column"),
        "{junk}"
    );
    assert!(refused("[1, 2]").contains("not an object"));
    assert!(refused("{}").contains("no whole-number schema_version"));
    let newer = VALID.replacen("\"schema_version\": 1", "\"schema_version\": 2", 1);
    assert!(refused(&newer).contains("newer than this plateau reads (1)"));
    let zero = VALID.replacen("\"schema_version\": 1", "\"schema_version\": 0", 1);
    assert!(refused(&zero).contains("schema_version 0"));
    let typed = VALID.replacen("\"tasks\": 6", "\"tasks\": \"six\"", 1);
    let msg = refused(&typed);
    assert!(
        msg.contains("does not match the results.json schema at line") && msg.contains("u64"),
        "{msg}"
    );
    let negative = VALID.replacen("\"tasks\": 6", "\"tasks\": -6", 1);
    assert!(refused(&negative).contains("schema"));
    let mut v: Value = serde_json::from_str(VALID).unwrap();
    v["points"][1]["workers"] = Value::from(1);
    assert!(refused(&v.to_string()).contains("two points at 1 worker"));
    v["points"][1]["workers"] = Value::from(0);
    assert!(refused(&v.to_string()).contains("0 workers"));
}

#[test]
fn files_missing_huge_binary_or_folders_are_refused_before_parsing() {
    let tmp = tempfile::tempdir().unwrap();
    let missing = read(&tmp.path().join("nope.json")).unwrap_err();
    assert!(missing.to_string().starts_with("cannot read"), "{missing}");
    let dir = read(tmp.path()).unwrap_err();
    assert!(dir.to_string().contains("is a folder"), "{dir}");
    let huge = tmp.path().join("huge.json");
    // Sparse: the size is set without writing (or reading) 300 MiB.
    std::fs::File::create(&huge)
        .unwrap()
        .set_len(crate::input::MAX_BYTES + 1)
        .unwrap();
    let e = read(&huge).unwrap_err();
    assert!(e.to_string().contains("larger than 256 MiB"), "{e}");
    let binary = tmp.path().join("bin.json");
    std::fs::write(&binary, [0x7b, 0xff, 0xfe, 0x00]).unwrap();
    let e = read(&binary).unwrap_err();
    assert!(e.to_string().contains("not UTF-8"), "{e}");
    for e in [missing, dir, e] {
        assert!(e.downcast_ref::<UsageError>().is_some());
    }
}

#[test]
fn extreme_but_well_typed_records_render() {
    let mut v: Value = serde_json::from_str(VALID).unwrap();
    v["points"][2]["workers"] = Value::from(u64::MAX);
    v["config"]["tasks"] = Value::from(0);
    v["points"][0]["samples"][0]["wall_s"] = Value::from(0.0);
    v["points"][1]["samples"] = Value::Array(vec![]);
    v["machine"]["effective_cpus"] = Value::from(0);
    v["machine"]["load_average_1m"] = Value::from(-3.0);
    use_record(parse(&v.to_string(), src()).unwrap());
}

/// Every location in a JSON value, as a path of keys and indices.
fn paths(v: &Value, here: Vec<PathStep>, out: &mut Vec<Vec<PathStep>>) {
    out.push(here.clone());
    match v {
        Value::Object(m) => {
            for (k, child) in m {
                let mut p = here.clone();
                p.push(PathStep::Key(k.clone()));
                paths(child, p, out);
            }
        }
        Value::Array(a) => {
            for (i, child) in a.iter().enumerate() {
                let mut p = here.clone();
                p.push(PathStep::Index(i));
                paths(child, p, out);
            }
        }
        _ => {}
    }
}

#[derive(Debug, Clone)]
enum PathStep {
    Key(String),
    Index(usize),
}

fn at<'a>(v: &'a mut Value, path: &[PathStep]) -> &'a mut Value {
    path.iter().fold(v, |v, step| match step {
        PathStep::Key(k) => &mut v[k.as_str()],
        PathStep::Index(i) => &mut v[*i],
    })
}

fn any_value() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>()
            .prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
        Just(Value::from(0)),
        Just(Value::from(-1)),
        Just(Value::from(1e300)),
        ".{0,8}".prop_map(Value::from),
        Just(Value::Array(vec![])),
        Just(serde_json::json!({})),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        judge(parse(&String::from_utf8_lossy(&bytes), src()))?;
    }

    #[test]
    fn byte_mutations_of_a_valid_file_never_panic(
        cut in 0usize..6000,
        flips in prop::collection::vec((0usize..6000, any::<u8>()), 0..6),
        insert in ".{0,6}",
    ) {
        let mut bytes = VALID.as_bytes().to_vec();
        for (at, b) in flips {
            let i = at % bytes.len();
            bytes[i] = b;
        }
        let at = cut % (bytes.len() + 1);
        let mut text = String::from_utf8_lossy(&bytes[..at]).into_owned();
        text.push_str(&insert);
        text.push_str(&String::from_utf8_lossy(&bytes[at..]));
        judge(parse(&text, src()))?;
        judge(parse(&String::from_utf8_lossy(&VALID.as_bytes()[..at]), src()))?;
    }

    #[test]
    fn value_mutations_of_a_valid_file_never_panic(
        picks in prop::collection::vec((any::<prop::sample::Index>(), any_value()), 1..4),
    ) {
        let mut v: Value = serde_json::from_str(VALID).unwrap();
        for (pick, new) in picks {
            let mut all = Vec::new();
            paths(&v, vec![], &mut all);
            let path = pick.get(&all).clone();
            *at(&mut v, &path) = new;
        }
        judge(parse(&v.to_string(), src()))?;
    }
}
