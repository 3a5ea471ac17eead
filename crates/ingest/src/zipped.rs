//! ZIP packaging of OFAC's XML exports.

use std::io::Read;

use crate::{IngestError, Input, Limits};

/// Unpacks every file member of a ZIP archive, named `archive.zip!member`, within `limits`.
///
/// A ZIP that holds nothing we can parse is reported by the caller through format detection of
/// its members; a ZIP that cannot be opened fails here with the archive's name. The member
/// count, the sizes the archive declares and their ratio to the compressed sizes are checked
/// before anything is inflated, and each member is inflated at most one byte beyond its
/// declared size, so an archive that lies about its sizes is refused without being expanded.
pub(crate) fn members(
    input: &Input<'_>,
    limits: &Limits,
) -> Result<Vec<(String, Vec<u8>)>, IngestError> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(input.bytes))
        .map_err(|e| IngestError::whole(input.name, format!("not a readable ZIP archive: {e}")))?;
    if archive.len() > limits.max_zip_members {
        return Err(IngestError::whole(
            input.name,
            format!(
                "the ZIP archive holds {} members, more than the limit of {}",
                archive.len(),
                limits.max_zip_members
            ),
        ));
    }
    // Declared sizes first: a bomb that states its size is refused before any inflation.
    let mut declared_total: u64 = 0;
    for i in 0..archive.len() {
        let f = archive.by_index_raw(i).map_err(|e| {
            IngestError::whole(input.name, format!("ZIP member {i} cannot be read: {e}"))
        })?;
        if f.is_dir() {
            continue;
        }
        let name = format!("{}!{}", input.name, member_name(f.name(), i));
        check_ratio(&name, f.size(), f.compressed_size(), limits)?;
        declared_total = declared_total.saturating_add(f.size());
        if declared_total > limits.max_zip_expanded {
            return Err(IngestError::whole(
                input.name,
                format!(
                    "the ZIP archive expands to more than the {}-byte limit",
                    limits.max_zip_expanded
                ),
            ));
        }
    }
    let mut out = Vec::new();
    for i in 0..archive.len() {
        let mut f = archive.by_index(i).map_err(|e| {
            IngestError::whole(input.name, format!("ZIP member {i} cannot be read: {e}"))
        })?;
        if f.is_dir() {
            continue;
        }
        let name = format!("{}!{}", input.name, member_name(f.name(), i));
        let declared = f.size();
        let mut buf = Vec::with_capacity(usize::try_from(declared).unwrap_or(0));
        (&mut f)
            .take(declared.saturating_add(1))
            .read_to_end(&mut buf)
            .map_err(|e| IngestError::whole(&name, format!("member cannot be unpacked: {e}")))?;
        if buf.len() as u64 > declared {
            return Err(IngestError::whole(
                &name,
                format!("member holds more than the {declared} bytes the archive declares"),
            ));
        }
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

/// The member's name as stored, or `member-<i>` when it is not text.
fn member_name(name: zip::result::ZipResult<std::borrow::Cow<'_, str>>, i: usize) -> String {
    match name {
        Ok(n) if !n.is_empty() => n.into_owned(),
        _ => format!("member-{i}"),
    }
}

/// Refuses a member whose declared expansion is beyond the ratio limit. Members under 1 MiB are
/// exempt: a small file of repeated text can compress very well and costs nothing.
fn check_ratio(name: &str, size: u64, compressed: u64, limits: &Limits) -> Result<(), IngestError> {
    if size > 1 << 20 && size / compressed.max(1) > limits.max_zip_ratio {
        return Err(IngestError::whole(
            name,
            format!(
                "member expands {size} bytes from {compressed} (more than {} times): refused as a ZIP bomb",
                limits.max_zip_ratio
            ),
        ));
    }
    Ok(())
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
    fn zip_bombs_and_crowded_archives_are_refused_before_inflating() {
        // 8 MiB of zeros deflate to about 8 KiB: a ratio near 1,000.
        let zeros = vec![0u8; 8 << 20];
        check(&zip_of(&[("bomb.xml", &zeros)]), Err("ZIP bomb"));
        let many: Vec<(String, &[u8])> = (0..65).map(|i| (format!("m{i}.xml"), UN)).collect();
        let many: Vec<(&str, &[u8])> = many.iter().map(|(n, b)| (n.as_str(), *b)).collect();
        check(&zip_of(&many), Err("65 members"));
        let limits = crate::Limits {
            max_zip_expanded: 100,
            ..crate::Limits::default()
        };
        let err = crate::parse_files_within(
            &[Input {
                name: "x.zip",
                bytes: &zip_of(&[("consolidated.xml", UN)]),
            }],
            &limits,
        );
        assert!(
            err.as_ref()
                .is_err_and(|e| e.to_string().contains("100-byte limit")),
            "{err:?}"
        );
    }

    #[test]
    fn a_member_holding_more_than_it_declares_is_refused() {
        // Rewrite the declared size of a stored member to 10 bytes in both headers: the
        // archive lies about its size, and is refused at the first byte beyond it.
        let mut buf = std::io::Cursor::new(Vec::new());
        {
            let mut w = zip::ZipWriter::new(&mut buf);
            let opts = zip::write::SimpleFileOptions::default()
                .compression_method(zip::CompressionMethod::Stored);
            w.start_file("consolidated.xml", opts).unwrap();
            w.write_all(UN).unwrap();
            w.finish().unwrap();
        }
        let mut bytes = buf.into_inner();
        let real = (UN.len() as u32).to_le_bytes();
        let lie = 10u32.to_le_bytes();
        let mut i = 0;
        while i + 4 <= bytes.len() {
            if bytes[i..i + 4] == real {
                bytes[i..i + 4].copy_from_slice(&lie);
            }
            i += 1;
        }
        let got = parse_files(&[Input {
            name: "x.zip",
            bytes: &bytes,
        }]);
        assert!(got.is_err(), "{got:?}");
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
