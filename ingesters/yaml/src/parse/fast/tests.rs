//! The fast path against `saphyr-parser`: wherever it reads a text, its
//! events and their positions are the full parser's.

use std::path::Path;

use proptest::prelude::*;
use saphyr_parser::{Event, Parser, Span};

use std::sync::atomic::Ordering;

use super::parse;
use crate::parse::{Budget, Limits, LoadError, LoadedDoc, split};

/// An event as the loader sees it: what it is, and where it starts (the
/// loader never reads where a collection or document ends).
fn describe(event: &Event<'_>, span: Span) -> String {
    match event {
        Event::SequenceEnd | Event::MappingEnd | Event::DocumentEnd | Event::StreamEnd => {
            format!("{event:?}")
        }
        _ => format!("{event:?} @{}:{}", span.start.line(), span.start.col()),
    }
}

fn full(text: &str) -> Result<Vec<String>, String> {
    Parser::new_from_str(text)
        .map(|e| {
            e.map(|(ev, span)| describe(&ev, span))
                .map_err(|e| e.to_string())
        })
        .collect()
}

fn fast(text: &str) -> Option<Vec<String>> {
    let mut events = Vec::new();
    parse(text, |ev, span| {
        events.push(describe(&ev, span));
        true
    })
    .then_some(events)
}

/// Whether the fast path read `text`; when it did, it agrees with the full parser.
fn agrees(text: &str) -> bool {
    match fast(text) {
        Some(events) => {
            assert_eq!(Ok(events), full(text), "fast path disagrees on {text:?}");
            true
        }
        None => false,
    }
}

fn read(text: &str) {
    assert!(agrees(text), "the fast path should read {text:?}");
}

fn leaves(text: &str) {
    assert!(fast(text).is_none(), "the fast path should leave {text:?}");
}

#[test]
fn reads_block_mappings_sequences_and_one_line_scalars() {
    read("a: 1\n");
    read(
        "# c\n\n---\nschema: 'x'\nmeta:\n  a: 1\n  b:\n    - p\n    - q: 1\n      r: \"2\"\n    -   s\n",
    );
    read("---   # a comment\na: b # c\nc:  d  \n");
    read("- a\n- b:\n    c: d\n");
    read("a:\n- x\n- y\nb: 2\n");
    read("a:\n  - x\n  - k: v\n    l: w\nb: []\nc: {}\n");
    read("'quoted key': \"value with \\\"escapes\\\" \\\\ \\/ \\n \\t\"\nb: 'it''s'\n");
    read("url: http://example.com:8080/a#b\nratio: 1:2\nneg: -1\n");
    read("  indented: root\n  second: key\n");
    read("a: x y z  # comment\n");
    read("a\"b: c'd\na  : b:c\nq: 'x' # c\nr: \"\" \ns: ''\n");
    read("- a: 1\n  b:\n  - c\n- d\n");
}

#[test]
fn reads_literal_block_scalars() {
    read("a: |\n  x\n  y\nb: 1\n");
    read("a: |-\n    x\n\n    y\n\n\nb: 1\n");
    read("a: |+\n  x\n\nb: 1\n");
    read("- |\n  x\n   # not a comment: 'kept'\n- y\n");
    read("a: | # c\n  x\n   y\n# end\n");
    read("a:\n  b: |-\n    #!/bin/bash\n    echo \"$x\": done\n  c: d\n");
}

#[test]
fn reads_empty_values_where_the_full_parser_puts_them() {
    read("a:\nb: 1\n");
    read("a:\n");
    read("a:\n  b:\nc:\n");
    read("- \n- a\n-\n");
    read("a:\n  -\n  - b\n");
    read("a:  # nothing\nb:\n");
    read("s:\n  - a\n  -\n");
}

