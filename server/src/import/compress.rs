//! Recognising and unpacking gzip and zip input, with a cap on the unpacked size.
//!
//! Reporters send DMARC reports as `.xml`, `.xml.gz` or `.zip` and TLS reports as `.json` or
//! `.json.gz`, but file names get lost or changed on the way (mail clients, saved
//! attachments), so the container is recognised by its magic bytes.

use std::io::{Cursor, Read};

/// The most bytes one file may unpack to (for a zip archive: all members together).
///
/// Aggregate reports are rarely more than a few megabytes; this cap stops a small compressed
/// file from expanding into gigabytes of memory.
pub const MAX_DECOMPRESSED: u64 = 64 << 20;

/// The most members of a zip archive that are looked at, against archives with millions of
/// tiny entries.
const MAX_ZIP_MEMBERS: usize = 10_000;

/// What kind of container some bytes are, judged by their first bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Container {
    Plain,
    Gzip,
    Zip,
}

/// Recognises gzip (RFC 1952 magic `1f 8b`) and zip (local file header `PK\x03\x04`, or the
/// end-of-central-directory record `PK\x05\x06` of an empty archive).
pub(crate) fn detect(bytes: &[u8]) -> Container {
    if bytes.starts_with(&[0x1f, 0x8b]) {
        Container::Gzip
    } else if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06") {
        Container::Zip
    } else {
        Container::Plain
    }
}

/// Reads at most `limit` bytes from `r`; more is an error rather than a silent truncation.
fn read_capped(mut r: impl Read, limit: u64, what: &str) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    r.by_ref()
        .take(limit + 1)
        .read_to_end(&mut out)
        .map_err(|e| format!("{what}: {e}"))?;
    if out.len() as u64 > limit {
        return Err(format!(
            "{what}: decompressed data is larger than the limit of {limit} bytes"
        ));
    }
    Ok(out)
}

/// Unpacks gzip data. Concatenated gzip members (allowed by RFC 1952) are joined.
pub(crate) fn gunzip(bytes: &[u8]) -> Result<Vec<u8>, String> {
    gunzip_capped(bytes, MAX_DECOMPRESSED)
}

fn gunzip_capped(bytes: &[u8], limit: u64) -> Result<Vec<u8>, String> {
    read_capped(
        flate2::read::MultiGzDecoder::new(bytes),
        limit,
        "reading gzip data",
    )
}

/// One regular file from a zip archive, unpacked.
pub(crate) struct ZipMember {
    pub name: String,
    pub data: Vec<u8>,
}

/// Unpacks every regular file of a zip archive, in archive order. Directories and symlinks
/// are skipped. `wanted` decides by name which members are read at all, so unrelated
/// members do not count against the size limit.
pub(crate) fn unzip(bytes: &[u8], wanted: impl Fn(&str) -> bool) -> Result<Vec<ZipMember>, String> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes))
        .map_err(|e| format!("reading zip archive: {e}"))?;
    if archive.len() > MAX_ZIP_MEMBERS {
        return Err(format!(
            "zip archive has {} members, more than the limit of {MAX_ZIP_MEMBERS}",
            archive.len()
        ));
    }
    let mut remaining = MAX_DECOMPRESSED;
    let mut members = Vec::new();
    for i in 0..archive.len() {
        let file = archive
            .by_index(i)
            .map_err(|e| format!("reading zip member {}: {e}", i + 1))?;
        let name = match file.name() {
            Ok(name) => name.into_owned(),
            Err(e) => return Err(format!("reading name of zip member {}: {e}", i + 1)),
        };
        if !file.is_file() || !wanted(&name) {
            continue;
        }
        let data = read_capped(file, remaining, &format!("member {name:?}"))?;
        remaining -= data.len() as u64;
        members.push(ZipMember { name, data });
    }
    Ok(members)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn gz(data: &[u8]) -> Vec<u8> {
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        enc.write_all(data).unwrap();
        enc.finish().unwrap()
    }

    #[test]
    fn detects_by_magic() {
        assert_eq!(detect(b"<?xml"), Container::Plain);
        assert_eq!(detect(&gz(b"x")), Container::Gzip);
        assert_eq!(detect(b"PK\x03\x04rest"), Container::Zip);
        assert_eq!(detect(b"PK\x05\x06"), Container::Zip);
        assert_eq!(detect(b""), Container::Plain);
        assert_eq!(detect(&[0x1f]), Container::Plain);
    }

    #[test]
    fn gunzip_roundtrip_and_concatenation() {
        assert_eq!(gunzip(&gz(b"hello")).unwrap(), b"hello");
        let mut two = gz(b"hello ");
        two.extend(gz(b"world"));
        assert_eq!(gunzip(&two).unwrap(), b"hello world");
    }

    #[test]
    fn gunzip_errors() {
        let err = gunzip(&[0x1f, 0x8b, 0, 0]).unwrap_err();
        assert!(err.starts_with("reading gzip data: "), "{err}");
        let mut truncated = gz(b"some text that is long enough to compress");
        truncated.truncate(truncated.len() - 10);
        assert!(gunzip(&truncated).is_err());
    }

    #[test]
    fn gunzip_cap() {
        let big = gz(&vec![b'a'; 1000]);
        assert_eq!(gunzip_capped(&big, 1000).unwrap().len(), 1000);
        let err = gunzip_capped(&big, 999).unwrap_err();
        assert_eq!(
            err,
            "reading gzip data: decompressed data is larger than the limit of 999 bytes"
        );
    }

    #[test]
    fn unzip_errors() {
        let err = unzip(b"PK\x03\x04garbage", |_| true).err().unwrap();
        assert!(err.starts_with("reading zip archive: "), "{err}");
    }
}
