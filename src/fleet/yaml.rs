//! A small YAML writer for the manifests: JSON values as block YAML, every string
//! double-quoted with JSON's escapes (valid YAML), so no value can be read as another type
//! (`"no"`, `"1.0"`) or break the layout. Pure.

use serde_json::Value;

/// `value` (an object) as a YAML document, without the leading `---`.
pub fn document(value: &Value) -> String {
    let mut out = String::new();
    block(value, 0, &mut out);
    out
}

fn block(value: &Value, indent: usize, out: &mut String) {
    let pad = " ".repeat(indent);
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                out.push_str(&format!("{pad}{}:", key(k)));
                after_key(v, indent, out);
            }
        }
        Value::Array(items) => {
            for v in items {
                out.push_str(&format!("{pad}-"));
                match v {
                    Value::Object(map) if !map.is_empty() => {
                        // The first key on the dash's line, the rest aligned under it.
                        let mut inner = String::new();
                        block(v, indent + 2, &mut inner);
                        out.push(' ');
                        out.push_str(inner.trim_start());
                    }
                    _ => after_key(v, indent, out),
                }
            }
        }
        other => {
            out.push_str(&format!("{pad}{}\n", scalar(other)));
        }
    }
}

fn after_key(v: &Value, indent: usize, out: &mut String) {
    match v {
        Value::Object(m) if !m.is_empty() => {
            out.push('\n');
            block(v, indent + 2, out);
        }
        Value::Array(a) if !a.is_empty() => {
            out.push('\n');
            block(v, indent + 2, out);
        }
        other => out.push_str(&format!(" {}\n", scalar(other))),
    }
}

fn scalar(v: &Value) -> String {
    match v {
        Value::Object(_) => "{}".into(),
        Value::Array(_) => "[]".into(),
        // JSON's literals and double-quoted strings are YAML's too.
        other => other.to_string(),
    }
}

/// Keys plain when they are safe identifiers (`node.kubernetes.io/instance-type`), else quoted.
fn key(k: &str) -> String {
    let plain = !k.is_empty()
        && k.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && k.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./".contains(c));
    if plain {
        k.to_string()
    } else {
        Value::String(k.into()).to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn nested_maps_lists_and_scalars() {
        let doc = document(&json!({
            "kind": "Job",
            "spec": {"backoffLimit": 0, "args": ["run", "--label", "a \"b\"\nc"]},
            "containers": [{"name": "p", "env": []}, "x"],
            "empty": {},
            "weird key": "no"
        }));
        // serde_json's maps keep keys sorted.
        let want = "containers:\n  - env: []\n    name: \"p\"\n  - \"x\"\nempty: {}\nkind: \"Job\"\nspec:\n  args:\n    - \"run\"\n    - \"--label\"\n    - \"a \\\"b\\\"\\nc\"\n  backoffLimit: 0\n\"weird key\": \"no\"\n";
        assert_eq!(doc, want, "\n{doc}");
    }
}
