//! A [`ResolveObserver`] is told once how each resolution ended, whatever
//! the driver, with a scheme label from a bounded set, and how long each
//! fetch from the source took.

use std::sync::{Arc, Mutex};

use crate::support::CountingIngester;
use drydock_core::{
    Bytes, DesignRef, Driver, Error, ErrorKind, FetchEvent, FetchOptions, Fetched, Registry,
    ResolveEvent, ResolveObserver, ResolveOptions, ResolveOutcome, Resolver, Result, async_trait,
};

/// Serves `kind: demo` except at `/missing` (not found) and `/denied`.
#[derive(Debug)]
struct Source;

#[async_trait]
impl Driver for Source {
    async fn fetch(&self, reference: &DesignRef, _: &FetchOptions) -> Result<Fetched> {
        let path = reference.url().path();
        let kind = match path {
            "/missing" => ErrorKind::NotFound,
            "/denied" => ErrorKind::PermissionDenied,
            _ => {
                let body = Bytes::from_static(b"kind: demo\n");
                return Ok(Fetched::new("src", reference, body));
            }
        };
        Err(Error::fetch(
            kind,
            "src",
            reference.redacted(),
            "as the test says",
        ))
    }
}

/// What the observer was told: (scheme, outcome, error kind) and fetches.
#[derive(Debug, Default)]
struct Recorder {
    resolved: Mutex<Vec<(String, ResolveOutcome, Option<ErrorKind>)>>,
    fetched: Mutex<Vec<(String, &'static str)>>,
}

impl ResolveObserver for Recorder {
    fn resolved(&self, event: &ResolveEvent<'_>) {
        let seen = (event.scheme.to_owned(), event.outcome, event.error);
        self.resolved.lock().unwrap().push(seen);
    }
    fn fetched(&self, event: &FetchEvent<'_>) {
        let seen = (event.scheme.to_owned(), event.result);
        self.fetched.lock().unwrap().push(seen);
    }
}

#[tokio::test]
async fn each_resolution_is_told_once_with_its_outcome() {
    let registry = Registry::builder()
        .driver_instance("test", "src", &["src"], Arc::new(Source))
        .ingester_instance("test", Arc::new(CountingIngester::default()))
        .build()
        .unwrap();
    let recorder = Arc::new(Recorder::default());
    let resolver = Resolver::builder()
        .registry(Arc::new(registry))
        .observer(recorder.clone())
        .build();
    let options = ResolveOptions::default().schema_only();
    for reference in [
        "src://h/site",
        "src://h/missing",
        "src://h/denied",
        "gopher://h/site",
        "not a reference",
    ] {
        let _ = resolver.resolve(reference, &options).await;
    }
    use ResolveOutcome::{Error as Failed, Fetched as Got, Refused};
    let seen = recorder.resolved.lock().unwrap().clone();
    assert_eq!(
        seen,
        [
            ("src".into(), Got, None),
            ("src".into(), Failed, Some(ErrorKind::NotFound)),
            ("src".into(), Refused, Some(ErrorKind::PermissionDenied)),
            ("other".into(), Refused, Some(ErrorKind::UnsupportedScheme)),
            ("other".into(), Refused, Some(ErrorKind::InvalidReference)),
        ]
    );
    // Only the references a driver serves were fetched.
    let fetched = recorder.fetched.lock().unwrap().clone();
    assert_eq!(
        fetched,
        [
            ("src".into(), "ok"),
            ("src".into(), "error"),
            ("src".into(), "error"),
        ]
    );
    // A resolver without observers, and `observed` on a built one.
    let again = Arc::new(Recorder::default());
    let observed = Resolver::new().observed(again.clone());
    let _ = observed.resolve("gopher://h/x", &options).await;
    assert_eq!(again.resolved.lock().unwrap().len(), 1);
    assert_eq!(ResolveOutcome::Revalidated.as_str(), "revalidated");
}
