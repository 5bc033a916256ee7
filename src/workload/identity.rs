//! What makes two runs' work the same: a workload's recorded parameters (`config.workload`)
//! without those it calibrates on the machine it runs on. `tiny` records the kernel iterations
//! it measured for its `--work-ns`; two runs of `tiny --work-ns 1000` did the same work even
//! when their machines (or their moments) calibrated different counts. Pure.

use serde_json::Value;

/// The parameters a workload named `name` derives on its machine rather than takes from the
/// user.
pub fn calibrated_parameters(name: &str) -> &'static [&'static str] {
    match name {
        super::tiny::NAME => &["iterations"],
        _ => &[],
    }
}

/// `workload` (a `config.workload` object) without its calibrated parameters; anything else
/// unchanged.
pub fn identity(workload: &Value) -> Value {
    let Some(obj) = workload.as_object() else {
        return workload.clone();
    };
    let name = obj.get("name").and_then(Value::as_str).unwrap_or("");
    let skip = calibrated_parameters(name);
    Value::Object(
        obj.iter()
            .filter(|(k, _)| !skip.contains(&k.as_str()))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn calibrated_parameters_do_not_make_a_different_workload() {
        let a = json!({"name": "tiny", "work_ns": 1000, "iterations": 2900});
        let b = json!({"name": "tiny", "work_ns": 1000, "iterations": 3100});
        let c = json!({"name": "tiny", "work_ns": 2000, "iterations": 2900});
        assert_eq!(identity(&a), identity(&b));
        assert_ne!(
            identity(&a),
            identity(&c),
            "what the user chose still counts"
        );
        let cpu = json!({"name": "cpu", "iterations": 5});
        assert_eq!(
            identity(&cpu),
            cpu,
            "a cpu task's iterations are the user's"
        );
        assert_eq!(identity(&json!("x")), json!("x"));
    }
}
