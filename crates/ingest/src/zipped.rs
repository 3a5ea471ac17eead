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
