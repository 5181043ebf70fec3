//! Saving the whole file text, as the web console's file editor sends it.

use std::path::Path;

use super::save::{replace_checked, revision_of};
use super::SaveError;
use crate::BusinessProfile;

/// Returns the revision of a profile text: the [`ProfileDraft::revision`] of a draft opened
/// from it. The file editor keeps it in a hidden input for [`save_text`].
///
/// [`ProfileDraft::revision`]: super::ProfileDraft::revision
pub fn text_revision(text: &str) -> String {
    revision_of(text)
}

/// Validates `text`, a whole profile as a form sends it, and writes it to `path`, returning
/// the profile the box will load.
///
/// The browser's CRLF line ends become LF; the lines of the problems refer to the text after
/// that change. Unlike [`ProfileDraft::save`], the file on disk need not be valid TOML, so
/// this repairs a file that no form can open. Rejects an invalid text, and a file whose
/// [`text_revision`] is no longer `revision`. Writes atomically like
/// [`ProfileDraft::save`], and writes nothing when the text is unchanged.
///
/// Blocks on file I/O and fsync, so async code calls it from a blocking task.
///
/// [`ProfileDraft::save`]: super::ProfileDraft::save
pub fn save_text(path: &Path, revision: &str, text: &str) -> Result<BusinessProfile, SaveError> {
    let text = text.replace("\r\n", "\n");
    let profile = BusinessProfile::parse(&text).map_err(SaveError::Invalid)?;
    replace_checked(path, &text, |on_disk| {
        revision_of(on_disk) == revision.trim()
    })?;
    Ok(profile)
}
