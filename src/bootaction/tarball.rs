//! The tarball a node fetches (the original's `tarbuilder`): GNU format,
//! gzip, one regular file per asset named by its absolute path, mode =
//! permissions or 0600, uid/gid 0, no user or group names, mtime 0. The
//! gzip header carries no time or name either: the same assets give the
//! same bytes.

use std::io::Write as _;

use flate2::{Compression, GzBuilder};
use tar::{EntryType, Header};

use super::render::RenderedAsset;

/// Python's tarfile pads an archive to a multiple of this.
const RECORD_SIZE: usize = 10240;
/// A GNU header's name field holds this many bytes; longer names (and
/// names this long, as Python's tarfile) go in a `././@LongLink` entry.
const NAME_FIELD: usize = 100;

/// The gzip'd tarball of the `unit` and `file` assets among `assets` (a
/// `pkg_list` or an asset without a path is skipped).
pub fn tarball(assets: &[RenderedAsset]) -> std::io::Result<Vec<u8>> {
    let mut archive = Vec::new();
    for asset in assets {
        let Some(path) = &asset.path else { continue };
        if asset.packages.is_some() {
            continue;
        }
        let name = path.as_bytes();
        if name.len() >= NAME_FIELD {
            let mut long = name.to_vec();
            long.push(0);
            let header = header(b"././@LongLink", EntryType::GNULongName, 0, long.len());
            append(&mut archive, &header, &long);
        }
        let header = header(name, EntryType::Regular, asset.mode(), asset.bytes.len());
        append(&mut archive, &header, &asset.bytes);
    }
    // The end: two zero blocks, then padding to a whole record.
    archive.resize(archive.len() + 1024, 0);
    archive.resize(archive.len().div_ceil(RECORD_SIZE) * RECORD_SIZE, 0);
    let mut gz = GzBuilder::new()
        .mtime(0)
        .write(Vec::new(), Compression::best());
    gz.write_all(&archive)?;
    gz.finish()
}

fn header(name: &[u8], kind: EntryType, mode: u32, size: usize) -> Header {
    let mut header = Header::new_gnu();
    {
        // Written as it is: the tar crate's set_path refuses absolute names.
        let field = &mut header.as_old_mut().name;
        let n = name.len().min(NAME_FIELD);
        field[..n].copy_from_slice(&name[..n]);
    }
    header.set_entry_type(kind);
    header.set_mode(mode);
    header.set_uid(0);
    header.set_gid(0);
    header.set_mtime(0);
    header.set_size(size as u64);
    header.set_cksum();
    header
}

fn append(archive: &mut Vec<u8>, header: &Header, data: &[u8]) {
    archive.extend_from_slice(header.as_bytes());
    archive.extend_from_slice(data);
    archive.resize(archive.len().div_ceil(512) * 512, 0);
}
