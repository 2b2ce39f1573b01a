//! Generators of block YAML for the fast path's agreement properties:
//! line soups (valid and not) and block trees (valid, in every layout).

use proptest::prelude::*;

/// Lines built from pieces of block YAML, valid and not.
pub(super) fn line() -> impl Strategy<Value = String> {
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
        "",
        "",
        "1",
        "v",
        "-1",
        "- x",
        "x y",
        "x  ",
        "'s'",
        "'s''t'",
        "\"d\\n\"",
        "\"d\\x\"",
        "\"open",
        "'open",
        "[]",
        "{}",
        "[a]",
        "{a: b}",
        "a: b",
        "x:y",
        "x #c",
        "x#c",
        "# c",
        "&a x",
        "*a",
        "!!str x",
        "|",
        ">",
        "~",
        "null",
        "true",
        "0x1F",
        ":",
        "--- x",
        "...",
        "%x",
        "@x",
        "`x",
        "a, b",
        "]",
        "\t",
        "é",
        "[a, b]",
        "[ 'x' , \"y\" ,1]",
        "[a,]",
        "[a, [b]]",
        "[a: b]",
        "[-1, - x]",
        "{a: b, 'c': \"d\"}",
        "{a}",
        "{a:b}",
        "{a: }",
        "{a: b",
        "[a #c]",
        "[a b , c]",
        ">-",
        ">+",
        "> # c",
    ]);
    let tail = prop::sample::select(vec!["", "", "", " ", "  # c", "#c", ":"]);
    (indent, head, key, value, tail).prop_map(|(i, h, k, v, t)| format!("{i}{h}{k}{v}{t}"))
}

pub(super) fn document() -> impl Strategy<Value = String> {
    let start = prop::sample::select(vec!["", "", "---\n", "--- # c\n", "# c\n", "\n"]);
    let lines = prop::collection::vec(line(), 1..12);
    let end = prop::sample::select(vec!["\n", "\n", "", "\n\n", "\n# end\n"]);
    (start, lines, end).prop_map(|(s, l, e)| format!("{s}{}{e}", l.join("\n")))
}

/// A document tree, rendered in block style below.
#[derive(Clone, Debug)]
pub(super) enum Tree {
    Scalar(&'static str),
    /// A block scalar: its header (`|` or `>` and a chomping indicator)
    /// and lines.
    Block(&'static str, Vec<&'static str>),
    Map(Vec<(&'static str, Tree)>),
    Seq(Vec<Tree>),
}

pub(super) fn tree() -> impl Strategy<Value = Tree> {
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
        "[a, b]",
        "['x', \"y\", 1]",
        "{k: v, 'q': \"w\"}",
        "[ a b ,c ]",
    ])
    .prop_map(Tree::Scalar);
    // Leading empty lines are left to the full parser: not generated.
    let first = vec!["x", "  more", "# c", "k: v", "- i", "'q'"];
    let rest = vec!["x", "", "  more", "# c", "k: v", "- i", "'q'", "y z"];
    let block = (
        prop::sample::select(vec!["|", "|-", "|+", ">", ">-", ">+"]),
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
pub(super) fn render(tree: &Tree, indent: usize, bits: &mut u64, out: &mut String) {
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
            out.push_str(&format!(" {chomp}\n"));
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
