//! Field paths of offending values, printed as the schema checks print them:
//! `data.storage.physical_devices.sda.partitions[0].size` (`spec.…` for
//! legacy documents). Built only when a message is reported.

use std::fmt::Write;

use super::findings::body_key;
use crate::design::DocumentSource;
use crate::design::path::plain_key;

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
            Segment::Key(k) if plain_key(k) => write!(out, ".{k}"),
            Segment::Key(k) => write!(out, "[{k:?}]"),
            Segment::Index(i) => write!(out, "[{i}]"),
        };
    }
    out
}

/// `field_path!(doc, "storage", "physical_devices", name, "partitions", index, "size")`.
macro_rules! field_path {
    ($doc:expr $(, $segment:expr)* $(,)?) => {
        $crate::validation::paths::render(
            $doc,
            &[$($crate::validation::paths::Segment::from($segment)),*],
        )
    };
}
pub(crate) use field_path;
