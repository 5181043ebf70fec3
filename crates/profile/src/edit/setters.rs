//! Setters for single settings, lists, opening hours, voices and emergency words.

use toml_edit::{Array, TableLike, Value};

use super::fields::{split_field, Kind, ListSetting, Setting};
use super::input::{boolean, form_list, form_text, whole_number};
use super::layout::{remove, set_value, text_list};
use super::ProfileDraft;
use crate::error::{quoted, FieldError};
use crate::hours::WEEKDAYS;
use crate::language::Language;

impl ProfileDraft {
    /// Sets a single setting from its form text.
    ///
    /// An empty text removes an optional key, so its default applies, but writes an empty
    /// `name` so that validation reports it. A boolean reads the values of a checkbox
    /// (`on`, or the empty text of an unticked box) and true/false, yes/no, 1/0.
    pub fn set(&mut self, setting: Setting, value: &str) {
        let field = setting.field();
        let (path, key) = split_field(field);
        let parsed = match setting.kind() {
            Kind::RequiredText => Ok(Some(Value::from(form_text(value)))),
            Kind::OptionalText => {
                let text = form_text(value);
                Ok((!text.is_empty()).then(|| Value::from(text)))
            }
            Kind::WholeNumber { fix } => {
                whole_number(field, value, fix).map(|number| number.map(Value::from))
            }
            Kind::Boolean => boolean(field, value).map(|flag| Some(Value::from(flag))),
        };
        match parsed {
            Ok(Some(new)) => self.edit_section(field, &path, |section| {
                set_value(section, key, new);
                None
            }),
            Ok(None) => self.edit_existing_section(field, &path, |section| remove(section, key)),
            Err(problem) => self.replace_problems(|known| known == field, vec![problem]),
        }
    }

    /// Sets a list from its items; blank items are dropped.
    ///
    /// An empty list leaves `key = []` where the file had the key, which keeps its comment and
    /// means the same as no key, except for `languages`, where validation reports it.
    pub fn set_list<S: AsRef<str>>(&mut self, list: ListSetting, items: &[S]) {
        let items = form_list(items);
        let field = list.field();
        let (path, key) = split_field(field);
        if items.is_empty() {
            self.edit_existing_section(field, &path, |section| {
                if section.contains_key(key) {
                    set_value(section, key, Value::Array(Array::new()));
                }
                None
            });
            return;
        }
        self.edit_section(field, &path, |section| {
            let new = text_list(&items, section.get(key));
            set_value(section, key, new);
            None
        });
    }

    /// Sets the opening hours of `day` (`monday` to `sunday`) as written in the form, such as
    /// "08:30-12:30, 13:30-18:00" or "closed". An empty text removes the day, which is then
    /// closed.
    pub fn set_hours(&mut self, day: &str, hours: &str) {
        let day = day.trim().to_ascii_lowercase();
        let field = format!("opening_hours.{day}");
        if !WEEKDAYS.contains(&day.as_str()) {
            let problem = FieldError::new(
                field.clone(),
                quoted(hours),
                format!("`{day}` is not a day of the week"),
                format!("use one of {}", WEEKDAYS.join(", ")),
            );
            self.replace_problems(|known| known == field, vec![problem]);
            return;
        }
        self.set_text_at(&field, &["opening_hours"], &day, hours);
    }

    /// Sets the voice for `language`, such as "pico" or "piper:en_US-joe-medium". An empty
    /// text removes it, so the built-in default applies.
    pub fn set_voice(&mut self, language: Language, voice: &str) {
        let field = format!("voices.{}", language.code());
        let key = self.language_key(&["voices"], language);
        self.set_text_at(&field, &["voices"], &key, voice);
    }

    /// Sets the words that make a call an emergency in `language`. An empty list removes the
    /// language's words, so its built-in list applies.
    pub fn set_emergency_words<S: AsRef<str>>(&mut self, language: Language, words: &[S]) {
        let words = form_list(words);
        let path = ["escalation", "emergency_words"];
        let field = format!("escalation.emergency_words.{}", language.code());
        let key = self.language_key(&path, language);
        if words.is_empty() {
            self.edit_existing_section(&field, &path, |section| remove(section, &key));
            self.remove_if_empty(&["escalation"], "emergency_words");
            return;
        }
        self.edit_section(&field, &path, |section| {
            let new = text_list(&words, section.get(&key));
            set_value(section, &key, new);
            None
        });
    }

    /// Sets `key` under the table at `path` to a text, or removes it for an empty text.
    fn set_text_at(&mut self, field: &str, path: &[&str], key: &str, value: &str) {
        let text = form_text(value);
        if text.is_empty() {
            self.edit_existing_section(field, path, |section| remove(section, key));
            return;
        }
        self.edit_section(field, path, |section| {
            set_value(section, key, Value::from(text));
            None
        });
    }

    /// Returns the key of `language` in the table at `path`: the one the file uses, which may
    /// differ in case, or else the language code.
    pub(super) fn language_key(&self, path: &[&str], language: Language) -> String {
        let mut table: Option<&dyn TableLike> = Some(self.document.as_table());
        for key in path {
            table = table
                .and_then(|table| table.get(key))
                .and_then(|item| item.as_table_like());
        }
        table
            .and_then(|table| {
                table
                    .iter()
                    .map(|(key, _)| key)
                    .find(|key| Language::from_code(key) == Some(language))
                    .map(str::to_string)
            })
            .unwrap_or_else(|| language.code().to_string())
    }

    /// Removes the table `key` under `path` when it has no items left.
    pub(super) fn remove_if_empty(&mut self, path: &[&str], key: &str) {
        let field = path
            .iter()
            .chain([&key])
            .copied()
            .collect::<Vec<_>>()
            .join(".");
        self.edit_existing_section(&field, path, |section| {
            let empty = section
                .get(key)
                .and_then(|item| item.as_table_like())
                .is_some_and(|table| table.is_empty());
            if empty {
                remove(section, key)
            } else {
                None
            }
        });
    }
}
