//! [`DeckhandDriver`]: `deckhand+http(s)` revisions and `promenade+http(s)`
//! URLs, over the http crate's client, with Keystone tokens.

use std::sync::Arc;

use drydock_core::{
    Access, Capabilities, CredentialSource, DesignRef, Driver, DriverConfig, Env, FetchOptions,
    Fetched, Result, StaticToken, async_trait,
};
use drydock_driver_http::keystone::{Keystone, TOKEN_HEADER};
use drydock_driver_http::{HttpClient, HttpError, HttpRequest, RawResponse};
use serde::Deserialize;

use crate::error::DeckhandError;
use crate::options::DeckhandOptions;
use crate::revision::{DeckhandTarget, MAX_REVISION_ID, Revision, Target};
use crate::status;

/// Fetches the rendered (or raw) documents of a Deckhand revision, and
/// Promenade URLs, sending a Keystone token in `X-Auth-Token`.
#[derive(Clone, Debug)]
pub struct DeckhandDriver {
    client: HttpClient,
    credentials: Option<Arc<dyn CredentialSource>>,
    keystone: Option<Arc<Keystone>>,
}

impl DeckhandDriver {
    /// A driver with these options; Keystone settings left out are read
    /// from the `OS_*` variables of `env` and `clouds.yaml`.
    pub fn new(options: DeckhandOptions, env: &Env) -> std::result::Result<Self, HttpError> {
        let client = HttpClient::new(options.http())?;
        let mut keystone = None;
        let credentials: Option<Arc<dyn CredentialSource>> = match &options.token {
            Some(token) => Some(Arc::new(StaticToken::in_header(
                TOKEN_HEADER,
                token.expose(),
            ))),
            None => {
                keystone = Keystone::from_options(client.clone(), options.keystone.clone(), env)
                    .map_err(|e| HttpError::Config(e.to_string()))?
                    .map(Arc::new);
                keystone.clone().map(|k| k as Arc<dyn CredentialSource>)
            }
        };
        Ok(DeckhandDriver {
            client,
            credentials,
            keystone,
        })
    }

    /// Builds the driver from its configuration section (the registry's `configure`).
    pub fn configure(options: DeckhandOptions, config: &DriverConfig) -> Result<Arc<dyn Driver>> {
        let driver = DeckhandDriver::new(options, config.environment())
            .map_err(|e| config.error(e.to_string()))?;
        Ok(Arc::new(driver))
    }

    /// The Keystone credentials in use, if they come from Keystone.
    pub fn keystone(&self) -> Option<&Keystone> {
        self.keystone.as_deref()
    }

    fn request(
        &self,
        url: &url::Url,
        reference: &DesignRef,
        options: &FetchOptions,
    ) -> std::result::Result<HttpRequest, DeckhandError> {
        let credentials = options.credentials.clone().or(self.credentials.clone());
        Ok(HttpRequest::new(url, reference.redacted())?
            .with_credentials(credentials)
            .with_header("Accept", "application/x-yaml"))
    }

    /// The highest revision id Deckhand lists.
    async fn latest(
        &self,
        target: &DeckhandTarget,
        reference: &DesignRef,
        options: &FetchOptions,
    ) -> std::result::Result<u32, DeckhandError> {
        #[derive(Deserialize)]
        struct Listed {
            #[serde(default)]
            results: Vec<Entry>,
        }
        #[derive(Deserialize)]
        struct Entry {
            id: u32,
        }
        let request = self.request(&target.revisions_url(), reference, options)?;
        let raw = self.client.exchange(&request, options).await?;
        check(&raw, reference, None, request.credentials.is_some())?;
        let latest = |reason: String| DeckhandError::Latest {
            reference: reference.redacted().to_owned(),
            reason,
        };
        // Parsed scrubbed: a parse error's excerpt never holds a token.
        let text = raw
            .scrubbed_body()
            .ok_or_else(|| latest("the list is not UTF-8".into()))?;
        let listed: Listed = serde_saphyr::from_str(&text)
            .map_err(|e| latest(raw.scrub(&format!("the revision list is not readable: {e}"))))?;
        listed
            .results
            .iter()
            .map(|e| e.id)
            .max()
            .ok_or_else(|| latest("Deckhand holds no revision".into()))
            .and_then(|id| {
                // The latest is followed only where a reference could name it.
                if (1..=MAX_REVISION_ID).contains(&id) {
                    Ok(id)
                } else {
                    Err(latest(format!(
                        "Deckhand listed revision {id}, outside the revisions a reference names (1 to {MAX_REVISION_ID})"
                    )))
                }
            })
    }

    async fn fetch_deckhand(
        &self,
        target: &DeckhandTarget,
        reference: &DesignRef,
        options: &FetchOptions,
    ) -> std::result::Result<Fetched, DeckhandError> {
        let id = match target.revision {
            Revision::Id(id) => id,
            Revision::Latest => self.latest(target, reference, options).await?,
        };
        let request = self.request(&target.documents_url(id), reference, options)?;
        let raw = self.client.exchange(&request, options).await?;
        check(&raw, reference, Some(id), request.credentials.is_some())?;
        refuse_status_document(&raw, reference)?;
        if raw.body.is_empty() {
            return Err(DeckhandError::Empty {
                reference: reference.redacted().to_owned(),
                revision: id,
            });
        }
        let content_type = raw.header("content-type").map(|t| raw.scrub(t));
        if let Some(t) = &content_type
            && (t.starts_with("text/html") || t.starts_with("application/json"))
        {
            return Err(DeckhandError::NotDeckhand {
                reference: reference.redacted().to_owned(),
                content_type: t.clone(),
            });
        }
        let location = raw.final_url.clone();
        let mut fetched = Fetched::from_hashed(crate::NAME, reference, raw.body)
            .with_revision(id.to_string())
            .with_location(location);
        if let Some(t) = content_type {
            fetched = fetched.with_content_type(t);
        }
        Ok(fetched)
    }

