//! Rows of the `[[table]]` lists (closures, services, FAQ, staff, appointment types), as a
//! form sends them, and the setters that replace a whole list.
//!
//! Every field is the form's text. A row whose fields are all empty is left out, so a form can
//! always offer a blank row for a new entry.

use toml_edit::{Item, Table, Value};

use super::input::{boolean, date, form_list, form_text, whole_number};
use super::layout::{set_rows, text_list};
use super::ProfileDraft;
use crate::error::FieldError;

/// Keys of the file's `[[table]]` lists; a form names their inputs with a row index.
pub(super) const ROW_TABLES: [&str; 5] = [
    <ClosureRow as Row>::KEY,
    <ServiceRow as Row>::KEY,
    <FaqRow as Row>::KEY,
    <StaffRow as Row>::KEY,
    <AppointmentTypeRow as Row>::KEY,
];

/// A `[[closures]]` entry: `date` for one day, or `from` and `to` (both included) for
/// several. Dates are written `YYYY-MM-DD`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ClosureRow {
    pub date: String,
    pub from: String,
    pub to: String,
    /// Opening hours on those days, such as "09:00-12:00"; empty when closed all day.
    pub hours: String,
    pub reason: String,
}

/// A `[[services]]` entry.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ServiceRow {
    pub name: String,
    /// Amount with its currency, such as "£45"; empty when the price is given on request.
    pub price: String,
    /// Length in whole minutes.
    pub duration_min: String,
    pub description: String,
}

/// A `[[faq]]` entry.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FaqRow {
    pub question: String,
    pub answer: String,
}

/// A `[[staff]]` entry.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StaffRow {
    pub name: String,
    pub role: String,
    pub phone: String,
    pub email: String,
    /// Checkbox value: `on`, `true` or similar when ticked, empty when not.
    pub on_call: String,
}

/// An `[[appointment_types]]` entry.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AppointmentTypeRow {
    pub name: String,
    /// Length in whole minutes; required.
    pub duration_min: String,
    /// Free minutes kept afterwards.
    pub buffer_min: String,
    /// Names of the staff who take it, as `[[staff]]` writes them; empty when anyone may.
    pub staff: Vec<String>,
    pub description: String,
    /// Other words callers use for it.
    pub aliases: Vec<String>,
}

/// A form row of one of the `[[table]]` lists.
trait Row {
    /// Key of the list in the file.
    const KEY: &'static str;

    /// Tells whether every field of the row is empty.
    fn is_blank(&self) -> bool;

    /// Writes the row's keys, in the order the example profile uses.
    fn write(&self, row: &mut RowWriter);
}

impl Row for ClosureRow {
    const KEY: &'static str = "closures";

    fn is_blank(&self) -> bool {
        blank(&[&self.date, &self.from, &self.to, &self.hours, &self.reason])
    }

    fn write(&self, row: &mut RowWriter) {
        row.date("date", &self.date);
        row.date("from", &self.from);
        row.date("to", &self.to);
        row.text("hours", &self.hours, false);
        row.text("reason", &self.reason, false);
    }
}

impl Row for ServiceRow {
    const KEY: &'static str = "services";

    fn is_blank(&self) -> bool {
        blank(&[
            &self.name,
            &self.price,
            &self.duration_min,
            &self.description,
        ])
    }

    fn write(&self, row: &mut RowWriter) {
        row.text("name", &self.name, true);
        row.text("price", &self.price, false);
        row.number(
            "duration_min",
            &self.duration_min,
            false,
            "write the length in whole minutes, such as 30, or leave it empty",
        );
        row.text("description", &self.description, false);
    }
}

impl Row for FaqRow {
    const KEY: &'static str = "faq";

    fn is_blank(&self) -> bool {
        blank(&[&self.question, &self.answer])
    }

    fn write(&self, row: &mut RowWriter) {
        row.text("question", &self.question, true);
        row.text("answer", &self.answer, true);
    }
}

impl Row for StaffRow {
    const KEY: &'static str = "staff";

    fn is_blank(&self) -> bool {
        // An unticked or untouched checkbox alone does not make a row.
        let on_call = boolean("", &self.on_call) != Ok(false);
        blank(&[&self.name, &self.role, &self.phone, &self.email]) && !on_call
    }

    fn write(&self, row: &mut RowWriter) {
        row.text("name", &self.name, true);
        row.text("role", &self.role, false);
        row.text("phone", &self.phone, false);
        row.text("email", &self.email, false);
        row.flag("on_call", &self.on_call);
    }
}

impl Row for AppointmentTypeRow {
    const KEY: &'static str = "appointment_types";

