//! ZIP packaging of OFAC's XML exports.

use std::io::Read;

use crate::{IngestError, Input};

/// The largest member we unpack; OFAC's biggest export is well under this.
const MAX_MEMBER: u64 = 2 << 30;

/// Unpacks every file member of a ZIP archive, named `archive.zip!member`.
///
/// A ZIP that holds nothing we can parse is reported by the caller through format detection of
/// its members; a ZIP that cannot be opened fails here with the archive's name.
pub(crate) fn members(input: &Input<'_>) -> Result<Vec<(String, Vec<u8>)>, IngestError> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(input.bytes))
        .map_err(|e| IngestError::whole(input.name, format!("not a readable ZIP archive: {e}")))?;
    let mut out = Vec::new();
    for i in 0..archive.len() {
        let mut f = archive.by_index(i).map_err(|e| {
            IngestError::whole(input.name, format!("ZIP member {i} cannot be read: {e}"))
        })?;
        if f.is_dir() {
            continue;
        }
        let member = f
            .name()
            .map(|n| n.into_owned())
            .unwrap_or_else(|_| format!("member-{i}"));
        let name = format!("{}!{member}", input.name);
        if f.size() > MAX_MEMBER {
            return Err(IngestError::whole(
                &name,
                format!(
                    "member is {} bytes, more than the {MAX_MEMBER}-byte limit",
                    f.size()
                ),
            ));
        }
        let mut buf = Vec::with_capacity(f.size() as usize);
        (&mut f)
            .take(MAX_MEMBER + 1)
            .read_to_end(&mut buf)
            .map_err(|e| IngestError::whole(&name, format!("member cannot be unpacked: {e}")))?;
        out.push((name, buf));
    }
    if out.is_empty() {
        return Err(IngestError::whole(
            input.name,
            "the ZIP archive holds no files",
        ));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use crate::{IngestError, Input, parse_files};

    fn zip_of(members: &[(&str, &[u8])]) -> Vec<u8> {
        let mut buf = std::io::Cursor::new(Vec::new());
        {
            let mut w = zip::ZipWriter::new(&mut buf);
            let opts = zip::write::SimpleFileOptions::default()
                .compression_method(zip::CompressionMethod::Deflated);
            for (name, bytes) in members {
                w.start_file(*name, opts).unwrap();
                w.write_all(bytes).unwrap();
            }
            w.finish().unwrap();
        }
        buf.into_inner()
    }

    fn check(bytes: &[u8], expected: Result<usize, &str>) {
        let got = parse_files(&[Input {
            name: "x.zip",
            bytes,
        }]);
        match (got, expected) {
            (Ok(lists), Ok(n)) => assert_eq!(lists[0].parsed.entities.len(), n),
            (Err(e), Err(needle)) => {
                let msg = e.to_string();
                assert!(msg.contains(needle), "{msg:?} should contain {needle:?}");
            }
            (got, expected) => panic!("got {got:?}, expected {expected:?}"),
        }
    }

    const UN: &[u8] = b"<?xml version=\"1.0\"?><CONSOLIDATED_LIST dateGenerated=\"2026-01-01T00:00:00Z\"><INDIVIDUALS><INDIVIDUAL><DATAID>1</DATAID><FIRST_NAME>A</FIRST_NAME><SECOND_NAME>B</SECOND_NAME><REFERENCE_NUMBER>KPi.900</REFERENCE_NUMBER></INDIVIDUAL></INDIVIDUALS><ENTITIES/></CONSOLIDATED_LIST>";

    #[test]
    fn zips_are_opened_or_rejected_with_their_member_named() {
        check(&zip_of(&[("consolidated.xml", UN)]), Ok(1));
        check(
            &zip_of(&[("readme.txt", b"hello, this is not a list")]),
            Err("x.zip!readme.txt"),
        );
        check(
            &zip_of(&[("image.png", b"\x89PNG\r\n\x1a\n")]),
            Err("x.zip!image.png"),
        );
        check(&zip_of(&[]), Err("holds no files"));
        let good = zip_of(&[("consolidated.xml", UN)]);
        check(&good[..40], Err("not a readable ZIP archive"));
    }

    #[test]
    fn an_unreadable_zip_is_an_unusable_file() {
        let err = parse_files(&[Input {
            name: "x.zip",
            bytes: b"PK\x03\x04garbage",
        }]);
        assert!(matches!(err, Err(IngestError::Unusable { .. })), "{err:?}");
    }
}
