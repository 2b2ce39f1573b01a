//! The original's asset pipelines (`execute_pipeline`): a value is bytes or
//! text, and each segment takes one and gives the other, as in Python.

use drydock_core::design::{DataPipelineStep, LocationPipelineStep};
use minijinja::{AutoEscape, Environment, UndefinedBehavior};

use super::context::TemplateContext;

/// The most fuel (minijinja instructions) one template may burn.
pub const TEMPLATE_FUEL: u64 = 1_000_000;
/// The largest output one template may produce, in bytes.
pub const MAX_TEMPLATE_OUTPUT: usize = 16 * 1024 * 1024;

/// A value flowing through a pipeline: Python's `bytes` or `str`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Value {
    /// Bytes.
    Bytes(Vec<u8>),
    /// Text.
    Text(String),
}

impl Value {
    /// The rendered bytes: text as UTF-8.
    pub fn into_bytes(self) -> Vec<u8> {
        match self {
            Value::Bytes(b) => b,
            Value::Text(t) => t.into_bytes(),
        }
    }
}

/// Runs `steps` over `value`; a failure names the step (as the original's
/// segment name) and why.
pub fn run_data(
    mut value: Value,
    steps: &[DataPipelineStep],
    context: &TemplateContext,
) -> Result<Value, (&'static str, String)> {
    for step in steps {
        let name = step_name(*step);
        value = data_step(value, *step, context).map_err(|why| (name, why))?;
    }
    Ok(value)
}

/// Runs a location pipeline (`template` only) over a location.
pub fn run_location(
    location: &str,
    steps: &[LocationPipelineStep],
    context: &TemplateContext,
) -> Result<String, String> {
    let mut location = location.to_owned();
    for step in steps {
        match step {
            LocationPipelineStep::Template => location = render_template(&location, context)?,
        }
    }
    Ok(location)
}

/// The original's name of a data pipeline segment.
pub fn step_name(step: DataPipelineStep) -> &'static str {
    match step {
        DataPipelineStep::Base64Encode => "base64_encode",
        DataPipelineStep::Base64Decode => "base64_decode",
        DataPipelineStep::Utf8Encode => "utf8_encode",
        DataPipelineStep::Utf8Decode => "utf8_decode",
        DataPipelineStep::Template => "template",
    }
}

fn data_step(
    value: Value,
    step: DataPipelineStep,
    context: &TemplateContext,
) -> Result<Value, String> {
    use base64::Engine as _;
    match (step, value) {
        (DataPipelineStep::Base64Encode, Value::Bytes(b)) => Ok(Value::Bytes(
            base64::engine::general_purpose::STANDARD
                .encode(b)
                .into_bytes(),
        )),
        (DataPipelineStep::Base64Decode, Value::Bytes(b)) => b64decode(&b).map(Value::Bytes),
        (DataPipelineStep::Base64Decode, Value::Text(t)) => {
            if !t.is_ascii() {
                return Err("string argument should contain only ASCII characters".into());
            }
            b64decode(t.as_bytes()).map(Value::Bytes)
        }
        (DataPipelineStep::Utf8Decode, Value::Bytes(b)) => String::from_utf8(b)
            .map(Value::Text)
            .map_err(|e| format!("the data is not UTF-8: {e}")),
        (DataPipelineStep::Utf8Encode, Value::Text(t)) => Ok(Value::Bytes(t.into_bytes())),
        (DataPipelineStep::Template, Value::Text(t)) => {
            render_template(&t, context).map(Value::Text)
        }
        (DataPipelineStep::Template, Value::Bytes(_)) => {
            Err("a template renders text: put utf8_decode before template".into())
        }
        (DataPipelineStep::Base64Encode, Value::Text(_)) => {
            Err("base64_encode takes bytes: put utf8_encode before it".into())
        }
        (DataPipelineStep::Utf8Decode, Value::Text(_)) => {
            Err("utf8_decode takes bytes, the data is already text".into())
        }
        (DataPipelineStep::Utf8Encode, Value::Bytes(_)) => {
            Err("utf8_encode takes text, the data is bytes".into())
        }
    }
}

/// Python's `base64.b64decode` (`binascii.a2b_base64`, not strict):
/// characters outside the alphabet are discarded, a complete padding ends
/// the data, and a last group of 2 or 3 characters needs its padding.
pub fn b64decode(input: &[u8]) -> Result<Vec<u8>, String> {
    let mut out = Vec::with_capacity(input.len() / 4 * 3);
    let (mut quad_pos, mut pads, mut left) = (0u8, 0u8, 0u32);
    for &c in input {
        if c == b'=' {
            pads += 1;
            if quad_pos >= 2 && quad_pos + pads >= 4 {
                return Ok(out);
            }
            continue;
        }
        let Some(v) = b64_value(c) else { continue };
        pads = 0;
        match quad_pos {
            0 => left = v,
            1 => {
                out.push(((left << 2) | (v >> 4)) as u8);
                left = v & 0x0f;
            }
            2 => {
                out.push(((left << 4) | (v >> 2)) as u8);
                left = v & 0x03;
            }
            _ => {
                out.push(((left << 6) | v) as u8);
                left = 0;
            }
        }
        quad_pos = (quad_pos + 1) & 3;
    }
    match quad_pos {
        0 => Ok(out),
        1 => Err(format!(
            "Invalid base64-encoded string: number of data characters ({}) cannot be 1 more than a multiple of 4",
            out.len() / 3 * 4 + 1
        )),
        _ => Err("Incorrect padding".into()),
    }
}

