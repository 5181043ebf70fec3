//! Form values read back from the file, so a form shows what the file contains.
//!
//! The getters return the file's values as the setters take them: texts, numbers and booleans
//! as text. They read what the file writes, not what validation makes of it, so a value the
//! file leaves out is `None` (its default applies) and a form saved unchanged writes no
//! defaults into the file. They work on a file with invalid fields, and a value of the wrong
//! type, such as `rings = "four"`, comes back as its TOML text so the owner can correct it.

use toml_edit::{Item, TableLike, Value};

use super::fields::{split_field, ListSetting, Setting, SpokenText};
use super::rows::{AppointmentTypeRow, ClosureRow, FaqRow, ServiceRow, StaffRow};
use super::ProfileDraft;
use crate::language::Language;

impl ProfileDraft {
    /// Returns the form text of a single setting, or `None` when the file leaves it out.
    /// A boolean reads `true` or `false`.
    pub fn setting(&self, setting: Setting) -> Option<String> {
        let (path, key) = split_field(setting.field());
        self.table_at(&path)?.get(key).and_then(item_text)
    }

    /// Returns the items of a list; empty when the file leaves it out.
    pub fn list(&self, list: ListSetting) -> Vec<String> {
        let (path, key) = split_field(list.field());
        self.table_at(&path)
            .and_then(|table| table.get(key))
            .map(item_list)
            .unwrap_or_default()
    }

    /// Returns the text spoken in `language`: the language's own text, or the one text the
    /// file writes for every language. `None` when the file has neither.
    pub fn spoken_text(&self, text: SpokenText, language: Language) -> Option<String> {
        let (path, key) = split_field(text.field());
        let item = self.table_at(&path)?.get(key)?;
        match item.as_table_like() {
            Some(_) => {
                let mut table_path = path.clone();
                table_path.push(key);
                let language_key = self.language_key(&table_path, language);
                item.as_table_like()?.get(&language_key).and_then(item_text)
            }
            None => item_text(item),
        }
    }

    /// Returns the text when the file writes one text for every language, and `None` when it
    /// writes one per language or none.
    pub fn spoken_text_for_all(&self, text: SpokenText) -> Option<String> {
        let (path, key) = split_field(text.field());
        let item = self.table_at(&path)?.get(key)?;
        if item.is_table_like() {
            return None;
        }
        item_text(item)
    }

    /// Returns the opening hours of `day` (`monday` to `sunday`) as written, or `None` when
    /// the file leaves the day out, which makes it closed.
    pub fn hours(&self, day: &str) -> Option<String> {
        let table = self.table_at(&["opening_hours"])?;
        let key = table
            .iter()
            .map(|(key, _)| key)
            .find(|key| key.eq_ignore_ascii_case(day.trim()))?;
        table.get(key).and_then(item_text)
    }

    /// Returns the voice the file names for `language`, or `None` for the built-in default.
    pub fn voice(&self, language: Language) -> Option<String> {
        let key = self.language_key(&["voices"], language);
        self.table_at(&["voices"])?.get(&key).and_then(item_text)
    }

    /// Returns the emergency words the file lists for `language`, or `None` when the built-in
    /// list applies.
    pub fn emergency_words(&self, language: Language) -> Option<Vec<String>> {
        let path = ["escalation", "emergency_words"];
        let key = self.language_key(&path, language);
        self.table_at(&path)?.get(&key).map(item_list)
    }

    /// Returns the `[[closures]]` entries as form rows.
    pub fn closure_rows(&self) -> Vec<ClosureRow> {
        self.rows("closures")
            .into_iter()
            .map(|row| ClosureRow {
                date: field(row, "date"),
                from: field(row, "from"),
                to: field(row, "to"),
                hours: field(row, "hours"),
                reason: field(row, "reason"),
            })
            .collect()
    }

    /// Returns the `[[services]]` entries as form rows.
    pub fn service_rows(&self) -> Vec<ServiceRow> {
        self.rows("services")
            .into_iter()
            .map(|row| ServiceRow {
                name: field(row, "name"),
                price: field(row, "price"),
                duration_min: field(row, "duration_min"),
                description: field(row, "description"),
            })
            .collect()
    }

    /// Returns the `[[faq]]` entries as form rows.
    pub fn faq_rows(&self) -> Vec<FaqRow> {
        self.rows("faq")
            .into_iter()
            .map(|row| FaqRow {
                question: field(row, "question"),
                answer: field(row, "answer"),
            })
            .collect()
    }

    /// Returns the `[[staff]]` entries as form rows; `on_call` reads `true` or `false`, or
    /// is empty when the file leaves it out.
    pub fn staff_rows(&self) -> Vec<StaffRow> {
        self.rows("staff")
            .into_iter()
            .map(|row| StaffRow {
                name: field(row, "name"),
                role: field(row, "role"),
                phone: field(row, "phone"),
                email: field(row, "email"),
                on_call: field(row, "on_call"),
            })
            .collect()
    }

    /// Returns the `[[appointment_types]]` entries as form rows.
    pub fn appointment_type_rows(&self) -> Vec<AppointmentTypeRow> {
        self.rows("appointment_types")
            .into_iter()
            .map(|row| AppointmentTypeRow {
                name: field(row, "name"),
                duration_min: field(row, "duration_min"),
                buffer_min: field(row, "buffer_min"),
                staff: row.get("staff").map(item_list).unwrap_or_default(),
                description: field(row, "description"),
                aliases: row.get("aliases").map(item_list).unwrap_or_default(),
            })
            .collect()
    }

    /// Returns the table at `path` (root when empty), a `[section]` or an inline table.
    fn table_at(&self, path: &[&str]) -> Option<&dyn TableLike> {
        let mut table: &dyn TableLike = self.document.as_table();
        for key in path {
            table = table.get(key)?.as_table_like()?;
        }
        Some(table)
    }

    /// Returns the entries of the list `key`, written as `[[key]]` tables or as an array of
    /// inline tables. Entries that are not tables are skipped, as validation reports them.
    fn rows(&self, key: &str) -> Vec<&dyn TableLike> {
        match self.document.get(key) {
            Some(Item::ArrayOfTables(array)) => {
                array.iter().map(|table| table as &dyn TableLike).collect()
            }
            Some(Item::Value(Value::Array(array))) => array
                .iter()
                .filter_map(|value| value.as_inline_table())
                .map(|table| table as &dyn TableLike)
                .collect(),
            _ => Vec::new(),
        }
    }
}

/// Returns the form text of the row's `key`, empty when the row leaves it out.
fn field(row: &dyn TableLike, key: &str) -> String {
    row.get(key).and_then(item_text).unwrap_or_default()
}

/// Returns a value as a form shows it: a string's content, and any other value as TOML
/// writes it, such as `30`, `true` or `2026-12-24`. `None` for a table.
fn item_text(item: &Item) -> Option<String> {
    item.as_value().map(value_text)
}

fn value_text(value: &Value) -> String {
    match value {
        Value::String(text) => text.value().clone(),
        other => other.clone().decorated("", "").to_string(),
    }
}

/// Returns the items of a list as form texts. A single value, which validation reports, is
/// read as a list of one item, so the form shows it.
fn item_list(item: &Item) -> Vec<String> {
    match item.as_array() {
        Some(array) => array.iter().map(value_text).collect(),
        None => item_text(item).into_iter().collect(),
    }
}
