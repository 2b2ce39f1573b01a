//! From a design reference to the Deckhand request to send ([`DeckhandTarget`]):
//! pure, no I/O. Follows the specification's driver mapping:
//!
//! 1. `deckhand+http(s)` → `http(s)`; userinfo refused, fragment dropped.
//! 2. `…/revisions/{n}/rendered-documents` or `…/revisions/{n}/documents`: as is.
//! 3. `…/revisions/{n}` → `/rendered-documents` appended.
//! 4. Otherwise the last segment is the revision and the rest the base; an
//!    empty base becomes `/api/v1.0`.
//! 5. `{n}` is decimal 1..=2147483647 (or our `latest` extension); a UUID is
//!    refused with the form that works.
//! 6. The query is copied as written; no trailing slash is ever added.

use drydock_core::DesignRef;
use url::Url;

pub use error::RevisionError;

/// Schemes whose path names a Deckhand revision.
pub const DECKHAND_SCHEMES: &[&str] = &["deckhand+http", "deckhand+https"];

/// Schemes passed through unchanged (Promenade's join-script URLs).
pub const PASSTHROUGH_SCHEMES: &[&str] = &["promenade+http", "promenade+https"];

/// The largest Deckhand revision ID (its primary key is a 32-bit integer).
pub const MAX_REVISION_ID: u32 = i32::MAX as u32;

/// The API root used when a reference names only a revision after the host.
const DEFAULT_BASE_PATH: &str = "/api/v1.0";

/// Which revision a reference names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Revision {
    /// A revision ID, in `1..=MAX_REVISION_ID`.
    Id(u32),
    /// `latest` (our extension): list the revisions, then take the highest ID.
    Latest,
}

/// Which documents of the revision to read.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Documents {
    /// `/rendered-documents`: layered and substituted, what consumers read.
    Rendered,
    /// `/documents`: as stored, abstract documents included.
    Raw,
}

impl Documents {
    /// The last path segment of the request.
    pub fn segment(self) -> &'static str {
        match self {
            Documents::Rendered => "rendered-documents",
            Documents::Raw => "documents",
        }
    }
}

/// What a `deckhand+` reference asks for.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct DeckhandTarget {
    /// The first request to send (`http`/`https`, no userinfo, no fragment):
    /// the documents for [`Revision::Id`], the revision list
    /// (`{base}/revisions`, without the reference's query) for [`Revision::Latest`].
    pub transport_url: Url,
    /// The revision named.
    pub revision: Revision,
    /// Rendered or raw documents.
    pub documents: Documents,
    /// The API root, e.g. `https://h:8443/api/v1.0` (no query, no trailing slash
    /// unless the root is the host itself).
    pub base: Url,
    /// The reference's query, as written (percent-encoding, order and repeats
    /// kept). The URLs carry it byte for byte, except `'`, which the URL
    /// standard writes as `%27` in an http(s) query (the same to any server).
    pub query: Option<String>,
    base_path: String,
}

/// What any reference the Deckhand driver serves asks for.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Target {
    /// A `deckhand+http(s)` reference.
    Deckhand(DeckhandTarget),
    /// A `promenade+http(s)` reference: the transport URL, path and query unchanged.
    Passthrough(Url),
}

impl Target {
    /// Parses any reference this driver serves: `deckhand+` ones into a
    /// [`DeckhandTarget`], `promenade+` ones passed through.
    pub fn parse(reference: &DesignRef) -> Result<Self, RevisionError> {
        if PASSTHROUGH_SCHEMES.contains(&reference.scheme()) {
            return transport(reference).map(Target::Passthrough);
        }
        DeckhandTarget::parse(reference).map(Target::Deckhand)
    }
}

impl DeckhandTarget {
    /// Parses a `deckhand+http(s)` reference; every other scheme is refused.
    pub fn parse(reference: &DesignRef) -> Result<Self, RevisionError> {
        if !DECKHAND_SCHEMES.contains(&reference.scheme()) {
            return Err(RevisionError::UnsupportedScheme {
                reference: shown(reference),
                scheme: reference.scheme().to_owned(),
            });
        }
        let transport_url = transport(reference)?;
        let path = reference.url().path();
        let located = locate(reference, path)?;
        let revision = parse_revision(reference, located.revision, &located.base_path)?;
        let mut base = transport_url.clone();
        base.set_query(None);
        base.set_path(&located.base_path);
        let mut target = DeckhandTarget {
            transport_url,
            revision,
            documents: located.documents,
            base,
            query: reference.url().query().map(str::to_owned),
            base_path: located.base_path,
        };
        target.transport_url = match revision {
            Revision::Id(id) => target.documents_url(id),
            Revision::Latest => target.revisions_url(),
        };
        Ok(target)
    }

    /// `GET {base}/revisions`: the list to take the highest ID from (no query).
    pub fn revisions_url(&self) -> Url {
        let mut url = self.base.clone();
        url.set_path(&format!("{}/revisions", self.base_path));
        url
    }

    /// The documents of revision `id` (rendered or raw, as the reference
    /// asked), with the reference's query.
    pub fn documents_url(&self, id: u32) -> Url {
        let mut url = self.base.clone();
        url.set_path(&format!(
            "{}/revisions/{id}/{}",
            self.base_path,
            self.documents.segment()
        ));
        url.set_query(self.query.as_deref());
        url
    }
}

/// The reference as messages show it: redacted, with no userinfo at all.
fn shown(reference: &DesignRef) -> String {
    let mut url = reference.url().clone();
    // Both fail only for URLs that cannot carry userinfo, which then have none.
    let _ = url.set_username("");
    let _ = url.set_password(None);
    drydock_core::redact_url(&url)
}

