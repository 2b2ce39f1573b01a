//! Every invalid fixture under `fixtures/designs/invalid/` is rejected with a
//! message of the expected code, field path and line, and never hides the
//! valid Region beside it.
//!
//! A fixture marks each expected problem on its line: `# <-- CODE PATH`.

use drydock_core::{Bytes, IngestOptions, Ingester, Status};
use drydock_ingester_deckhand::DeckhandIngester;
use drydock_ingester_yaml::YamlIngester;

fn dir() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/designs/invalid")
}

#[test]
fn every_invalid_fixture_reports_its_marked_problems() {
    let mut files: Vec<_> = std::fs::read_dir(dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    assert!(files.len() >= 30, "fixtures present: {}", files.len());
    for path in files {
        let text = std::fs::read_to_string(&path).unwrap();
        let file = path.file_name().unwrap().to_string_lossy().into_owned();
        let ingester: Box<dyn Ingester> = if file.starts_with("legacy-") {
            Box::new(YamlIngester::default())
        } else {
            Box::new(DeckhandIngester::default())
        };
        let out = ingester
            .ingest(&Bytes::from(text.clone()), &IngestOptions::default())
            .unwrap();
        assert_eq!(out.report.status, Status::Failure, "{file}");
        assert!(
            out.design.region.contains_key("site"),
            "{file}: the valid Region was hidden"
        );
        let mut marks = 0;
        for (i, line) in text.lines().enumerate() {
            let Some((_, mark)) = line.split_once("# <-- ").filter(|_| !line.starts_with('#'))
            else {
                continue;
            };
            marks += 1;
            let (code, want_path) = mark.split_once(' ').unwrap();
            let line_no = i as u64 + 1;
            let found = out.report.messages.iter().any(|m| {
                m.code == code
                    && m.location.is_some_and(|l| l.line == line_no)
                    && (want_path == "-" || m.path.as_deref() == Some(want_path))
            });
            assert!(
                found,
                "{file}: no {code} at line {line_no} path {want_path}; got {:#?}",
                out.report.messages
            );
        }
        assert!(marks > 0, "{file} marks no expected problem");
        let errors = out.report.error_count();
        assert_eq!(errors, marks, "{file}: {:#?}", out.report.messages);
    }
}
