//! `YamlLocator` finds a field path inside the one document a message is about.

use drydock_core::Locator;
use drydock_core::design::DocumentSource;
use drydock_core::report::{DocumentRef, Location, Message};
use drydock_core::{Bytes, IngestOptions, Ingester};
use drydock_ingester_yaml::{YamlIngester, YamlLocator, locate_messages};

const TEXT: &str = "# a comment first
---
apiVersion: drydock/v1
kind: Network
metadata:
  name: oob
spec:
  cidr: 10.0.0.0/8
...
---
apiVersion: drydock/v1
kind: HostProfile
metadata:
  name: base
spec:
  interfaces:
    'bond.0':
      networks:
        - oob
        - '!private'
  storage:
    physical_devices:
      sda:
        partitions:
          - name: root
            size: 10g
";

fn source(name: &str, line: u32) -> DocumentSource {
    DocumentSource {
        format: "yaml".into(),
        schema: "drydock/HostProfile/v1".into(),
        name: name.into(),
        line,
    }
}

fn at(line: u64, column: u64) -> Option<Location> {
    Some(Location { line, column })
}

#[test]
fn paths_are_found_in_the_right_document() {
    let locator = YamlLocator::new(TEXT.as_bytes());
    let base = source("base", 10);
    assert_eq!(
        locator.locate(
            &base,
            "spec.storage.physical_devices.sda.partitions[0].size"
        ),
        at(26, 13)
    );
    assert_eq!(
        locator.locate(&base, r#"spec.interfaces["bond.0"].networks[1]"#),
        at(20, 11)
    );
    assert_eq!(locator.locate(&base, "metadata.name"), at(14, 3));
    // A field that is not written: the nearest written ancestor.
    assert_eq!(
        locator.locate(&base, "spec.storage.physical_devices.sda.volume_group"),
        at(23, 7)
    );
    assert_eq!(locator.locate(&source("oob", 2), "spec.cidr"), at(8, 3));
    // No document starts there, or the path is not a path.
    assert_eq!(locator.locate(&source("x", 5), "spec.cidr"), None);
    assert_eq!(locator.locate(&base, "spec..x"), None);
}

#[test]
fn messages_get_locations_inside_their_origin() {
    let bytes = Bytes::from(TEXT);
    let design = YamlIngester::default()
        .ingest(&bytes, &IngestOptions::default())
        .unwrap()
        .design;
    let mut m = Message::error("DD1001", "x")
        .with_path("spec.storage.physical_devices.sda.partitions[0].size");
    m.documents.push(DocumentRef {
        schema: "drydock/BaremetalNode/v1".into(),
        name: "n1".into(),
    });
    m.origin = Some(DocumentRef {
        schema: "drydock/HostProfile/v1".into(),
        name: "base".into(),
    });
    let unlocated = Message::error("DD1001", "no path").about("drydock/Network/v1", "oob");
    let mut messages = vec![m, unlocated];
    locate_messages(&mut messages, &design, &bytes);
    assert_eq!(messages[0].location, at(26, 13));
    assert_eq!(messages[1].location, None);
}

#[test]
fn input_that_is_not_utf8_locates_nothing_and_does_not_panic() {
    let locator = YamlLocator::new(b"\xff\xfe");
    assert_eq!(locator.locate(&source("base", 1), "spec.x"), None);
}
