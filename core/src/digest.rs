//! [`Digest`]: the SHA-256 of fetched content.

use std::fmt;
use std::ops::Deref;
use std::str::FromStr;

use bytes::Bytes;

use serde::{Deserialize, Serialize};
use sha2::{Digest as _, Sha256};

/// A SHA-256 digest; printed and serialised as `sha256:<64 hex digits>`.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Digest([u8; 32]);

impl Digest {
    /// The SHA-256 of `bytes`.
    pub fn of(bytes: &[u8]) -> Self {
        Digest(Sha256::digest(bytes).into())
    }
    /// The digest a finished hasher holds.
    pub(crate) fn from_hasher(hasher: Sha256) -> Self {
        Digest(hasher.finalize().into())
    }
    /// The raw 32 bytes.
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }
    /// The 64 lower-case hex digits, without prefix.
    pub fn hex(&self) -> String {
        hex::encode(self.0)
    }
}

impl fmt::Display for Digest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "sha256:{}", self.hex())
    }
}

impl fmt::Debug for Digest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

/// Why a string is not a digest.
#[derive(Debug, Clone, thiserror::Error)]
#[error("`{0}` is not a SHA-256 digest: expected 64 hex digits, optionally prefixed by `sha256:`")]
pub struct DigestParseError(String);

impl FromStr for Digest {
    type Err = DigestParseError;
    fn from_str(s: &str) -> std::result::Result<Self, Self::Err> {
        let hex_part = s.strip_prefix("sha256:").unwrap_or(s);
        let mut out = [0u8; 32];
        hex::decode_to_slice(hex_part, &mut out).map_err(|_| DigestParseError(s.to_owned()))?;
        Ok(Digest(out))
    }
}

impl Serialize for Digest {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Digest {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// Bytes together with their SHA-256, which only drydock-core computes: built
/// by [`HashedBytes::new`] or by [`crate::LimitedBody::finish_hashed`] (which
/// hashes while a body streams in), and trusted by the resolver without a
/// second pass. Dereferences to [`Bytes`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HashedBytes {
    bytes: Bytes,
    digest: Digest,
}

impl HashedBytes {
    /// Hashes `bytes`.
    pub fn new(bytes: Bytes) -> Self {
        let digest = Digest::of(&bytes);
        HashedBytes { bytes, digest }
    }

    /// Pairs bytes with the digest core itself computed over exactly them.
    pub(crate) fn from_parts(bytes: Bytes, digest: Digest) -> Self {
        HashedBytes { bytes, digest }
    }

    /// The SHA-256 of the bytes.
    pub fn digest(&self) -> Digest {
        self.digest
    }

    /// The bytes.
    pub fn into_bytes(self) -> Bytes {
        self.bytes
    }
}

impl Deref for HashedBytes {
    type Target = Bytes;
    fn deref(&self) -> &Bytes {
        &self.bytes
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digest_round_trips_and_names_sha256() {
        let d = Digest::of(b"abc");
        let s = d.to_string();
        assert_eq!(
            s,
            "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(s.parse::<Digest>().unwrap(), d);
        assert_eq!(d.hex().parse::<Digest>().unwrap(), d);
        assert!("sha256:zz".parse::<Digest>().is_err());
    }
}
