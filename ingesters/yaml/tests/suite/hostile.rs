//! Hostile input ends in a clear report, within bounded time and memory:
//! never a crash, a hang or a stack overflow.

use drydock_core::{Bytes, IngestOptions, Ingested, Ingester, Level, Status};
use drydock_ingester_yaml::YamlIngester;

const NETWORK: &str =
    "apiVersion: drydock/v1\nkind: Network\nmetadata:\n  name: mgmt\nspec:\n  mtu: 1500\n";

fn ingest(bytes: impl Into<Bytes>) -> Ingested {
    YamlIngester::default()
        .ingest(&bytes.into(), &IngestOptions::default())
        .expect("problems are reported, not returned as errors")
}

fn only_error(out: &Ingested) -> &drydock_core::Message {
    assert_eq!(out.report.status, Status::Failure, "{:#?}", out.report);
    assert_eq!(out.report.error_count(), 1, "{:#?}", out.report);
    &out.report.messages[0]
}

#[test]
fn non_utf8_bytes_are_reported_with_their_position() {
    let mut bytes = NETWORK.as_bytes().to_vec();
    bytes.extend_from_slice(b"  vlan: '\xff\xfe'\n");
    let out = ingest(bytes);
    let m = only_error(&out);
    assert_eq!(m.code, "DD000");
    assert!(m.message.contains("not valid UTF-8"), "{}", m.message);
    assert!(m.message.contains("0xff"), "{}", m.message);
    let loc = m.location.unwrap();
    assert_eq!((loc.line, loc.column), (7, 10));
    assert!(out.design.is_empty());
}

#[test]
fn a_syntax_error_names_line_and_column_and_spares_other_documents() {
    let text = format!(
        "{NETWORK}---\napiVersion: drydock/v1\nkind: Rack\nmetadata: {{name: [r1\nspec: {{}}\n"
    );
    let out = ingest(text);
    let m = only_error(&out);
    assert!(m.message.contains("YAML syntax error"), "{}", m.message);
    assert_eq!(m.location.unwrap().line, 11);
    assert!(out.design.networks.contains_key("mgmt"));
}

#[test]
fn a_document_that_is_not_a_mapping_is_an_error() {
    for doc in ["- a\n- b\n", "just a string\n", "42\n"] {
        let out = ingest(format!("{NETWORK}---\n{doc}"));
        let m = only_error(&out);
        assert!(m.message.contains("not a mapping"), "{}", m.message);
        assert_eq!(m.location.unwrap().line, 8);
        assert!(out.design.networks.contains_key("mgmt"));
    }
}

#[test]
fn a_duplicate_key_keeps_the_later_value_with_a_warning_naming_both_lines() {
    let out = ingest(format!("{NETWORK}  vlan: '5'\n  mtu: 9000\n  mtu: 1280\n"));
    assert_eq!(out.report.status, Status::Success, "{:#?}", out.report);
    let mgmt = &out.design.networks["mgmt"].data;
    assert_eq!((mgmt.mtu, mgmt.vlan.as_deref()), (Some(1280), Some("5")));
    let w: Vec<_> = out
        .report
        .messages
        .iter()
        .map(|m| (m.level, m.message.as_str(), m.location.unwrap().line))
        .collect();
    assert_eq!(
        w,
        [
            (
                Level::Warning,
                "duplicate key 'mtu' at lines 6 and 8: the later value wins, as in PyYAML",
                8
            ),
            (
                Level::Warning,
                "duplicate key 'mtu' at lines 6 and 9: the later value wins, as in PyYAML",
                9
            ),
        ]
    );
    let doc = &out.report.messages[0].documents[0];
    assert_eq!(
        (doc.schema.as_str(), doc.name.as_str()),
        ("drydock/Network/v1", "mgmt")
    );
}

#[test]
fn many_duplicate_keys_cost_linear_time() {
    let mut text = String::from(NETWORK);
    text.push_str("  labels:\n");
    for i in 0..20_000 {
        text.push_str(&format!("    k{}: v\n", i % 10_000));
    }
    let started = std::time::Instant::now();
    let out = ingest(text);
    assert!(started.elapsed() < std::time::Duration::from_secs(5));
    // One warning per repeat: the first 100 listed, the rest counted.
    assert_eq!(out.report.count(Level::Warning), 10_000);
    assert_eq!(out.report.messages.len(), 101);
    assert_eq!(out.report.messages[100].omitted, Some(9_900));
    assert_eq!(
        out.design.networks["mgmt"]
            .data
            .labels
            .as_ref()
            .unwrap()
            .len(),
        10_000
    );
}

