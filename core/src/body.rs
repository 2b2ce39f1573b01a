//! [`LimitedBody`]: the one place the size limit of a streamed body is enforced.

use bytes::{Bytes, BytesMut};

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
}

impl LimitedBody {
    /// An empty body for `reference` (redacted), expecting about `size_hint` bytes.
    pub fn new(reference: &DesignRef, limit: u64, size_hint: Option<u64>) -> Self {
        let capacity = size_hint.unwrap_or(0).min(limit) as usize;
        LimitedBody {
            buf: BytesMut::with_capacity(capacity),
            limit,
            reference: reference.redacted().to_owned(),
        }
    }

    /// Checks a declared size (e.g. a file's length, `Content-Length`) before reading.
    pub fn check_declared(reference: &DesignRef, limit: u64, size: u64) -> Result<()> {
        if size > limit {
            return Err(Error::TooLarge {
                reference: reference.redacted().to_owned(),
                limit,
                size: Some(size),
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
            });
        }
        self.buf.extend_from_slice(chunk);
        Ok(())
    }

    /// The mutable buffer, for readers that fill it in place; call [`LimitedBody::check`] after.
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
        assert!(LimitedBody::check_declared(&r, 4, 5).is_err());
    }
}