/// The `http(s)` URL: no userinfo, no fragment, the query as written.
fn transport(reference: &DesignRef) -> Result<Url, RevisionError> {
    let url = reference.url();
    if url.host_str().is_none_or(str::is_empty) {
        return Err(RevisionError::NoHost {
            reference: shown(reference),
        });
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(RevisionError::Credentials {
            reference: shown(reference),
        });
    }
    let mut transport = reference
        .transport_url()
        .map_err(|e| RevisionError::Transport {
            reference: shown(reference),
            reason: format!("not a valid {} URL: {e}", reference.transport_scheme()),
        })?;
    transport.set_fragment(None);
    transport.set_query(url.query());
    Ok(transport)
}

/// Where the revision sits in a path.
struct Located<'a> {
    revision: &'a str,
    documents: Documents,
    /// Without a trailing slash; empty for the host's root.
    base_path: String,
}

fn locate<'a>(reference: &DesignRef, path: &'a str) -> Result<Located<'a>, RevisionError> {
    let path = path.strip_prefix('/').unwrap_or(path);
    let missing = |reason: &str| RevisionError::MissingRevision {
        reference: shown(reference),
        reason: reason.to_owned(),
    };
    if path.is_empty() {
        return Err(missing(
            "the path is empty; write /api/v1.0/revisions/<N>/rendered-documents after the host",
        ));
    }
    let segments: Vec<&str> = path.split('/').collect();
    let Some((last, before)) = segments.split_last() else {
        return Err(missing("the path is empty"));
    };
    if last.is_empty() {
        return Err(RevisionError::TrailingSlash {
            reference: shown(reference),
        });
    }
    if segments.iter().any(|s| s.is_empty()) {
        return Err(RevisionError::EmptySegment {
            reference: shown(reference),
        });
    }
    let join = |parts: &[&str]| parts.iter().map(|s| format!("/{s}")).collect::<String>();
    let documents_of = |segment: &str| match segment {
        "rendered-documents" => Some(Documents::Rendered),
        "documents" => Some(Documents::Raw),
        _ => None,
    };
    let Some(at) = segments.iter().rposition(|s| *s == "revisions") else {
        if documents_of(last).is_some() {
            return Err(missing(&format!(
                "`/{last}` has no `/revisions/<N>` before it"
            )));
        }
        let base_path = if before.is_empty() {
            DEFAULT_BASE_PATH.to_owned()
        } else {
            join(before)
        };
        return Ok(Located {
            revision: last,
            documents: Documents::Rendered,
            base_path,
        });
    };
    let base_path = join(&segments[..at]);
    let tail = &segments[at + 1..];
    let unexpected = |after: &[&str], extra: &[&str]| RevisionError::UnexpectedSegments {
        reference: shown(reference),
        after: format!("{base_path}/revisions{}", join(after)),
        extra: join(extra),
    };
    match tail {
        [] => Err(missing("nothing follows `/revisions`")),
        [revision] => Ok(Located {
            revision,
            documents: Documents::Rendered,
            base_path,
        }),
        [revision, kind] => match documents_of(kind) {
            Some(documents) => Ok(Located {
                revision,
                documents,
                base_path,
            }),
            None => Err(unexpected(&tail[..1], &tail[1..])),
        },
        [_, kind, ..] if documents_of(kind).is_some() => Err(unexpected(&tail[..2], &tail[2..])),
        _ => Err(unexpected(&tail[..1], &tail[1..])),
    }
}

fn parse_revision(
    reference: &DesignRef,
    segment: &str,
    base_path: &str,
) -> Result<Revision, RevisionError> {
    if segment == "latest" {
        return Ok(Revision::Latest);
    }
    if is_uuid(segment) {
        let url = reference.url();
        let port = url.port().map(|p| format!(":{p}")).unwrap_or_default();
        let host = url.host_str().unwrap_or_default();
        return Err(RevisionError::UuidRevision {
            reference: shown(reference),
            revision: segment.to_owned(),
            suggestion: format!(
                "{}://{host}{port}{base_path}/revisions/<N>/rendered-documents (e.g. <N> = 1)",
                reference.scheme()
            ),
        });
    }
    let invalid = |reason: String| RevisionError::InvalidRevision {
        reference: shown(reference),
        revision: segment.to_owned(),
        reason,
    };
    let range = "Deckhand's revision IDs are integers from 1 to 2147483647";
    let digits = segment.strip_prefix(['+', '-']).unwrap_or(segment);
    let all_digits = !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit());
    if all_digits && segment.starts_with('-') {
        return Err(invalid(format!("is negative; {range}")));
    }
    if all_digits && segment.starts_with('+') {
        return Err(invalid(format!(
            "has a sign; write the digits alone, e.g. `{digits}`"
        )));
    }
    if !all_digits || digits.len() != segment.len() {
        return Err(invalid(format!(
            "is not a revision ID; {range} (or `latest` for the highest)"
        )));
    }
    let value = segment.trim_start_matches('0');
    if value.is_empty() {
        return Err(invalid(format!("is zero; {range}")));
    }
    if value.len() != segment.len() {
        return Err(invalid(format!("has leading zeros; write `{value}`")));
    }
    match value.parse::<u32>() {
        Ok(id) if id <= MAX_REVISION_ID => Ok(Revision::Id(id)),
        _ => Err(invalid(
            "is over 2147483647, the largest Deckhand revision ID (a 32-bit integer)".into(),
        )),
    }
}

/// The `8-4-4-4-12` hexadecimal form.
fn is_uuid(segment: &str) -> bool {
    let groups: Vec<&str> = segment.split('-').collect();
    groups.len() == 5
        && groups
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(g, len)| g.len() == len && g.bytes().all(|b| b.is_ascii_hexdigit()))
}

mod error;
#[cfg(test)]
mod tests;
