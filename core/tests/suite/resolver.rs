//! The Resolver's own guarantees, whatever the driver does: allow-list,
//! deadline, cancellation, size, digest, ingester choice, the check after
//! ingest and the reader beside it.

use std::sync::{Arc, Mutex, mpsc};
use std::time::Duration;

use crate::support::CountingIngester;
use drydock_core::design::{DocumentSource, Item, Network};
use drydock_core::report::{DocumentRef, Location, Message};
use drydock_core::{
    Bytes, DesignCheck, DesignReader, DesignRef, Detection, Digest, Driver, Error, ErrorKind,
    FetchOptions, Fetched, IngestOptions, Ingested, Ingester, Locator, Registry, ResolveOptions,
    Resolver, Result, SiteDesign, Status, ValidationReport, async_trait,
};

/// What the test driver does when asked.
#[derive(Debug, Clone, Copy)]
enum Behaviour {
    Serve,
    Stall,
    Oversize,
    LieAboutDigest,
}

#[derive(Debug)]
struct TestDriver(Behaviour);

#[async_trait]
impl Driver for TestDriver {
    async fn fetch(&self, reference: &DesignRef, options: &FetchOptions) -> Result<Fetched> {
        match self.0 {
            Behaviour::Serve => Ok(Fetched::new(
                "test",
                reference,
                Bytes::from_static(b"kind: demo\n"),
            )),
            Behaviour::Stall => {
                tokio::time::sleep(Duration::from_secs(3600)).await;
                unreachable!("the resolver gives up first")
            }
            Behaviour::Oversize => {
                let big = vec![b'x'; options.max_size as usize + 1];
                Ok(Fetched::new("test", reference, Bytes::from(big)))
            }
            Behaviour::LieAboutDigest => {
                let mut fetched = Fetched::new("test", reference, Bytes::from_static(b"abc"));
                fetched.bytes = Bytes::from_static(b"abd");
                Ok(fetched)
            }
        }
    }
}

fn resolver(behaviour: Behaviour) -> Resolver {
    let registry = Registry::builder()
        .driver_instance(
            "test-crate",
            "test",
            &["test", "other"],
            Arc::new(TestDriver(behaviour)),
        )
        .ingester_instance("test-crate", Arc::new(CountingIngester::default()))
        .build()
        .expect("registry");
    Resolver::with_registry(Arc::new(registry))
}

fn reference(s: &str) -> DesignRef {
    DesignRef::parse(s).expect("valid reference")
}

#[tokio::test]
async fn serves_and_detects_the_ingester() {
    let resolved = resolver(Behaviour::Serve)
        .resolve("test://h/site", &ResolveOptions::default())
        .await
        .expect("resolves");
    assert_eq!(
        resolved.fetched.metadata.digest,
        Digest::of(b"kind: demo\n")
    );
    assert_eq!(resolved.fetched.metadata.length, 11);
}

#[tokio::test]
async fn the_allow_list_refuses_other_schemes() {
    let r = resolver(Behaviour::Serve).allow_only(["test"]);
    let err = r
        .fetch(&reference("other://h/x"), &FetchOptions::default())
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::SchemeNotAllowed { scheme, allowed } if scheme == "other" && allowed == &["test"]),
        "{err}"
    );
    assert!(
        r.fetch(&reference("test://h/x"), &FetchOptions::default())
            .await
            .is_ok()
    );
}

#[tokio::test]
async fn the_deadline_bounds_a_stalled_driver() {
    let options = FetchOptions::default().with_deadline(Duration::from_millis(50));
    let err = resolver(Behaviour::Stall)
        .fetch(&reference("test://user:pw@h/x"), &options)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::DeadlineExceeded);
    assert!(err.is_retryable());
    let text = err.to_string();
    assert!(text.contains("50ms"), "{text}");
    assert!(!err.to_string().contains("pw@"), "{err}");
}

#[tokio::test]
async fn cancellation_stops_a_stalled_driver() {
    let options = FetchOptions::default();
    let cancel = options.cancel.clone();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(20)).await;
        cancel.cancel();
    });
    let err = resolver(Behaviour::Stall)
        .fetch(&reference("test://h/x"), &options)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Cancelled);
}