#[test]
fn leaves_everything_else_to_the_full_parser() {
    for text in [
        "a: >\n  folded\n",
        "a: |2\n  indicated\n",
        "a: |\n\n  leading empty line\n",
        "a: |\n  no final line break",
        "a: |\n  x\n   \n  y\n".replace("   \n", "     \n").leak(),
        "a: |\nb: empty block\n",
        "a: &x 1\nb: *x\n",
        "a: !!str 1\n",
        "a: [1, 2]\n",
        "a: {b: c}\n",
        "a: multi\n  line\n",
        "a: 'multi\n  line'\n",
        "a:\tb\n",
        "a: caf\u{e9}\n",
        "a: 1\n---\nb: 2\n",
        "a: 1\n...\n",
        "%YAML 1.2\n---\na: 1\n",
        "--- a\n",
        "? a\n: b\n",
        "a: b: c\n",
        "a: \"\\u0041\"\n",
        "- - a\n",
        "plain scalar\n",
        "",
        "# only a comment\n",
        "---\n",
        "a: 1\r\n",
        "a:\n  hello\n",
        "a: 1\n  b: 2\n",
        "a: 1\n b\n",
    ] {
        leaves(text);
        // and where it leaves, the full parser decides.
    }
}

#[test]
fn leaves_nesting_deeper_than_it_follows() {
    let mut text = String::new();
    for depth in 0..=super::MAX_DEPTH {
        text.push_str(&" ".repeat(depth));
        text.push_str("k:\n");
    }
    text.push_str(&" ".repeat(super::MAX_DEPTH + 1));
    text.push_str("k: v\n");
    leaves(&text);
}

/// Every YAML file under a fixtures folder, split as the loader splits them.
fn fixture_pieces(folder: &str) -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures");
    let mut files = Vec::new();
    let mut dirs = vec![root.join(folder)];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir)
            .expect("a fixtures folder")
            .flatten()
        {
            let path = entry.path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "yaml" || e == "yml") {
                files.push(path);
            }
        }
    }
    assert!(files.len() > 20, "found {} fixture files", files.len());
    let mut pieces = Vec::new();
    for file in files {
        let Ok(text) = std::fs::read_to_string(&file) else {
            continue;
        };
        for p in split::split(&text) {
            pieces.push(text[p.start..p.end].to_owned());
        }
    }
    pieces
}

#[test]
fn agrees_with_the_full_parser_on_every_fixture() {
    let designs = fixture_pieces("designs");
    let read = designs.iter().filter(|p| agrees(p)).count();
    // Most documents of the fixture designs are plain block YAML.
    assert!(
        read * 10 >= designs.len() * 6,
        "read {read} of {} fixture documents",
        designs.len()
    );
    // The hostile corpus: wherever the fast path reads, it agrees.
    let hostile = fixture_pieces("fuzz");
    let read = hostile.iter().filter(|p| agrees(p)).count();
    assert!(
        read > 0 && read < hostile.len(),
        "read {read} of {}",
        hostile.len()
    );
}

#[test]
fn reads_every_document_of_a_generated_site() {
    let text = drydock_fixtures::sitegen::deckhand(&drydock_fixtures::sitegen::SiteSpec::new(20));
    let mut read = 0;
    let pieces = split::split(&text);
    for p in &pieces {
        let piece = &text[p.start..p.end];
        assert!(agrees(piece), "left {piece:?}");
        read += 1;
    }
    assert_eq!(read, pieces.len());
}

/// Lines built from pieces of block YAML, valid and not.
fn line() -> impl Strategy<Value = String> {
    let indent = prop::sample::select(vec!["", "", " ", "  ", "  ", "   ", "    ", "      "]);
    let head = prop::sample::select(vec!["", "", "- ", "-", "-  ", "- - ", "? ", ": "]);
    let key = prop::sample::select(vec![
        "",
        "",
        "a:",
        "a: ",
        "b:  ",
        "'k':",
        "\"k\": ",
        "k x:",
        "a:b:",
        "-k:",
        "a :",
        "'it''s': ",
        "\"q\\\"\":",
        "a #c:",
        "<<: ",
        "? ",
        "[]:",
        "x",
    ]);
    let value = prop::sample::select(vec![
        "", "", "1", "v", "-1", "- x", "x y", "x  ", "'s'", "'s''t'", "\"d\\n\"", "\"d\\x\"",
        "\"open", "'open", "[]", "{}", "[a]", "{a: b}", "a: b", "x:y", "x #c", "x#c", "# c",
        "&a x", "*a", "!!str x", "|", ">", "~", "null", "true", "0x1F", ":", "--- x", "...", "%x",
        "@x", "`x", "a, b", "]", "\t", "é",
    ]);
    let tail = prop::sample::select(vec!["", "", "", " ", "  # c", "#c", ":"]);
    (indent, head, key, value, tail).prop_map(|(i, h, k, v, t)| format!("{i}{h}{k}{v}{t}"))
}

