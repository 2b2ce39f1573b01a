//! [`ResolveObserver`]: told once how each resolution of a [`Resolver`]
//! ended and how long each fetch from a source took, whichever driver
//! served it and whether the cache answered — the one place a program
//! counts design fetch and cache outcomes (e.g. a server's `/metrics`).

use std::fmt;
use std::time::{Duration, Instant};

use super::{Resolved, Resolver};
use crate::error::{ErrorKind, Result};
use crate::fetch::{CacheStatus, Fetched};
use crate::reference::DesignRef;

/// The scheme label of a reference no linked driver serves (or that does
/// not parse): observers see a bounded set of schemes whatever callers send.
pub const OTHER_SCHEME: &str = "other";

/// How one resolution ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ResolveOutcome {
    /// Fetched from the source and ingested (a cache miss, or no cache).
    Fetched,
    /// Served from the cache without asking the source.
    Hit,
    /// A cached resolution the source confirmed unchanged (304 Not
    /// Modified, or the same digest): not ingested again.
    Revalidated,
    /// Refused before or by the source: a malformed reference, a scheme no
    /// driver serves or this resolver does not allow, access denied or
    /// rejected by the source, content over the size limit.
    Refused,
    /// Failed otherwise: not found, unavailable, deadline, integrity, a
    /// document that cannot be ingested, cancelled.
    Error,
}

impl ResolveOutcome {
    /// `fetched`, `hit`, `revalidated`, `refused` or `error`.
    pub fn as_str(self) -> &'static str {
        match self {
            ResolveOutcome::Fetched => "fetched",
            ResolveOutcome::Hit => "hit",
            ResolveOutcome::Revalidated => "revalidated",
            ResolveOutcome::Refused => "refused",
            ResolveOutcome::Error => "error",
        }
    }

    /// The outcome of a resolution's result.
    pub fn of(result: &Result<Resolved>) -> Self {
        match result {
            Ok(resolved) => match resolved.cache_status() {
                CacheStatus::Miss => ResolveOutcome::Fetched,
                CacheStatus::Hit => ResolveOutcome::Hit,
                CacheStatus::Revalidated => ResolveOutcome::Revalidated,
            },
            Err(err) => match err.kind() {
                ErrorKind::InvalidReference
                | ErrorKind::UnsupportedScheme
                | ErrorKind::SchemeNotAllowed
                | ErrorKind::PermissionDenied
                | ErrorKind::Rejected
                | ErrorKind::TooLarge => ResolveOutcome::Refused,
                _ => ResolveOutcome::Error,
            },
        }
    }
}

/// One resolution, as an observer is told it.
#[derive(Clone, Copy, Debug)]
#[non_exhaustive]
pub struct ResolveEvent<'a> {
    /// The reference's scheme if a linked driver serves it, else [`OTHER_SCHEME`].
    pub scheme: &'a str,
    /// How it ended.
    pub outcome: ResolveOutcome,
    /// The error's kind, when it failed.
    pub error: Option<ErrorKind>,
    /// From the call to its answer (cache lookups, fetch, ingest, rules).
    pub elapsed: Duration,
}

/// One fetch from a source during a resolution (retries included), as an
/// observer is told it.
#[derive(Clone, Copy, Debug)]
#[non_exhaustive]
pub struct FetchEvent<'a> {
    /// The reference's scheme (a linked driver serves it).
    pub scheme: &'a str,
    /// `ok`, `not_modified` (a conditional fetch answered 304) or `error`.
    pub result: &'static str,
    /// How long the driver took, its retries included.
    pub elapsed: Duration,
}

/// Told how every resolution of a resolver ended (once per call of
/// [`Resolver::resolve`] or [`Resolver::resolve_ref`]) and how long each
/// fetch from a source took; add one with
/// [`crate::ResolverBuilder::observer`] or [`Resolver::observed`].
/// Called on the resolving task: keep it quick (count, do not wait).
pub trait ResolveObserver: Send + Sync + fmt::Debug + 'static {
    /// A resolution ended.
    fn resolved(&self, event: &ResolveEvent<'_>);
    /// A fetch from a source ended (default: nothing).
    fn fetched(&self, event: &FetchEvent<'_>) {
        let _ = event;
    }
}

impl Resolver {
    /// This resolver, also telling `observer` how each resolution ended
    /// (its cache, if any, stays shared with the original).
    pub fn observed(mut self, observer: std::sync::Arc<dyn ResolveObserver>) -> Self {
        self.observers.push(observer);
        self
    }

    /// The scheme label of `scheme`: itself when a driver serves it.
    pub(super) fn scheme_label<'a>(&self, scheme: &'a str) -> &'a str {
        if self.registry.driver_name(scheme).is_some() {
            scheme
        } else {
            OTHER_SCHEME
        }
    }

    /// Tells the observers how a resolution that started at `started` ended.
    pub(super) fn report_resolution(
        &self,
        scheme: &str,
        started: Instant,
        result: &Result<Resolved>,
    ) {
        if self.observers.is_empty() {
            return;
        }
        let event = ResolveEvent {
            scheme: self.scheme_label(scheme),
            outcome: ResolveOutcome::of(result),
            error: result.as_ref().err().map(crate::Error::kind),
            elapsed: started.elapsed(),
        };
        for observer in &self.observers {
            observer.resolved(&event);
        }
    }

    /// [`Resolver::fetch`] for a resolution: the observers are told how
    /// long it took.
    pub(super) async fn fetch_observed(
        &self,
        reference: &DesignRef,
        options: &crate::FetchOptions,
    ) -> Result<Fetched> {
        let started = Instant::now();
        let fetched = self.fetch(reference, options).await;
        // No driver was asked: nothing was fetched.
        let no_driver = fetched.as_ref().is_err_and(|e| {
            matches!(
                e.kind(),
                ErrorKind::UnsupportedScheme | ErrorKind::SchemeNotAllowed | ErrorKind::Registry
            )
        });
        if !self.observers.is_empty() && !no_driver {
            let result = match &fetched {
                Ok(f) if f.metadata.not_modified => "not_modified",
                Ok(_) => "ok",
                Err(_) => "error",
            };
            let event = FetchEvent {
                scheme: self.scheme_label(reference.scheme()),
                result,
                elapsed: started.elapsed(),
            };
            for observer in &self.observers {
                observer.fetched(&event);
            }
        }
        fetched
    }
}