    async fn fetch_passthrough(
        &self,
        url: &url::Url,
        reference: &DesignRef,
        options: &FetchOptions,
    ) -> std::result::Result<Fetched, DeckhandError> {
        let request = self.request(url, reference, options)?;
        let response = self.client.fetch_url(&request, options).await?;
        let mut fetched = Fetched::from_hashed(crate::NAME, reference, response.bytes)
            .with_location(response.final_url);
        if let Some(t) = response.content_type {
            fetched = fetched.with_content_type(t);
        }
        Ok(fetched)
    }
}

/// A 200 whose body is a Deckhand `Status` document (`kind: Status`,
/// `status: Failure`) is Deckhand's error, never an empty design.
fn refuse_status_document(
    raw: &RawResponse,
    reference: &DesignRef,
) -> std::result::Result<(), DeckhandError> {
    #[derive(Deserialize)]
    struct Probe {
        kind: Option<String>,
        status: Option<String>,
    }
    // A Status document is small and alone; documents are a stream.
    if raw.body.len() > 64 << 10 {
        return Ok(());
    }
    let Ok(text) = std::str::from_utf8(&raw.body) else {
        return Ok(());
    };
    let Ok(probe) = serde_saphyr::from_str::<Probe>(text) else {
        return Ok(());
    };
    let failed = probe.kind.as_deref() == Some("Status")
        && !probe
            .status
            .as_deref()
            .is_some_and(|s| s.eq_ignore_ascii_case("success"));
    if !failed {
        return Ok(());
    }
    let scrub = |t: &str| raw.scrub(t);
    Err(DeckhandError::Status {
        reference: reference.redacted().to_owned(),
        status: raw.status,
        said: status::read(&raw.body, &scrub).text(),
    })
}

/// Maps a Deckhand status: 200 passes; every error reads Deckhand's Status
/// body. A 500 is retried only when it is not one Deckhand makes for a
/// permanent cause (a database type error for a bad revision, invalid
/// documents, an unhandled exception), whatever its `retry: true` says.
fn check(
    raw: &RawResponse,
    reference: &DesignRef,
    revision: Option<u32>,
    credentialed: bool,
) -> std::result::Result<(), DeckhandError> {
    let status = raw.status;
    if (200..300).contains(&status) {
        return Ok(());
    }
    let scrub = |t: &str| raw.scrub(t);
    let said = status::read(&raw.body, &scrub);
    let reference = reference.redacted().to_owned();
    let text = said.text();
    Err(match (status, revision) {
        (404, Some(revision)) => DeckhandError::UnknownRevision {
            reference,
            revision,
            said: text,
        },
        (401, _) if !credentialed => DeckhandError::NoCredentials {
            reference,
            said: text,
        },
        (401, _) => DeckhandError::Unauthorized {
            reference,
            said: text,
        },
        (403, _) => DeckhandError::Forbidden {
            reference,
            said: text,
        },
        (409, Some(revision)) => DeckhandError::NoLayeringPolicy {
            reference,
            revision,
            said: text,
        },
        (400, _) => DeckhandError::Invalid {
            reference,
            said: text,
        },
        (500..=599, _) => {
            // Deckhand's `retry: false` is believed; its `retry: true` is not.
            let said_permanent = said.retry == Some(false)
                || said.error_type.as_deref().is_some_and(|t| {
                    matches!(
                        t,
                        "DataError"
                            | "InvalidDocumentFormat"
                            | "InvalidDocumentLayer"
                            | "InvalidDocumentParent"
                            | "MissingDocumentKey"
                            | "SubstitutionSourceNotFound"
                    )
                });
            let permanent = status == 500 && said_permanent || status == 501;
            DeckhandError::ServerError {
                reference,
                status,
                error_type: said.error_type.clone(),
                said: text,
                retryable: !permanent,
                retry_after: raw
                    .header("retry-after")
                    .and_then(|v| v.trim().parse::<u64>().ok())
                    .map(std::time::Duration::from_secs),
            }
        }
        _ => DeckhandError::Status {
            reference,
            status,
            said: text,
        },
    })
}

#[async_trait]
impl Driver for DeckhandDriver {
    fn capabilities(&self) -> Capabilities {
        Capabilities::NONE.with_revisions().with_network()
    }

    /// A numbered revision always names the same documents; `latest` and
    /// Promenade URLs do not.
    fn immutable(&self, reference: &DesignRef) -> bool {
        matches!(
            Target::parse(reference),
            Ok(Target::Deckhand(DeckhandTarget {
                revision: Revision::Id(_),
                ..
            }))
        )
    }

    /// The caller's credentials, else the configured token or Keystone.
    fn access(&self, _reference: &DesignRef, options: &FetchOptions) -> Access {
        let source = options.credentials.clone().or(self.credentials.clone());
        Access::of(source.as_deref())
    }

    async fn fetch(&self, reference: &DesignRef, options: &FetchOptions) -> Result<Fetched> {
        let outcome = match Target::parse(reference) {
            Err(e) => Err(DeckhandError::from(e)),
            Ok(Target::Deckhand(target)) => self.fetch_deckhand(&target, reference, options).await,
            Ok(Target::Passthrough(url)) => self.fetch_passthrough(&url, reference, options).await,
        };
        outcome.map_err(|e| e.into_core(reference))
    }
}