#[tokio::test]
async fn an_oversized_answer_is_refused_even_if_the_driver_ignores_the_limit() {
    let options = FetchOptions::default().with_max_size(10);
    let err = resolver(Behaviour::Oversize)
        .fetch(&reference("test://h/x"), &options)
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::TooLarge {
                limit: 10,
                size: Some(11),
                ..
            }
        ),
        "{err}"
    );
}

#[tokio::test]
async fn a_digest_that_does_not_match_the_bytes_is_an_integrity_error() {
    let err = resolver(Behaviour::LieAboutDigest)
        .fetch(&reference("test://h/x"), &FetchOptions::default())
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Integrity);
}

#[tokio::test]
async fn an_unexpected_digest_names_both_digests() {
    let expected = Digest::of(b"something else");
    let options = FetchOptions::default().with_expected_digest(expected);
    let err = resolver(Behaviour::Serve)
        .fetch(&reference("test://h/x"), &options)
        .await
        .unwrap_err();
    let text = err.to_string();
    assert!(text.contains(&expected.to_string()), "{text}");
    assert!(
        text.contains(&Digest::of(b"kind: demo\n").to_string()),
        "{text}"
    );
}

#[tokio::test]
async fn unknown_or_undetected_ingesters_are_typed_errors() {
    let r = resolver(Behaviour::Serve);
    let err = r
        .resolve(
            "test://h/x",
            &ResolveOptions::default().with_ingester("nope"),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::UnknownIngester { name, known } if name == "nope" && known == &["demo"]),
        "{err}"
    );

    let registry = Registry::builder()
        .driver_instance(
            "test-crate",
            "test",
            &["test", "other"],
            Arc::new(TestDriver(Behaviour::LieAboutDigest)),
        )
        .build()
        .expect("registry");
    let fetched = Fetched::new(
        "test",
        &reference("test://h/x"),
        Bytes::from_static(b"no format"),
    );
    let err = Resolver::with_registry(Arc::new(registry))
        .ingest(&reference("test://h/x"), &fetched, None, None)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NoIngester);
}

/// Reports one error at `data.mtu` of the Network `pxe`, whatever the design.
#[derive(Debug)]
struct MtuCheck;

impl DesignCheck for MtuCheck {
    fn key(&self) -> &str {
        "mtu-check:1"
    }
    fn check(&self, _: &SiteDesign, report: &mut ValidationReport) {
        let mut m = Message::error("XX0001", "MTU too small");
        m.path = Some("data.mtu".into());
        m.documents.push(DocumentRef {
            schema: "drydock/Network/v1".into(),
            name: "pxe".into(),
        });
        report.append(vec![m]);
    }
}

/// Ingests one Network `pxe`; finds every path at line 7, column 3.
#[derive(Debug)]
struct NetworkIngester;

struct FixedLocator;

impl Locator for FixedLocator {
    fn locate(&self, document: &DocumentSource, _: &str) -> Option<Location> {
        (document.name == "pxe").then_some(Location { line: 7, column: 3 })
    }
}

impl Ingester for NetworkIngester {
    fn name(&self) -> &'static str {
        "network"
    }
    fn detect(&self, _: &[u8]) -> Detection {
        Detection::Yes
    }
    fn ingest(&self, _: &Bytes, _: &IngestOptions) -> Result<Ingested> {
        let mut design = SiteDesign::default();
        let source = DocumentSource {
            format: "deckhand".into(),
            schema: "drydock/Network/v1".into(),
            name: "pxe".into(),
            line: 1,
        };
        let data = Network::default();
        let name = "pxe".into();
        let pxe = Item { name, source, data };
        design.networks.insert("pxe".into(), pxe);
        Ok(Ingested {
            design,
            ..Ingested::default()
        })
    }
    fn locator<'b>(&self, _: &'b [u8]) -> Option<Box<dyn Locator + 'b>> {
        Some(Box::new(FixedLocator))
    }
}

