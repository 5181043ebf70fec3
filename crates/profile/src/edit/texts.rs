//! Setters for spoken texts, which the file writes once for every language
//! (`greeting = "Hello"`) or once per language (a `[greeting]` table with `en` and `fr`).

use toml_edit::{Item, Table, TableLike, Value};

use super::fields::{split_field, SpokenText};
use super::input::form_text;
use super::layout::{remove, set_table, set_value};
use super::ProfileDraft;
use crate::language::Language;

/// Current form of a spoken text in the file.
enum Form {
    Missing,
    /// One text for every language.
    Single(String),
    PerLanguage,
    /// Something that is neither, such as a number, which validation reports.
    Other,
}

impl ProfileDraft {
    /// Sets the text of `text` for one language.
    ///
    /// A text written once for every language is kept that way when `language` is the
    /// default one. For another language it becomes a per-language table that keeps the old
    /// text for the default language. An empty text removes the language's entry. When that
    /// leaves no entry, an optional text is removed so its default applies, while the
    /// greeting stays empty so that validation reports it.
    pub fn set_text(&mut self, text: SpokenText, language: Language, value: &str) {
        let value = form_text(value);
        let default = self.default_language();
        let field = text.field();
        let (path, key) = split_field(field);
        let language_field = format!("{field}.{}", language.code());

        match self.form_of(&path, key) {
            Form::Missing | Form::Other if value.is_empty() => {}
            Form::Missing | Form::Other => {
                let table = per_language(&[(language.code().to_string(), value)]);
                self.edit_section(&language_field, &path, |section| {
                    set_table(section, key, table);
                    None
                });
            }
            Form::Single(_) if language == default => self.set_text_for_all(text, &value),
            Form::Single(_) if value.is_empty() => {}
            Form::Single(old) => {
                let table = per_language(&[
                    (default.code().to_string(), old),
                    (language.code().to_string(), value),
                ]);
                self.edit_section(&language_field, &path, |section| {
                    set_table(section, key, table);
                    None
                });
            }
            Form::PerLanguage => {
                let mut table_path = path.clone();
                table_path.push(key);
                let language_key = self.language_key(&table_path, language);
                self.edit_section(&language_field, &table_path, |table| {
                    if value.is_empty() {
                        remove(table, &language_key)
                    } else {
                        set_value(table, &language_key, Value::from(value));
                        None
                    }
                });
                if !text.required() {
                    self.remove_if_empty(&path, key);
                }
            }
        }
    }

    /// Sets one text for every language, replacing per-language texts. An empty text removes
    /// an optional text, and writes an empty greeting so that validation reports it.
    pub fn set_text_for_all(&mut self, text: SpokenText, value: &str) {
        let value = form_text(value);
        let field = text.field();
        let (path, key) = split_field(field);
        if value.is_empty() && !text.required() {
            self.edit_existing_section(field, &path, |section| remove(section, key));
            return;
        }
        self.edit_section(field, &path, |section| {
            set_value(section, key, Value::from(value));
            None
        });
    }

    fn form_of(&self, path: &[&str], key: &str) -> Form {
        let mut table: Option<&dyn TableLike> = Some(self.document.as_table());
        for section in path {
            table = table
                .and_then(|table| table.get(section))
                .and_then(Item::as_table_like);
        }
        match table.and_then(|table| table.get(key)) {
            None | Some(Item::None) => Form::Missing,
            Some(item) if item.is_table_like() => Form::PerLanguage,
            Some(item) => match item.as_str() {
                Some(text) => Form::Single(text.to_string()),
                None => Form::Other,
            },
        }
    }
}

fn per_language(texts: &[(String, String)]) -> Table {
    let mut table = Table::new();
    for (code, text) in texts {
        table.insert(code, toml_edit::value(text.as_str()));
    }
    table
}
