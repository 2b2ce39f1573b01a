//! The fast path against `saphyr-parser`: wherever it reads a text, its
//! events and their positions are the full parser's.

use std::path::Path;

use proptest::prelude::*;
use saphyr_parser::{Event, Parser, Span};

use std::sync::atomic::Ordering;

use super::generate::{Tree, document, render, tree};
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
fn reads_folded_block_scalars() {
    read("a: >\n  folded\n  text\nb: 1\n");
    read("a: >-\n  x\n\n  y\n\n\nb: 1\n");
    read("a: >+\n  x\n  y\n\nb: 1\n");
    read("a: >\n  x\n    more indented\n  y\n\n  z\n");
    read("- >\n  x\n\n\n  y\n   z\n- w\n");
    read("a:\n  b: > # c\n    one\n    two # not a comment\n  c: d\n");
}

#[test]
fn reads_one_line_flow_collections_of_scalars() {
    read("a: [1, 2]\nb: {c: d}\n");
    read("a: [ x , 'y''s', \"z\\n\" ]  # c\nb: [a b,c]\n");
    read("- [a]\n- {k: v, 'q': \"w\", n: 1}\n- [ ]\n- { }\n");
    read("a:\n  - b: [10.0.0.1/24, -1, x-y]\n    c: []\n");
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
        "a: |2\n  indicated\n",
        "a: >2\n  indicated\n",
        "a: >\n\n  leading empty line\n",
        "a: [b, [c]]\n",
        "a: [b,\n  c]\n",
        "a: [b, ]\n",
        "a: {b}\n",
        "a: {b:c}\n",
        "a: [b: c]\n",
        "a: [b #c]\n",
        "a: [&x b]\n",
        "a: |\n\n  leading empty line\n",
        "a: |\n  no final line break",
        "a: |\n  x\n   \n  y\n".replace("   \n", "     \n").leak(),
        "a: |\nb: empty block\n",
        "a: &x 1\nb: *x\n",
        "a: !!str 1\n",
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