#[tokio::test]
async fn a_design_check_runs_after_ingest_and_its_messages_are_placed() {
    let registry = Registry::builder()
        .driver_instance(
            "test-crate",
            "test",
            &["test", "other"],
            Arc::new(TestDriver(Behaviour::Serve)),
        )
        .ingester_instance("test-crate", Arc::new(NetworkIngester))
        .build()
        .expect("registry");
    let resolver = Resolver::with_registry(Arc::new(registry));

    let plain = resolver
        .resolve("test://h/site", &ResolveOptions::default())
        .await
        .expect("resolves");
    assert_eq!(plain.ingest_key, "auto+schema", "schemas only by default");
    assert!(plain.ingested.report.messages.is_empty());

    let checked = ResolveOptions::default().with_check(Arc::new(MtuCheck));
    let resolved = resolver
        .resolve("test://h/site", &checked)
        .await
        .expect("resolves");
    assert_eq!(resolved.ingest_key, "auto+mtu-check:1");
    let report = &resolved.ingested.report;
    assert_eq!(report.status, Status::Failure);
    assert_eq!(report.messages.len(), 1, "{report:?}");
    assert_eq!(
        report.messages[0].location,
        Some(Location { line: 7, column: 3 })
    );
}

/// A check that meets the reader halfway: each waits for the other's word,
/// so both finish only if they run at the same time.
#[derive(Debug)]
struct MeetingCheck {
    to_reader: Mutex<mpsc::Sender<()>>,
    from_reader: Mutex<mpsc::Receiver<()>>,
}

impl DesignCheck for MeetingCheck {
    fn key(&self) -> &str {
        "meeting:1"
    }
    fn check(&self, _: &SiteDesign, report: &mut ValidationReport) {
        let _ = self.to_reader.lock().unwrap().send(());
        let met = self
            .from_reader
            .lock()
            .unwrap()
            .recv_timeout(Duration::from_secs(10));
        if met.is_err() {
            report.append(vec![Message::error("XX0002", "the reader never ran")]);
        }
    }
}

#[tokio::test]
async fn a_design_reader_reads_the_design_while_the_check_runs_and_is_waited_for() {
    let registry = Registry::builder()
        .driver_instance(
            "test-crate",
            "test",
            &["test"],
            Arc::new(TestDriver(Behaviour::Serve)),
        )
        .ingester_instance("test-crate", Arc::new(NetworkIngester))
        .build()
        .expect("registry");
    let resolver = Resolver::with_registry(Arc::new(registry));
    let (to_reader, reader_hears) = mpsc::channel();
    let (reader_says, from_reader) = mpsc::channel();
    let check = MeetingCheck {
        to_reader: Mutex::new(to_reader),
        from_reader: Mutex::new(from_reader),
    };
    let seen = Arc::new(Mutex::new(None));
    let reader = {
        let (seen, hears, says) = (
            seen.clone(),
            Mutex::new(reader_hears),
            Mutex::new(reader_says),
        );
        DesignReader::new(move |design: &SiteDesign| {
            let _ = says.lock().unwrap().send(());
            let met = hears.lock().unwrap().recv_timeout(Duration::from_secs(10));
            // Slow on purpose: the resolution must still wait for it.
            std::thread::sleep(Duration::from_millis(50));
            let networks: Vec<String> = design.networks.keys().cloned().collect();
            *seen.lock().unwrap() = Some((met.is_ok(), networks));
        })
    };
    let options = ResolveOptions::default()
        .with_check(Arc::new(check))
        .with_reader(reader);
    let resolved = resolver
        .resolve("test://h/site", &options)
        .await
        .expect("resolves");
    assert!(
        resolved.ingested.report.messages.is_empty(),
        "the check met the reader: {:?}",
        resolved.ingested.report
    );
    let seen = seen.lock().unwrap().clone();
    assert_eq!(
        seen,
        Some((true, vec!["pxe".to_owned()])),
        "the reader met the check, read the ingested design and finished before the resolution"
    );
}
