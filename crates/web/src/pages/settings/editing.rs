//! Opening the profile file for a form and saving a submitted form, off the async workers.

use std::path::Path;

use standardiste_profile::edit::{ProfileDraft, SaveError};
use standardiste_profile::{FieldError, ProfileError};

use super::registry::SectionForm;
use super::values::FormValues;
use crate::error::PageError;
use crate::server::Console;

/// Name of the hidden input holding the revision of the file the form was made from.
pub const REVISION_FIELD: &str = "revision";

/// The profile file as a form page finds it.
pub enum Opened {
    /// The file is valid TOML; `problems` are its invalid fields, empty when it is valid.
    Draft { draft: ProfileDraft, problems: Vec<FieldError> },
    /// The file is not valid TOML, so no form can show it; the file editor can fix it.
    Broken(Vec<FieldError>),
}

/// Result of saving a form.
pub enum Saved {
    Done,
    /// The edited profile is invalid and nothing was written. `draft` is the edited draft,
    /// whose [`ProfileDraft::form_field`] places the problems; `file` is the file as it is.
    Invalid {
        draft: ProfileDraft,
        file: ProfileDraft,
        problems: Vec<FieldError>,
    },
    /// The file changed since the form was made, and nothing was written. The file as it
    /// is now comes with it.
    Conflict(Opened),
}

/// Reads the profile file.
pub async fn open(console: &Console) -> Result<Opened, PageError> {
    let path = console.settings.profile.clone();
    tokio::task::spawn_blocking(move || open_blocking(&path)).await?
}

/// Writes the values of `section`'s form to the profile file, unless the file changed since
/// the form was made from the text whose revision is `revision`.
pub async fn save(console: &Console, section: &'static SectionForm, values: FormValues, revision: String) -> Result<Saved, PageError> {
    let path = console.settings.profile.clone();
    tokio::task::spawn_blocking(move || save_blocking(&path, section, &values, &revision)).await?
}

fn open_blocking(path: &Path) -> Result<Opened, PageError> {
    match ProfileDraft::open(path) {
        Ok(draft) => {
            let problems = draft.validate().err().map(|error| error.problems().to_vec()).unwrap_or_default();
            Ok(Opened::Draft { draft, problems })
        }
        Err(ProfileError::Invalid { problems, .. }) => Ok(Opened::Broken(problems)),
        Err(error) => Err(unreadable(error)),
    }
}

fn save_blocking(path: &Path, section: &SectionForm, values: &FormValues, revision: &str) -> Result<Saved, PageError> {
    let (file, file_problems) = match open_blocking(path)? {
        Opened::Draft { draft, problems } => (draft, problems),
        // A form was made from a file that parsed, so the file changed since.
        broken @ Opened::Broken(_) => return Ok(Saved::Conflict(broken)),
    };
    if file.ensure_revision(revision).is_err() {
        tracing::info!(
            section = section.slug,
            "business profile form not saved: the file changed after the form was opened"
        );
        let fresh = Opened::Draft {
            draft: file,
            problems: file_problems,
        };
        return Ok(Saved::Conflict(fresh));
    }
    let mut draft = file.clone();
    (section.apply)(values, &mut draft);
    match draft.save(path) {
        Ok(_) => {
            tracing::info!(section = section.slug, "business profile section saved from the console");
            Ok(Saved::Done)
        }
        Err(SaveError::Invalid(error)) => {
            let problems = error.problems().to_vec();
            tracing::debug!(
                section = section.slug,
                problems = problems.len(),
                "business profile form not saved: invalid values"
            );
            Ok(Saved::Invalid { draft, file, problems })
        }
        Err(SaveError::Conflict) => {
            tracing::info!(
                section = section.slug,
                "business profile form not saved: the file changed while saving"
            );
            Ok(Saved::Conflict(open_blocking(path)?))
        }
        Err(error @ (SaveError::Read { .. } | SaveError::Write { .. })) => Err(PageError::Internal(error.to_string())),
    }
}

/// Returns the error page for a profile file that cannot be read at all.
pub fn unreadable(error: ProfileError) -> PageError {
    PageError::Internal(format!(
        "{error}; check the `profile` path in the settings file and that the service user may read and write the file"
    ))
}
