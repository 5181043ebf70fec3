//! Names of the web console's form inputs, and the input each validation problem belongs to.
//!
//! An input is named by the path of its value in the profile file, written the way
//! [`FieldError::field`](crate::FieldError) writes paths:
//!
//! - A single setting: its path, such as `name`, `answering.rings`, `escalation.on_vip`
//!   ([`Setting::field`](super::Setting::field)).
//! - A list edited as one input, such as a text area with one item per line: its path
//!   without an item index, such as `languages`, `facts`, `numbers.vip`, `recap.email`,
//!   `escalation.emergency_words.fr`, `appointment_types[0].staff`,
//!   `appointment_types[0].aliases`. A problem with one item goes to the list's input.
//! - A spoken text for one language: `greeting.fr`, `recording.announcement.en`. The one text
//!   for every language is `greeting`, which is also where problems about the text as a whole
//!   go, such as a missing text for the default language.
//! - Opening hours and voices: `opening_hours.tuesday`, `voices.en`.
//! - A field of a `[[table]]` row: `services[1].price`, with rows counted from 0 in the
//!   order the form sent them. A problem with a whole row, such as two closures that overlap,
//!   goes to the row itself: `closures[0]`.
//!
//! A problem that matches no input, such as a TOML syntax error (whose field is empty) or an
//! unknown key, belongs in a summary at the top of the form.

use super::rows::ROW_TABLES;
use super::ProfileDraft;
use crate::locate::{parse_path, render, Segment};

/// Returns the name of the form input where the problem at `field` belongs, such as
/// `languages` for `languages[1]`. A field that is not a path is returned as it is.
///
/// Row indices stay as the file counts them; [`ProfileDraft::form_field`] counts them as
/// the form sent them, which differs when the form sent blank rows.
pub fn form_field(field: &str) -> String {
    input_name(field, |_, index| index)
}

impl ProfileDraft {
    /// Returns the name of the form input where the problem at `field` belongs, with row
    /// indices counted as the last form sent the rows, blank rows included.
    pub fn form_field(&self, field: &str) -> String {
        input_name(field, |table, index| {
            self.row_origins
                .get(table)
                .and_then(|origins| origins.get(index))
                .copied()
                .unwrap_or(index)
        })
    }
}

/// Drops item indices from a path, keeping the row index of a `[[table]]` list, which
/// `row_index` maps from the file's count to the form's.
fn input_name(field: &str, row_index: impl Fn(&str, usize) -> usize) -> String {
    let Some(segments) = parse_path(field) else {
        return field.to_string();
    };
    let mut kept: Vec<Segment> = Vec::with_capacity(segments.len());
    for (position, segment) in segments.into_iter().enumerate() {
        let Segment::Index(index) = segment else {
            kept.push(segment);
            continue;
        };
        let row_table = match kept.first() {
            Some(Segment::Key(table)) if position == 1 && ROW_TABLES.contains(&table.as_str()) => {
                Some(table.clone())
            }
            _ => None,
        };
        if let Some(table) = row_table {
            kept.push(Segment::Index(row_index(&table, index)));
        }
    }
    render(&kept)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_field_keeps_row_indices() {
        let cases = [
            ("services[1].price", "services[1].price"),
            ("closures[0]", "closures[0]"),
            ("staff[2].phone", "staff[2].phone"),
            ("languages[1]", "languages"),
            ("facts[3]", "facts"),
            ("numbers.vip[0]", "numbers.vip"),
            (
                "appointment_types[0].staff[1]",
                "appointment_types[0].staff",
            ),
            (
                "appointment_types[2].aliases[0]",
                "appointment_types[2].aliases",
            ),
            (
                "escalation.emergency_words.fr[2]",
                "escalation.emergency_words.fr",
            ),
            ("greeting.fr", "greeting.fr"),
            ("greeting", "greeting"),
            ("opening_hours.tuesday", "opening_hours.tuesday"),
            ("opening_hours.\"mon day\"", "opening_hours.\"mon day\""),
            ("", ""),
        ];
        for (field, expected) in cases {
            assert_eq!(form_field(field), expected, "input for {field}");
        }
    }
}