fn document() -> impl Strategy<Value = String> {
    let start = prop::sample::select(vec!["", "", "---\n", "--- # c\n", "# c\n", "\n"]);
    let lines = prop::collection::vec(line(), 1..12);
    let end = prop::sample::select(vec!["\n", "\n", "", "\n\n", "\n# end\n"]);
    (start, lines, end).prop_map(|(s, l, e)| format!("{s}{}{e}", l.join("\n")))
}

proptest! {
    #![proptest_config(drydock_fixtures::fuzz::config(
        "tests/fuzz_fast_path.regressions",
        2048,
    ))]

    /// Wherever the fast path reads a document, it reads it as the full parser does.
    #[test]
    fn agrees_with_the_full_parser_where_it_reads(text in document()) {
        if let Some(events) = fast(&text) {
            prop_assert_eq!(Ok(events), full(&text), "on {:?}", text);
        }
    }
}

/// A document tree, rendered in block style below.
#[derive(Clone, Debug)]
enum Tree {
    Scalar(&'static str),
    /// A literal block scalar: its chomping indicator and lines.
    Block(&'static str, Vec<&'static str>),
    Map(Vec<(&'static str, Tree)>),
    Seq(Vec<Tree>),
}

fn tree() -> impl Strategy<Value = Tree> {
    let leaf = prop::sample::select(vec![
        "",
        "1",
        "-1",
        "v",
        "x y",
        "'q'",
        "'it''s'",
        "\"d\\\"q\"",
        "\"\"",
        "''",
        "~",
        "true",
        "10.0.0.1/24",
        "http://a:1/b",
        "a#b",
        "x # c",
        "[]",
        "{}",
        "<<",
        "null",
    ])
    .prop_map(Tree::Scalar);
    // Leading empty lines are left to the full parser: not generated.
    let first = vec!["x", "  more", "# c", "k: v", "- i", "'q'"];
    let rest = vec!["x", "", "  more", "# c", "k: v", "- i", "'q'"];
    let block = (
        prop::sample::select(vec!["", "-", "+"]),
        prop::sample::select(first),
        prop::collection::vec(prop::sample::select(rest), 0..4),
    )
        .prop_map(|(chomp, first, mut lines)| {
            lines.insert(0, first);
            Tree::Block(chomp, lines)
        });
    let leaf = prop_oneof![4 => leaf, 1 => block];
    leaf.prop_recursive(5, 48, 4, |inner| {
        let key = prop::sample::select(vec!["a", "b", "k x", "'q k'", "\"d\"", "<<", "1", "-k"]);
        prop_oneof![
            prop::collection::vec((key, inner.clone()), 0..4).prop_map(Tree::Map),
            prop::collection::vec(inner, 0..4).prop_map(Tree::Seq),
        ]
    })
}

/// Renders `tree` at `indent`, each choice (indentless sequences, extra
/// indentation, comments) taken from `bits`.
fn render(tree: &Tree, indent: usize, bits: &mut u64, out: &mut String) {
    let pad = " ".repeat(indent);
    match tree {
        Tree::Scalar(s) => {
            out.push_str(&format!("{pad}{s}\n"));
        }
        Tree::Block(..) => out.push_str(&format!("{pad}x\n")),
        Tree::Map(entries) if entries.is_empty() => out.push_str(&format!("{pad}{{}}\n")),
        Tree::Seq(items) if items.is_empty() => out.push_str(&format!("{pad}[]\n")),
        Tree::Map(entries) => {
            for (key, value) in entries {
                out.push_str(&format!("{pad}{key}:"));
                let (indentless, comment) = (flip(bits), flip(bits));
                render_under(value, indent, indentless, comment, bits, out);
            }
        }
        Tree::Seq(items) => {
            for item in items {
                out.push_str(&format!("{pad}-"));
                let comment = flip(bits);
                render_under(item, indent, false, comment, bits, out);
            }
        }
    }
}

fn flip(bits: &mut u64) -> bool {
    *bits = bits.rotate_left(1);
    *bits & 1 == 1
}

/// The rest of a `key:` or `-` line and what nests under it.
fn render_under(
    value: &Tree,
    indent: usize,
    indentless: bool,
    comment: bool,
    bits: &mut u64,
    out: &mut String,
) {
    match value {
        Tree::Block(chomp, lines) => {
            out.push_str(&format!(" |{chomp}\n"));
            for line in lines {
                if line.is_empty() {
                    out.push('\n');
                } else {
                    out.push_str(&format!("{}{line}\n", " ".repeat(indent + 2)));
                }
            }
        }
        Tree::Scalar(s) if comment => out.push_str(&format!(" {s}  # c\n")),
        Tree::Scalar(s) => out.push_str(&format!(" {s}\n")),
        Tree::Map(e) if e.is_empty() => out.push_str(" {}\n"),
        Tree::Seq(i) if i.is_empty() => out.push_str(" []\n"),
        Tree::Seq(_) if indentless => {
            out.push('\n');
            render(value, indent, bits, out);
        }
        _ => {
            out.push_str(if comment { " # c\n" } else { "\n" });
            render(value, indent + 2, bits, out);
        }
    }
}

proptest! {
    #![proptest_config(drydock_fixtures::fuzz::config(
        "tests/fuzz_fast_path_trees.regressions",
        1024,
    ))]

