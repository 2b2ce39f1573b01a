//! [`LimitedBody`]: the one place the size limit of a streamed body is enforced.

use bytes::{Bytes, BytesMut};
use sha2::{Digest as _, Sha256};

use crate::digest::{Digest, HashedBytes};
use crate::error::{Error, Result};
use crate::reference::DesignRef;

/// Collects a body chunk by chunk and refuses to grow past a limit.
///
/// Shared by every streaming driver so the limit is enforced the same way
/// everywhere, whatever a source claims about its length.
#[derive(Debug)]
pub struct LimitedBody {
    buf: BytesMut,
    limit: u64,
    reference: String,
    /// SHA-256 of what [`LimitedBody::push`] appended, so hashing overlaps the transfer.
    hasher: Sha256,
    /// How many bytes the hasher has seen.
    hashed: usize,
}

/// The most a size hint makes [`LimitedBody`] allocate up front: a source may
/// declare any length (or lie), so memory grows with what really arrives.
pub const MAX_PREALLOCATION: u64 = 1 << 20;

impl LimitedBody {
    /// An empty body for `reference` (redacted), expecting about `size_hint` bytes.
    pub fn new(reference: &DesignRef, limit: u64, size_hint: Option<u64>) -> Self {
        LimitedBody::named(reference.redacted(), limit, size_hint)
    }

    /// An empty body named `reference` (already redacted) in errors.
    /// At most 1 MiB (`MAX_PREALLOCATION`) is reserved whatever the hint.
    pub fn named(reference: &str, limit: u64, size_hint: Option<u64>) -> Self {
        let capacity = size_hint.unwrap_or(0).min(limit).min(MAX_PREALLOCATION) as usize;
        LimitedBody {
            buf: BytesMut::with_capacity(capacity),
            limit,
            reference: reference.to_owned(),
            hasher: Sha256::new(),
            hashed: 0,
        }
    }

    /// The capacity reserved so far.
    pub fn capacity(&self) -> usize {
        self.buf.capacity()
    }

    /// Checks a declared size (e.g. a file's length, `Content-Length`) before reading.
    pub fn check_declared(reference: &DesignRef, limit: u64, size: u64) -> Result<()> {
        if size > limit {
            return Err(Error::TooLarge {
                reference: reference.redacted().to_owned(),
                limit,
                size: Some(size),
                source: None,
            });
        }
        Ok(())
    }

    /// Appends a chunk, failing with [`Error::TooLarge`] past the limit.
    pub fn push(&mut self, chunk: &[u8]) -> Result<()> {
        if self.buf.len() as u64 + chunk.len() as u64 > self.limit {
            return Err(Error::TooLarge {
                reference: self.reference.clone(),
                limit: self.limit,
                size: None,
                source: None,
            });
        }
        self.buf.extend_from_slice(chunk);
        if self.hashed + chunk.len() == self.buf.len() {
            self.hasher.update(chunk);
            self.hashed += chunk.len();
        }
        Ok(())
    }

    /// The mutable buffer, for readers that fill it in place; call [`LimitedBody::check`] after.
    /// (What is written here is hashed by [`LimitedBody::finish_hashed`] at the end.)
    pub fn buffer_mut(&mut self) -> &mut BytesMut {
        &mut self.buf
    }

    /// Fails with [`Error::TooLarge`] if the buffer grew past the limit.
    pub fn check(&self) -> Result<()> {
        if self.buf.len() as u64 > self.limit {
            return Err(Error::TooLarge {
                reference: self.reference.clone(),
                limit: self.limit,
                size: None,
                source: None,
            });
        }
        Ok(())
    }

    /// Bytes collected so far.
    pub fn len(&self) -> usize {
        self.buf.len()
    }

    /// True when nothing was collected.
    pub fn is_empty(&self) -> bool {
        self.buf.is_empty()
    }

    /// The collected bytes.
    pub fn finish(self) -> Bytes {
        self.buf.freeze()
    }

    /// The collected bytes with their SHA-256, computed while they were pushed
    /// (or now, for bytes written through [`LimitedBody::buffer_mut`]).
    pub fn finish_hashed(self) -> HashedBytes {
        let bytes = self.buf.freeze();
        if self.hashed == bytes.len() {
            HashedBytes::from_parts(bytes, Digest::from_hasher(self.hasher))
        } else {
            HashedBytes::new(bytes)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limited_body_refuses_past_the_limit() {
        let r = DesignRef::parse("file:///x").unwrap();
        let mut body = LimitedBody::new(&r, 4, None);
        body.push(b"ab").unwrap();
        body.push(b"cd").unwrap();
        assert!(matches!(
            body.push(b"e"),
            Err(Error::TooLarge { limit: 4, .. })
        ));
        assert_eq!(body.finish(), Bytes::from_static(b"abcd"));
    }

    #[test]
    fn a_huge_size_hint_reserves_little() {
        let body = LimitedBody::named("x", u64::MAX, Some(u64::MAX));
        assert!(body.capacity() as u64 <= MAX_PREALLOCATION);
    }

    #[test]
    fn finish_hashed_hashes_pushed_and_in_place_bytes() {
        let r = DesignRef::parse("file:///x").unwrap();
        let mut body = LimitedBody::new(&r, 100, None);
        body.push(b"ab").unwrap();
        body.push(b"cd").unwrap();
        let hashed = body.finish_hashed();
        assert_eq!(hashed.digest(), Digest::of(b"abcd"));
        let mut body = LimitedBody::new(&r, 100, None);
        body.push(b"ab").unwrap();
        body.buffer_mut().extend_from_slice(b"cd");
        body.push(b"ef").unwrap();
        let hashed = body.finish_hashed();
        assert_eq!(&hashed[..], b"abcdef");
        assert_eq!(hashed.digest(), Digest::of(b"abcdef"));
        assert!(LimitedBody::check_declared(&r, 4, 5).is_err());
    }
}
