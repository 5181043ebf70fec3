//! Editing the profile file from the web console's forms, keeping the owner's comments.
//!
//! A [`ProfileDraft`] opens the file's text, takes form values through its setters, checks the
//! result with the validation the box uses ([`ProfileDraft::validate`]), and writes it back
//! atomically ([`ProfileDraft::save`]) unless the file changed on disk in the meantime.
//!
//! Setters take values as a form sends them: texts, numbers and booleans all as text. They
//! return nothing. A value that cannot be written, such as "30 min" for a number of minutes,
//! is left out: a setting keeps its old value, and a row goes without the key. It comes out
//! of `validate` and `save` as a [`FieldError`], together with the problems validation
//! finds, so a form submission gets every problem in one list.
//!
//! A request that saves a form:
//! 1. `ProfileDraft::open(path)`, then `draft.ensure_revision(&submitted)?`, where
//!    `submitted` is the [`ProfileDraft::revision`] the form page was rendered with. This
//!    rejects a form made from an older version of the file.
//! 2. The setters, with [`ListSetting::Languages`] first, because spoken texts are arranged
//!    around the default language, which is the first in the list.
//! 3. `draft.save(path)`. On [`SaveError::Invalid`], show each problem next to the input named
//!    [`ProfileDraft::form_field`] of its field (see [`form_field`] for the naming rules).
//!
//! A form page shows the file's values through the getters, such as [`ProfileDraft::setting`]
//! and [`ProfileDraft::service_rows`], which read what the file writes and leave defaults out.
//! The file editor saves a whole text with [`save_text`] instead of a draft.

mod fields;
mod form;
mod input;
mod layout;
mod read;
mod rows;
mod save;
mod setters;
mod texts;
mod whole;

use std::collections::BTreeMap;
use std::path::Path;

use toml_edit::{DocumentMut, TableLike};

use crate::error::{FieldError, ProfileError};
use crate::language::Language;
use crate::locate::syntax_problem_at;
use crate::BusinessProfile;

pub use fields::{ListSetting, Setting, SpokenText};
pub use form::form_field;
pub use rows::{AppointmentTypeRow, ClosureRow, FaqRow, ServiceRow, StaffRow};
pub use save::SaveError;
pub use whole::{save_text, text_revision};

/// A profile file being edited: its text as opened, and the edited TOML document.
#[derive(Debug, Clone)]
pub struct ProfileDraft {
    /// The text the draft was opened from, which the file must still contain when saving.
    original: String,
    document: DocumentMut,
    /// Form values that could not be written, such as a number field holding "abc".
    problems: Vec<FieldError>,
    /// For each `[[table]]` replaced from form rows, the form row of each entry written,
    /// because empty rows are left out.
    row_origins: BTreeMap<&'static str, Vec<usize>>,
}

impl ProfileDraft {
    /// Opens a draft of a profile's text, which only needs to be valid TOML, so a profile with
    /// invalid fields can be corrected through the forms.
    pub fn parse(text: &str) -> Result<ProfileDraft, ProfileError> {
        let document = text
            .parse::<DocumentMut>()
            .map_err(|error| ProfileError::Invalid {
                path: None,
                problems: vec![syntax_problem_at(text, error.message(), error.span())],
            })?;
        Ok(ProfileDraft {
            original: text.to_string(),
            document,
            problems: Vec::new(),
            row_origins: BTreeMap::new(),
        })
    }

    /// Reads the profile file at `path` and opens a draft of it.
    pub fn open(path: &Path) -> Result<ProfileDraft, ProfileError> {
        let text = std::fs::read_to_string(path).map_err(|source| ProfileError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        Self::parse(&text).map_err(|error| match error {
            ProfileError::Invalid { problems, .. } => ProfileError::Invalid {
                path: Some(path.to_path_buf()),
                problems,
            },
            other => other,
        })
    }

    /// Returns the edited file text.
    pub fn text(&self) -> String {
        self.document.to_string()
    }

    /// Returns the text the draft was opened from.
    pub fn original(&self) -> &str {
        &self.original
    }

    /// Validates the edited text as the box would load it, adding the form values that could
    /// not be written. Field paths and lines refer to [`ProfileDraft::text`].
    pub fn validate(&self) -> Result<BusinessProfile, ProfileError> {
        let result = BusinessProfile::parse(&self.text());
        if self.problems.is_empty() {
            return result;
        }
        let mut problems = self.problems.clone();
        if let Err(error) = result {
            // A value left out because its form text was invalid may also be reported as
            // missing, and the form's own problem is the more precise of the two.
            for problem in error.problems() {
                if !problems.iter().any(|known| known.field == problem.field) {
                    problems.push(problem.clone());
                }
            }
        }
        Err(ProfileError::Invalid {
            path: None,
            problems,
        })
    }

    /// Replaces the recorded problems of the fields that `covers` selects with `new`.
    fn replace_problems(&mut self, covers: impl Fn(&str) -> bool, new: Vec<FieldError>) {
        self.problems.retain(|problem| !covers(&problem.field));
        self.problems.extend(new);
    }

    /// Returns the profile's default language: the first in `languages`, else English.
    fn default_language(&self) -> Language {
        self.document
            .get("languages")
            .and_then(|item| item.as_array())
            .and_then(|codes| codes.get(0))
            .and_then(|code| code.as_str())
            .and_then(Language::from_code)
            .unwrap_or(Language::En)
    }

    /// Runs `edit` on the table at `path` (root when empty), creating missing tables. When an
    /// item on the way is not a table, records a problem for `field` and leaves the file as
    /// it is.
    fn edit_section(
        &mut self,
        field: &str,
        path: &[&str],
        edit: impl FnOnce(&mut dyn TableLike) -> Option<String>,
    ) {
        let outcome = layout::section_mut(self.document.as_table_mut(), path).map(edit);
        let problem = match outcome {
            Ok(leftover) => {
                self.keep_leftover(path, leftover);
                None
            }
            Err(blocking) => Some(FieldError::new(
                field,
                None,
                format!("`{blocking}` is not a table, so this setting cannot be written under it"),
                format!("write `{blocking}` as a [{blocking}] section in the file"),
            )),
        };
        self.replace_problems(|known| known == field, problem.into_iter().collect());
    }

    /// Runs `edit` on the table at `path` when the file has it.
    fn edit_existing_section(
        &mut self,
        field: &str,
        path: &[&str],
        edit: impl FnOnce(&mut dyn TableLike) -> Option<String>,
    ) {
        let leftover =
            layout::existing_section_mut(self.document.as_table_mut(), path).and_then(edit);
        self.keep_leftover(path, leftover);
        self.replace_problems(|known| known == field, Vec::new());
    }

    /// Keeps comment lines that a removed root item left with no next item, at the end of the
    /// file. Such lines inside a section are dropped with the item.
    fn keep_leftover(&mut self, path: &[&str], leftover: Option<String>) {
        let Some(leftover) = leftover.filter(|_| path.is_empty()) else {
            return;
        };
        let trailing = self.document.trailing().as_str().unwrap_or("").to_string();
        self.document.set_trailing(format!("{trailing}{leftover}"));
    }
}