#[test]
fn an_alias_bomb_is_stopped_before_it_expands() {
    let mut bomb = String::from(
        "apiVersion: drydock/v1\nkind: Network\nmetadata:\n  name: lol\nspec:\n  labels:\n    l0: &l0 [lol]\n",
    );
    for i in 1..10 {
        let prev = format!("*l{}", i - 1);
        bomb.push_str(&format!("    l{i}: &l{i} [{}]\n", vec![prev; 9].join(", ")));
    }
    let out = ingest(bomb);
    let m = only_error(&out);
    assert!(m.message.contains("expands to more than"), "{}", m.message);
}

/// A long string named by an anchor, then aliased over and over: each
/// alias is a few bytes of input but copies the whole string.
fn aliased_long_string(anchor_on_collection: bool) -> String {
    let long = "x".repeat(256 * 1024);
    let mut text = String::from(
        "apiVersion: drydock/v1\nkind: Network\nmetadata:\n  name: n\nspec:\n  labels:\n",
    );
    match anchor_on_collection {
        true => text.push_str(&format!("    a: &a {{k: {long}}}\n")),
        false => text.push_str(&format!("    a: &a {long}\n")),
    }
    for i in 0..20_000 {
        text.push_str(&format!("    b{i}: *a\n"));
    }
    text
}

#[test]
fn aliases_to_a_long_string_are_charged_for_its_bytes() {
    // 20,000 copies of 256 KiB would be 5 GiB from 0.5 MiB of input.
    for on_collection in [false, true] {
        let text = aliased_long_string(on_collection);
        let refused = YamlIngester::default()
            .ingest(&Bytes::from(text), &IngestOptions::default())
            .err()
            .map(|e| e.to_string());
        assert!(
            refused
                .as_deref()
                .is_some_and(|e| e.contains("more than") && e.contains("YAML nodes")),
            "collection anchor {on_collection}: {refused:?}"
        );
    }
}

#[test]
fn a_long_string_aliased_a_few_times_is_fine() {
    let long = "y".repeat(64 * 1024);
    let text = format!(
        "apiVersion: drydock/v1\nkind: Network\nmetadata:\n  name: n\nspec:\n  labels:\n    a: &a {long}\n    b: *a\n    c: *a\n"
    );
    let out = ingest(text);
    assert!(out.report.is_success(), "{:#?}", out.report.messages);
    let labels = out.design.networks["n"].data.labels.clone().unwrap();
    assert_eq!(labels["c"], long);
}

#[test]
fn aliases_within_bounds_still_work() {
    let text = "apiVersion: drydock/v1\nkind: Network\nmetadata:\n  name: a\nspec:\n  labels: &l {x: '1'}\n---\n\
                apiVersion: drydock/v1\nkind: NetworkLink\nmetadata:\n  name: b\nspec:\n  labels:\n    <<: {y: '2'}\n    z: '3'\n";
    let out = ingest(text);
    assert!(out.report.is_success(), "{:#?}", out.report);
    let labels = out.design.network_links["b"].data.labels.clone().unwrap();
    assert_eq!(labels.keys().collect::<Vec<_>>(), ["y", "z"]);
}

#[test]
fn nesting_thousands_deep_is_refused_not_overflowing() {
    let flow = format!(
        "{NETWORK}  labels:\n    deep: {}{}\n",
        "[".repeat(10_000),
        "]".repeat(10_000)
    );
    let out = ingest(flow);
    let m = only_error(&out);
    assert!(
        m.message.contains("nesting deeper than") || m.message.contains("recursion limit"),
        "{}",
        m.message
    );
    let block = format!(
        "{NETWORK}  labels:\n    deep:\n      {}x\n",
        "- ".repeat(10_000)
    );
    let out = ingest(block);
    let m = only_error(&out);
    assert!(
        m.message.contains("nesting deeper than 128 levels"),
        "{}",
        m.message
    );
}

#[test]
fn a_single_document_of_tens_of_megabytes_is_ingested() {
    let line = "      QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWZnaGlqa2xtbm9wcXJzdHV2d3h5ejAxMjM0NTY3ODk=\n";
    let mut text = String::from(
        "apiVersion: drydock/v1\nkind: BootAction\nmetadata:\n  name: big\nspec:\n  assets:\n    - type: file\n      path: /var/tmp/big\n      data: |\n",
    );
    text.push_str(
        &line
            .replacen("      ", "        ", 1)
            .repeat(24 * 1024 * 1024 / line.len()),
    );
    assert!(text.len() > 24_000_000);
    let out = ingest(text);
    assert!(out.report.is_success(), "{:#?}", out.report);
    let asset = &out.design.boot_actions["big"].data.assets.as_ref().unwrap()[0];
    match asset.data.as_ref().unwrap() {
        drydock_core::design::AssetData::Text(t) => assert!(t.len() > 23_000_000),
        other => panic!("unexpected {other:?}"),
    }
}

