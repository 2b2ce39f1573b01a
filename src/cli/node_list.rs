//! `drydock node list [-o table|json]`: the nodes of the configured node
//! source (`[api] node_source`, [`drydock::nodes`]; built in: the newest
//! stored design), as `GET /nodes` answers them, or `GET /nodes` with `--url`,
//! printed as the original's CLI prints it (a PrettyTable, or JSON).

use clap::{Args, ValueEnum};
use serde_json::Value;

use super::store::StoreArg;
use super::{EXIT_CONFIG, EXIT_OK, EXIT_STORE, output, store};
use drydock::config::Config;
use drydock::nodes::{NodeContext, NodeSourceError};

/// The original's `node list -o` formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ListFormat {
    /// A table, as the original's PrettyTable (the default).
    Table,
    /// One JSON array.
    Json,
}

/// Arguments of `drydock node list`.
#[derive(Debug, Args)]
pub struct ListArgs {
    /// Output format: table (the default, as the original) or json.
    #[arg(short = 'o', long, value_enum, default_value = "table")]
    pub(super) output: ListFormat,
    #[command(flatten)]
    pub(super) store: StoreArg,
}

/// `node list` in store mode: what the configured node source lists (by
/// default the nodes of the newest stored design), as `GET /nodes` would.
pub async fn run(config: &Config, a: &ListArgs) -> u8 {
    let json = a.output == ListFormat::Json;
    let source = match drydock::nodes::node_source(&config.api().node_source, config) {
        Ok(source) => source,
        Err(err) => {
            output::report_error(&err, json, None);
            return EXIT_CONFIG;
        }
    };
    let opened = match store::open_existing(&a.store.url(config)).await {
        Ok(opened) => opened,
        Err(err) => {
            output::report_error(&drydock::Error::from(err), json, None);
            return EXIT_STORE;
        }
    };
    let context = drydock::Context::with_store(config.clone(), opened.clone());
    let found = source
        .nodes(&NodeContext::new(config, context.resolver(), &opened))
        .await;
    opened.close().await;
    match found {
        Ok(nodes) => {
            let nodes: Vec<Value> = nodes
                .iter()
                .map(|n| serde_json::to_value(n).unwrap_or(Value::Null))
                .collect();
            print_nodes(&nodes, a.output);
            EXIT_OK
        }
        Err(NodeSourceError::Store(err)) => {
            let code = store::exit_code(&err);
            output::report_error(&drydock::Error::from(err), json, None);
            code
        }
        Err(err) => {
            errln!("error: {}", output::safe(&err.to_string()));
            errln!("hint: `drydock validate REF` names the problems of a design");
            super::EXIT_FAILURE
        }
    }
}

/// The original's columns: header, and the field of `GET /nodes` shown.
const COLUMNS: [(&str, &str); 8] = [
    ("Node Name", "hostname"),
    ("Status", "status_name"),
    ("CPUs", "cpu_count"),
    ("Memory", "memory"),
    ("PXE MAC", "boot_mac"),
    ("Mgmt IP", "boot_ip"),
    ("IPMI IP", "power_address"),
    ("Power State", "power_state"),
];

/// Prints `GET /nodes` entries: a JSON array, or the original's table.
pub fn print_nodes(nodes: &[Value], format: ListFormat) {
    match format {
        ListFormat::Json => outln!("{}", Value::Array(nodes.to_vec())),
        ListFormat::Table => out!("{}", table(nodes)),
    }
}

/// A value as Python's `str()` shows it (`None`, `True`, a bare string).
fn python_str(value: Option<&Value>) -> String {
    match value {
        None | Some(Value::Null) => "None".into(),
        Some(Value::Bool(true)) => "True".into(),
        Some(Value::Bool(false)) => "False".into(),
        Some(Value::String(s)) => output::safe(s).into_owned(),
        Some(other) => other.to_string(),
    }
}

/// PrettyTable's centring: an odd excess puts the extra space on the right
/// of text of odd width, on the left of text of even width.
fn centre(text: &str, width: usize) -> String {
    let len = text.chars().count();
    let excess = width.saturating_sub(len);
    let (left, right) = if !excess.is_multiple_of(2) && len.is_multiple_of(2) {
        (excess / 2 + 1, excess / 2)
    } else {
        (excess / 2, excess - excess / 2)
    };
    format!("{}{text}{}", " ".repeat(left), " ".repeat(right))
}

/// The original's `PrettyTable` of the nodes (default style: a frame,
/// centred cells, one space of padding).
fn table(nodes: &[Value]) -> String {
    let rows: Vec<Vec<String>> = nodes
        .iter()
        .map(|n| COLUMNS.iter().map(|(_, f)| python_str(n.get(f))).collect())
        .collect();
    let widths: Vec<usize> = COLUMNS
        .iter()
        .enumerate()
        .map(|(i, (header, _))| {
            rows.iter()
                .map(|r| r[i].chars().count())
                .chain([header.len()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let rule: String = widths.iter().fold("+".into(), |mut s, w| {
        s.push_str(&"-".repeat(w + 2));
        s.push('+');
        s
    });
    let line = |cells: &mut dyn Iterator<Item = &str>| {
        cells.zip(&widths).fold(String::from("|"), |mut s, (c, w)| {
            s.push(' ');
            s.push_str(&centre(c, *w));
            s.push_str(" |");
            s
        })
    };
    let mut out = format!("{rule}\n");
    out.push_str(&line(&mut COLUMNS.iter().map(|(h, _)| *h)));
    out.push_str(&format!("\n{rule}\n"));
    for row in &rows {
        out.push_str(&line(&mut row.iter().map(String::as_str)));
        out.push('\n');
    }
    out.push_str(&rule);
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// PrettyTable 3.17.0 (the original's pin) printed these, from the
    /// original's `node list` code with the same rows.
    #[test]
    fn the_table_is_the_originals_prettytable() {
        let empty = "\
+-----------+--------+------+--------+---------+---------+---------+-------------+
| Node Name | Status | CPUs | Memory | PXE MAC | Mgmt IP | IPMI IP | Power State |
+-----------+--------+------+--------+---------+---------+---------+-------------+
+-----------+--------+------+--------+---------+---------+---------+-------------+
";
        assert_eq!(table(&[]), empty);
        let nodes = [
            json!({"hostname": "n1", "status_name": "Declared", "cpu_count": null,
                   "memory": null, "boot_mac": "52:54:00:aa:bb:cc", "boot_ip": "10.0.0.11",
                   "power_address": null, "power_state": "unknown"}),
            json!({"hostname": "node-long-name-x", "status_name": "BuildDataCollected",
                   "cpu_count": null, "memory": null, "boot_mac": null, "boot_ip": "10.0.0.1",
                   "power_address": "1.2.3.4", "power_state": "unknown"}),
        ];
        let two = "\
+------------------+--------------------+------+--------+-------------------+-----------+---------+-------------+
|    Node Name     |       Status       | CPUs | Memory |      PXE MAC      |  Mgmt IP  | IPMI IP | Power State |
+------------------+--------------------+------+--------+-------------------+-----------+---------+-------------+
|        n1        |      Declared      | None |  None  | 52:54:00:aa:bb:cc | 10.0.0.11 |   None  |   unknown   |
| node-long-name-x | BuildDataCollected | None |  None  |        None       |  10.0.0.1 | 1.2.3.4 |   unknown   |
+------------------+--------------------+------+--------+-------------------+-----------+---------+-------------+
";
        assert_eq!(table(&nodes), two);
    }
}
