//! The sections of the settings, each with its form: how it reads the file, renders its
//! inputs, writes the submitted values and sums itself up on the index.

use maud::Markup;
use standardiste_profile::edit::{ListSetting, ProfileDraft, Setting};
use standardiste_profile::Language;

use super::problems::FieldProblems;
use super::values::FormValues;
use super::{business, greetings, handling, hours, offer, people, records, voices};

/// One section of the settings and its form.
pub struct SectionForm {
    /// Path segment: `/settings/{slug}`.
    pub slug: &'static str,
    pub title: &'static str,
    /// One sentence under the title saying what the section sets.
    pub intro: &'static str,
    /// Fills the form's values from the file.
    pub read: fn(&ProfileDraft, &mut FormValues),
    /// Renders the form's inputs.
    pub render: fn(&FormContext) -> Markup,
    /// Writes the submitted values to the draft with its setters.
    pub apply: fn(&FormValues, &mut ProfileDraft),
    /// One line for the index, from the file's values.
    pub summary: fn(&ProfileDraft) -> String,
}

/// The values and problems a form renders, with the facts it needs from the file.
pub struct FormContext<'a> {
    pub values: &'a FormValues,
    pub problems: &'a FieldProblems,
    /// The profile's languages, the default first.
    pub languages: Vec<Language>,
    /// Names of the staff in the file, for choosing who takes an appointment type.
    pub staff: Vec<String>,
}

impl<'a> FormContext<'a> {
    pub fn new(values: &'a FormValues, problems: &'a FieldProblems, draft: &ProfileDraft) -> FormContext<'a> {
        FormContext {
            values,
            problems,
            languages: languages(draft),
            staff: draft
                .staff_rows()
                .into_iter()
                .map(|row| row.name)
                .filter(|name| !name.trim().is_empty())
                .collect(),
        }
    }
}

/// Every section, in the order of the index.
pub static SECTIONS: [&SectionForm; 12] = [
    &business::FORM,
    &greetings::FORM,
    &hours::FORM,
    &offer::FAQ,
    &offer::SERVICES,
    &people::APPOINTMENTS,
    &people::STAFF,
    &handling::ANSWERING,
    &handling::ESCALATION,
    &records::RECORDING,
    &records::RECAPS,
    &voices::FORM,
];

/// Finds the section at `/settings/{slug}`.
pub fn find(slug: &str) -> Option<&'static SectionForm> {
    SECTIONS.into_iter().find(|section| section.slug == slug)
}

/// Returns the languages the file lists that the box supports, the default first, or
/// English when it lists none.
pub fn languages(draft: &ProfileDraft) -> Vec<Language> {
    let mut languages: Vec<Language> = Vec::new();
    for code in draft.list(ListSetting::Languages) {
        if let Some(language) = Language::from_code(&code) {
            if !languages.contains(&language) {
                languages.push(language);
            }
        }
    }
    if languages.is_empty() {
        languages.push(Language::En);
    }
    languages
}

/// Returns the value a form shows for `setting`: the file's, or else the default that applies.
pub fn effective(draft: &ProfileDraft, setting: Setting) -> String {
    draft
        .setting(setting)
        .or_else(|| setting.default_value().map(str::to_string))
        .unwrap_or_default()
}

/// Sets `list` to `items` unless the file already lists them, so an unchanged list keeps the
/// file's layout (a long list is otherwise written one item per line).
pub fn set_list_if_changed(draft: &mut ProfileDraft, list: ListSetting, items: &[String]) {
    if draft.list(list) != items {
        draft.set_list(list, items);
    }
}

/// Returns `count` followed by `one` or `many`: "1 service", "3 services".
pub fn counted(count: usize, one: &str, many: &str) -> String {
    if count == 1 {
        format!("1 {one}")
    } else {
        format!("{count} {many}")
    }
}

/// Returns `text` with its first letter in upper case.
pub fn capitalized(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}