#[test]
fn unsupported_tags_are_errors() {
    let out = ingest(format!("{NETWORK}  vlan: !python/object:os.system 'rm'\n"));
    let m = only_error(&out);
    assert!(m.message.contains("unsupported tag"), "{}", m.message);
    let out = ingest(format!("{NETWORK}  vlan: !!str 100\n"));
    assert!(out.report.is_success(), "{:#?}", out.report);
    assert_eq!(
        out.design.networks["mgmt"].data.vlan.as_deref(),
        Some("100")
    );
}

#[test]
fn a_mapping_key_that_is_a_collection_is_an_error() {
    let out = ingest(format!("{NETWORK}  labels:\n    ? [a, b]\n    : c\n"));
    let m = only_error(&out);
    assert!(m.message.contains("must be a scalar"), "{}", m.message);
}

#[test]
fn empty_input_and_empty_documents_are_an_empty_success() {
    for text in ["", "# only a comment\n", "---\n---\n...\n"] {
        let out = ingest(text.to_owned());
        assert!(out.report.is_success(), "{text:?}: {:#?}", out.report);
        assert!(out.design.is_empty());
        assert_eq!(out.summary.documents, 0);
    }
}

#[test]
fn a_document_with_a_million_problems_gets_a_bounded_report() {
    let mut text = String::from(NETWORK);
    text.push_str("  routes:\n");
    for i in 0..300_000 {
        text.push_str(&format!("    - {i}\n"));
    }
    text.push_str("  dns:\n");
    for i in 0..200_000 {
        text.push_str(&format!("    k{i}: v\n"));
    }
    let out = ingest(text);
    assert_eq!(out.report.status, Status::Failure);
    assert_eq!(out.report.messages.len(), 51, "50 shown and one summary");
    let last = out.report.messages.last().unwrap();
    assert!(
        last.message.starts_with("299951 more schema violations"),
        "{}",
        last.message
    );
    let total: usize = out.report.messages.iter().map(|m| m.message.len()).sum();
    assert!(total < 20_000, "report text stays small: {total}");
}

/// Documents each with a few duplicate keys and a schema error, so that
/// every kind of message passes the bound within one batch and across them.
fn many_findings() -> String {
    let mut text = String::new();
    for i in 0..3_000 {
        text.push_str(&format!(
            "---\napiVersion: drydock/v1\nkind: Network\nmetadata:\n  name: n{i}\nspec:\n  mtu: 1500\n  mtu: 1500\n  mtu: 1500\n  vlan: [x]\n"
        ));
        if i % 7 == 0 {
            text.push_str("--- 1\n");
        }
    }
    text
}

#[test]
fn a_report_keeps_the_first_of_each_kind_and_counts_the_rest_whatever_the_batches() {
    let text = many_findings();
    let with = |threads: usize, parallel_threshold: usize| {
        let mut options = drydock_ingester_yaml::YamlOptions::default();
        options.limits.threads = threads;
        options.limits.parallel_threshold = parallel_threshold;
        YamlIngester::new(options)
            .ingest(&Bytes::from(text.clone()), &IngestOptions::default())
            .expect("reported")
            .report
    };
    let one = with(1, usize::MAX);
    assert_eq!(one, with(2, 0), "the same report on one thread and on two");
    assert_eq!(one, with(8, 0));
    let limit = drydock_core::report::MAX_MESSAGES_PER_KIND;
    for (code, level, all) in [
        ("DD000", Level::Warning, 6_000),
        ("DD001", Level::Error, 3_000),
        ("DD000", Level::Error, 429),
    ] {
        let of_kind: Vec<_> = one
            .messages
            .iter()
            .filter(|m| m.code == code && m.level == level)
            .collect();
        assert_eq!(of_kind.len(), limit + 1, "{code} {level:?}");
        assert!(of_kind[..limit].iter().all(|m| m.omitted.is_none()));
        let summary = of_kind[limit];
        assert_eq!(summary.omitted, Some((all - limit) as u64), "{summary:?}");
        assert!(
            summary
                .message
                .starts_with(&format!("{} more ", all - limit))
        );
        assert!(summary.documents.is_empty());
    }
    assert_eq!(one.count(Level::Warning), 6_000);
}
