//! Field paths of offending values, printed as the schema checks print them:
//! `data.storage.physical_devices.sda.partitions[0].size` (`spec.…` for
//! legacy documents). Built only when a message is reported.

use std::fmt::{self, Write};

use super::findings::body_key;
use drydock_core::design::DocumentSource;
use drydock_core::design::write_key_step;

/// One step of a path.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Segment<'s> {
    /// A mapping key.
    Key(&'s str),
    /// A list position.
    Index(usize),
}

impl<'s> From<&'s str> for Segment<'s> {
    fn from(key: &'s str) -> Self {
        Segment::Key(key)
    }
}

impl From<usize> for Segment<'_> {
    fn from(index: usize) -> Self {
        Segment::Index(index)
    }
}

/// The path of `segments` below the body (`data`/`spec`) of `doc`.
pub fn render(doc: &DocumentSource, segments: &[Segment<'_>]) -> String {
    let mut out = body_key(doc).to_owned();
    for s in segments {
        let _ = match s {
            Segment::Key(k) => write!(out, "{}", KeyStep(k)),
            Segment::Index(i) => write!(out, "[{i}]"),
        };
    }
    out
}

/// A key step after the first: `.key`, or `["a.b"]` for a key that is not plain.
struct KeyStep<'s>(&'s str);

impl fmt::Display for KeyStep<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_key_step(f, self.0, false)
    }
}

/// `field_path!(doc, "storage", "physical_devices", name, "partitions", index, "size")`.
macro_rules! field_path {
    ($doc:expr $(, $segment:expr)* $(,)?) => {
        $crate::paths::render(
            $doc,
            &[$($crate::paths::Segment::from($segment)),*],
        )
    };
}
pub(crate) use field_path;
