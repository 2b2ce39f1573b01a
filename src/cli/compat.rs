//! The original Drydock CLI's habits: `-o yaml|json` (YAML by default for
//! build data, as the original), waiting for a task with `-b`, and hints
//! for the commands that have another name here (`design …`).

use std::time::Duration;

use clap::{Args, ValueEnum};
use drydock::store::{Store, Task, TaskStatus};
use serde_json::Value;

use super::{EXIT_FAILURE, EXIT_USAGE};

/// An output format the original's `-o/--output` names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// YAML, as the original's `yaml.safe_dump` (keys sorted, block style).
    Yaml,
    /// One JSON document.
    Json,
}

/// Arguments of the original's `drydock design …` (gone: designs are
/// references, judged by `drydock validate`).
#[derive(Debug, Args)]
pub struct DesignArgs {
    #[arg(trailing_var_arg = true, allow_hyphen_values = true, hide = true)]
    rest: Vec<String>,
}

/// `drydock design …`: names what replaced it.
pub fn design(_: &DesignArgs) -> u8 {
    errln!("error: there are no stored designs here: `design create|list|show` are gone");
    errln!(
        "hint: a design is a reference (file://, https://, deckhand+http://…); \
         `drydock validate REF` judges one, `drydock resolve REF --store` keeps a snapshot, \
         `drydock snapshots` lists them"
    );
    EXIT_USAGE
}

/// Waits until `task` is complete or terminated, looking every `poll`;
/// gives up after `limit` (a message and exit status 2).
pub async fn wait_done(
    store: &Store,
    mut task: Task,
    poll: Duration,
    limit: Duration,
) -> Result<Task, u8> {
    let started = std::time::Instant::now();
    while !matches!(task.status, TaskStatus::Complete | TaskStatus::Terminated) {
        if started.elapsed() > limit {
            errln!(
                "error: task {} is still {} after {}",
                task.task_id,
                task.status.as_str(),
                humantime::format_duration(limit)
            );
            errln!(
                "hint: is a worker running (`drydock worker`) that takes {}?",
                task.action.as_str()
            );
            return Err(EXIT_FAILURE);
        }
        let _ = store.wait_for_task(Duration::ZERO).await;
        tokio::time::sleep(poll).await;
        task = match store.get_task(task.task_id).await {
            Ok(task) => task,
            Err(err) => {
                super::output::print_error(&drydock::Error::from(err));
                return Err(super::EXIT_STORE);
            }
        };
    }
    Ok(task)
}

/// `value` as YAML in block style with sorted keys, as PyYAML's
/// `safe_dump(default_flow_style=False)` writes it; strings that could read
/// as something else are double-quoted (with JSON's escapes, which YAML's
/// double-quoted style shares).
pub fn yaml(value: &Value) -> String {
    let mut out = String::new();
    match value {
        Value::Array(a) if a.is_empty() => out.push_str("[]\n"),
        Value::Object(o) if o.is_empty() => out.push_str("{}\n"),
        Value::Array(_) | Value::Object(_) => emit(value, 0, &mut out),
        scalar => {
            out.push_str(&scalar_text(scalar));
            out.push('\n');
        }
    }
    out
}

fn emit(value: &Value, indent: usize, out: &mut String) {
    let pad = " ".repeat(indent);
    match value {
        Value::Array(items) => {
            for item in items {
                out.push_str(&pad);
                out.push('-');
                match item {
                    Value::Object(o) if !o.is_empty() => {
                        // The first key on the dash's line, the rest below it.
                        let mut first = String::new();
                        emit(item, indent + 2, &mut first);
                        out.push(' ');
                        out.push_str(first.trim_start());
                    }
                    Value::Array(a) if !a.is_empty() => {
                        out.push('\n');
                        emit(item, indent + 2, out);
                    }
                    scalar => {
                        out.push(' ');
                        out.push_str(&scalar_text(scalar));
                        out.push('\n');
                    }
                }
            }
        }
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            for key in keys {
                let v = &map[key];
                out.push_str(&pad);
                out.push_str(&string_text(key));
                out.push(':');
                match v {
                    Value::Object(o) if !o.is_empty() => {
                        out.push('\n');
                        emit(v, indent + 2, out);
                    }
                    Value::Array(a) if !a.is_empty() => {
                        out.push('\n');
                        emit(v, indent, out);
                    }
                    scalar => {
                        out.push(' ');
                        out.push_str(&scalar_text(scalar));
                        out.push('\n');
                    }
                }
            }
        }
        scalar => {
            out.push_str(&pad);
            out.push_str(&scalar_text(scalar));
            out.push('\n');
        }
    }
}

fn scalar_text(v: &Value) -> String {
    match v {
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => string_text(s),
        Value::Array(_) => "[]".into(),
        Value::Object(_) => "{}".into(),
    }
}

/// A string plain when it cannot read as anything else, else double-quoted.
fn string_text(s: &str) -> String {
    const WORDS: &[&str] = &["true", "false", "yes", "no", "on", "off", "null"];
    let plain = s
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c == '/')
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || " _.-/:+@".contains(c))
        && !s.ends_with(' ')
        && !s.contains(": ")
        && !s.ends_with(':')
        && !WORDS.contains(&s.to_ascii_lowercase().as_str());
    if plain {
        s.to_owned()
    } else {
        serde_json::to_string(s).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::yaml;
    use serde_json::json;

    #[test]
    fn yaml_is_block_style_with_sorted_keys_and_quotes_what_could_misread() {
        let v = json!([
            {"node_name": "n1", "data_element": "line 1\nline \"2\"", "collected_date": "2018-03-01T10:05:00Z",
             "generator": "lshw", "flag": "yes", "n": 3, "url": "http://h/x", "none": null},
            {"a": ["x", {"b": "c"}], "e": []}
        ]);
        assert_eq!(
            yaml(&v),
            "- collected_date: \"2018-03-01T10:05:00Z\"\n  data_element: \"line 1\\nline \\\"2\\\"\"\n  \
             flag: \"yes\"\n  generator: lshw\n  n: 3\n  node_name: n1\n  none: null\n  url: http://h/x\n\
             - a:\n  - x\n  - b: c\n  e: []\n"
        );
        assert_eq!(yaml(&json!([])), "[]\n");
    }
}