    /// Block documents of any shape: where the fast path reads them, it
    /// agrees; and it reads every one the full parser reads.
    #[test]
    fn agrees_on_block_documents(tree in tree(), bits in any::<u64>()) {
        let mut text = String::from("---\n");
        render(&tree, 0, &mut bits.clone(), &mut text);
        let read = agrees(&text);
        let block_root = matches!(&tree, Tree::Map(e) if !e.is_empty())
            || matches!(&tree, Tree::Seq(i) if !i.is_empty());
        if full(&text).is_ok() && block_root && !text.contains("\n-k") {
            prop_assert!(read, "the fast path left {:?}", text);
        }
    }
}

/// A loader of pieces: the fast path with its fallback, or the full parser.
type Load = fn(&str, u32, &Limits, &Budget) -> Vec<Result<LoadedDoc, LoadError>>;

/// What loading a piece gives, and the nodes it spent from a fresh budget.
fn loaded(text: &str, load: Load) -> (String, usize) {
    let budget = Budget::new(usize::MAX);
    let docs = load(text, 3, &Limits::default(), &budget);
    (format!("{docs:?}"), budget.used.load(Ordering::Relaxed))
}

#[test]
fn loading_by_either_parser_gives_the_same_documents_and_charges_once() {
    use super::super::piece::{load, load_fully};
    let mut pieces = fixture_pieces("designs");
    pieces.extend([
        // read by the fast path, then refused by the loader: depth, duplicate keys
        format!(
            "{}x\n",
            (0..130)
                .map(|d| format!("{}k:\n", " ".repeat(d)))
                .collect::<String>()
        ),
        "a: 1\na: 2\nb:\n  - c\n".to_owned(),
        // left by the fast path halfway: the nodes it counted are given back
        format!(
            "{}tail: |\n  block\n",
            "k: v\n".repeat(3000).replace("k: v", "- k")
        ),
        format!(
            "{}tail: |\n  block\n",
            (0..3000).map(|i| format!("k{i}: v\n")).collect::<String>()
        ),
    ]);
    for piece in &pieces {
        assert_eq!(
            loaded(piece, load),
            loaded(piece, load_fully),
            "on {piece:?}"
        );
    }
}
