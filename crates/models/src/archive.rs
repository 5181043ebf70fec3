//! Extraction of one member from a wheel (zip) or source distribution (tar.gz).

use std::fs::File;
use std::io::{self, BufReader, Write};
use std::path::Path;

use crate::Error;

/// Copies `member` of `archive` into `out` and returns its size in bytes.
///
/// The archive type follows the file name: `.whl` or `.zip` is read as zip, `.tar.gz` as a
/// gzip-compressed tar. Write errors on `out` are reported against `out_label`.
pub(crate) fn extract_member(
    archive: &Path,
    member: &str,
    out: &mut dyn Write,
    out_label: &Path,
) -> Result<u64, Error> {
    let file_name = archive
        .file_name()
        .and_then(|name| name.to_str())
        .unwrap_or_default();
    let file = File::open(archive)
        .map_err(|e| Error::io(format!("failed to open package {}", archive.display()), e))?;
    let invalid = |message: String| Error::Archive {
        archive: archive.to_path_buf(),
        message,
    };
    let copy_error = |e: io::Error| -> Error {
        // The reader side fails on a truncated or corrupt package, the writer side on a full
        // disk, and io::copy does not say which one failed.
        match e.kind() {
            io::ErrorKind::InvalidData | io::ErrorKind::UnexpectedEof => {
                invalid(format!("failed to read member {member}: {e}"))
            }
            _ => Error::io(
                format!(
                    "failed to copy {member} from {} to {}",
                    archive.display(),
                    out_label.display()
                ),
                e,
            ),
        }
    };

    if file_name.ends_with(".whl") || file_name.ends_with(".zip") {
        let mut zip =
            zip::ZipArchive::new(BufReader::new(file)).map_err(|e| invalid(e.to_string()))?;
        let mut entry = match zip.by_name(member) {
            Ok(entry) => entry,
            Err(zip::result::ZipError::FileNotFound) => {
                return Err(Error::MemberNotFound {
                    archive: archive.to_path_buf(),
                    member: member.to_string(),
                })
            }
            Err(e) => return Err(invalid(e.to_string())),
        };
        io::copy(&mut entry, out).map_err(copy_error)
    } else if file_name.ends_with(".tar.gz") {
        let decoder = flate2::read::GzDecoder::new(BufReader::new(file));
        let mut tar = tar::Archive::new(decoder);
        let entries = tar.entries().map_err(|e| invalid(e.to_string()))?;
        for entry in entries {
            let mut entry = entry.map_err(|e| invalid(e.to_string()))?;
            let path = entry.path().map_err(|e| invalid(e.to_string()))?;
            let path = path.to_string_lossy();
            if path.trim_start_matches("./") == member {
                return io::copy(&mut entry, out).map_err(copy_error);
            }
        }
        Err(Error::MemberNotFound {
            archive: archive.to_path_buf(),
            member: member.to_string(),
        })
    } else {
        Err(invalid(
            "unknown package type, expected a .whl, .zip or .tar.gz file name".to_string(),
        ))
    }
}