fn b64_value(c: u8) -> Option<u32> {
    Some(match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'+' => 62,
        b'/' => 63,
        _ => return None,
    } as u32)
}

/// Renders `source` as Jinja2's default environment does (one trailing
/// newline dropped, undefined values empty, no escaping), within
/// [`TEMPLATE_FUEL`] and [`MAX_TEMPLATE_OUTPUT`].
pub fn render_template(source: &str, context: &TemplateContext) -> Result<String, String> {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Lenient);
    env.set_auto_escape_callback(|_| AutoEscape::None);
    env.set_keep_trailing_newline(false);
    env.set_fuel(Some(TEMPLATE_FUEL));
    env.set_recursion_limit(64);
    env.set_formatter(python_formatter);
    let template = env
        .template_from_str(source)
        .map_err(|e| format!("the template does not parse: {e}"))?;
    let mut out = Bounded(Vec::new());
    template
        .render_captured_to(&context.0, &mut out)
        .map_err(|e| match e.kind() {
            minijinja::ErrorKind::WriteFailure => {
                format!("the template's output passes {MAX_TEMPLATE_OUTPUT} bytes")
            }
            minijinja::ErrorKind::OutOfFuel => {
                format!("the template runs too long (more than {TEMPLATE_FUEL} steps)")
            }
            _ => format!("the template fails: {e}"),
        })?;
    String::from_utf8(out.0).map_err(|e| format!("the template's output is not UTF-8: {e}"))
}

/// Prints values as Jinja2 does in Python: booleans `True`/`False`, none
/// `None` (undefined stays empty), lists and mappings as Python's repr
/// (`['a', 1]`, `{'k': True}`); strings and numbers as minijinja prints them.
fn python_formatter(
    out: &mut minijinja::Output<'_>,
    state: &minijinja::State<'_, '_>,
    value: &minijinja::Value,
) -> Result<(), minijinja::Error> {
    use minijinja::value::ValueKind;
    match value.kind() {
        ValueKind::Bool | ValueKind::None | ValueKind::Seq | ValueKind::Map => {
            let mut text = String::new();
            python_repr(value, &mut text, 0);
            out.write_str(&text)?;
            Ok(())
        }
        _ => minijinja::escape_formatter(out, state, value),
    }
}

/// Nesting printed before `...` stands for the rest (a template can build
/// lists nested as deep as its fuel allows).
const MAX_REPR_DEPTH: usize = 64;

/// Python's `repr` of `value` appended to `out`.
fn python_repr(value: &minijinja::Value, out: &mut String, depth: usize) {
    use minijinja::value::ValueKind;
    match value.kind() {
        ValueKind::Bool => out.push_str(if value.is_true() { "True" } else { "False" }),
        ValueKind::None => out.push_str("None"),
        ValueKind::Undefined => {}
        ValueKind::String => python_str_repr(value.as_str().unwrap_or_default(), out),
        ValueKind::Seq | ValueKind::Map if depth >= MAX_REPR_DEPTH => out.push_str("..."),
        ValueKind::Seq => {
            out.push('[');
            for (i, item) in value.try_iter().into_iter().flatten().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                python_repr(&item, out, depth + 1);
            }
            out.push(']');
        }
        ValueKind::Map => {
            out.push('{');
            for (i, key) in value.try_iter().into_iter().flatten().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                python_repr(&key, out, depth + 1);
                out.push_str(": ");
                let item = value.get_item(&key).unwrap_or_default();
                python_repr(&item, out, depth + 1);
            }
            out.push('}');
        }
        _ => out.push_str(&value.to_string()),
    }
}

/// Python's `repr` of a string: single quotes unless it holds a single
/// quote and no double quote; backslash, quote and control characters escaped.
fn python_str_repr(s: &str, out: &mut String) {
    let quote = if s.contains('\'') && !s.contains('"') {
        '"'
    } else {
        '\''
    };
    out.push(quote);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                out.push_str(&format!("\\x{:02x}", c as u32));
            }
            c => out.push(c),
        }
    }
    out.push(quote);
}

/// A writer refusing to grow past [`MAX_TEMPLATE_OUTPUT`].
struct Bounded(Vec<u8>);

impl std::io::Write for Bounded {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.0.len() + buf.len() > MAX_TEMPLATE_OUTPUT {
            return Err(std::io::Error::other("output too large"));
        }
        self.0.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}