    fn is_blank(&self) -> bool {
        blank(&[
            &self.name,
            &self.duration_min,
            &self.buffer_min,
            &self.description,
        ]) && form_list(&self.staff).is_empty()
            && form_list(&self.aliases).is_empty()
    }

    fn write(&self, row: &mut RowWriter) {
        row.text("name", &self.name, true);
        row.number(
            "duration_min",
            &self.duration_min,
            true,
            "write the length of the appointment in whole minutes, such as 30",
        );
        row.number(
            "buffer_min",
            &self.buffer_min,
            false,
            "write the free minutes kept after the appointment, such as 10, or leave it empty for none",
        );
        row.list("staff", &self.staff);
        row.text("description", &self.description, false);
        row.list("aliases", &self.aliases);
    }
}

fn blank(fields: &[&String]) -> bool {
    fields.iter().all(|field| field.trim().is_empty())
}

/// Builds the table of one row, collecting the form values that cannot be written.
struct RowWriter {
    table: Table,
    /// Path of the row in the file, such as `services[2]`.
    field: String,
    problems: Vec<FieldError>,
}

impl RowWriter {
    fn insert(&mut self, key: &str, value: Value) {
        self.table.insert(key, Item::Value(value));
    }

    /// Writes a text; an empty optional one is left out, and an empty required one is written
    /// so that validation reports it.
    fn text(&mut self, key: &str, value: &str, required: bool) {
        let text = form_text(value);
        if required || !text.is_empty() {
            self.insert(key, Value::from(text));
        }
    }

    fn number(&mut self, key: &str, value: &str, required: bool, fix: &str) {
        let field = format!("{}.{key}", self.field);
        match whole_number(&field, value, fix) {
            Ok(Some(number)) => self.insert(key, Value::from(number)),
            Ok(None) if required => {
                self.problems
                    .push(FieldError::new(field, None, "the value is missing", fix))
            }
            Ok(None) => {}
            Err(problem) => self.problems.push(problem),
        }
    }

    /// Writes `key = true` for a ticked checkbox and leaves the key out, meaning false,
    /// otherwise.
    fn flag(&mut self, key: &str, value: &str) {
        match boolean(&format!("{}.{key}", self.field), value) {
            Ok(true) => self.insert(key, Value::from(true)),
            Ok(false) => {}
            Err(problem) => self.problems.push(problem),
        }
    }

    fn list(&mut self, key: &str, items: &[String]) {
        let items = form_list(items);
        if !items.is_empty() {
            self.insert(key, text_list(&items, None));
        }
    }

    fn date(&mut self, key: &str, value: &str) {
        if !value.trim().is_empty() {
            self.insert(key, date(value));
        }
    }
}

impl ProfileDraft {
    /// Replaces the `[[closures]]` entries with `rows`, leaving out blank rows.
    pub fn set_closures(&mut self, rows: &[ClosureRow]) {
        self.set_rows(rows);
    }

    /// Replaces the `[[services]]` entries with `rows`, leaving out blank rows.
    pub fn set_services(&mut self, rows: &[ServiceRow]) {
        self.set_rows(rows);
    }

    /// Replaces the `[[faq]]` entries with `rows`, leaving out blank rows.
    pub fn set_faq(&mut self, rows: &[FaqRow]) {
        self.set_rows(rows);
    }

    /// Replaces the `[[staff]]` entries with `rows`, leaving out blank rows.
    pub fn set_staff(&mut self, rows: &[StaffRow]) {
        self.set_rows(rows);
    }

    /// Replaces the `[[appointment_types]]` entries with `rows`, leaving out blank rows.
    pub fn set_appointment_types(&mut self, rows: &[AppointmentTypeRow]) {
        self.set_rows(rows);
    }

    /// Replaces a `[[table]]` list with the non-blank `rows`; with none, removes it.
    fn set_rows<R: Row>(&mut self, rows: &[R]) {
        let mut tables = Vec::new();
        let mut origins = Vec::new();
        let mut problems = Vec::new();
        for (form_index, row) in rows.iter().enumerate() {
            if row.is_blank() {
                continue;
            }
            let mut writer = RowWriter {
                table: Table::new(),
                field: format!("{}[{}]", R::KEY, tables.len()),
                problems: Vec::new(),
            };
            row.write(&mut writer);
            problems.append(&mut writer.problems);
            tables.push(writer.table);
            origins.push(form_index);
        }

        let prefix = format!("{}[", R::KEY);
        self.replace_problems(
            |field| field == R::KEY || field.starts_with(&prefix),
            problems,
        );
        let leftover = set_rows(self.document.as_table_mut(), R::KEY, tables);
        self.keep_leftover(&[], leftover);
        self.row_origins.insert(R::KEY, origins);
    }
}
