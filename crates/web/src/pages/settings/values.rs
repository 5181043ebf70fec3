//! A form's values by input name: read from the profile file for a new form, or as the
//! browser sent them when a form comes back with problems.

use std::collections::{BTreeMap, BTreeSet};

/// Inputs whose value is the value of a checkbox that is ticked.
pub const TICKED: &str = "on";

/// Values of a settings form. An input may have several values (the staff checkboxes of an
/// appointment type); most have one.
#[derive(Debug, Default, Clone)]
pub struct FormValues {
    values: BTreeMap<String, Vec<String>>,
}

impl FormValues {
    /// Builds the values a browser sent, leaving out the CSRF token and the revision.
    pub fn from_pairs(pairs: Vec<(String, String)>) -> FormValues {
        let mut values = FormValues::default();
        for (name, value) in pairs {
            if name != crate::guard::CSRF_FIELD && name != super::editing::REVISION_FIELD {
                values.push(&name, value);
            }
        }
        values
    }

    /// Replaces the values of `name` with `value`.
    pub fn set(&mut self, name: &str, value: impl Into<String>) {
        self.values.insert(name.to_string(), vec![value.into()]);
    }

    /// Adds a value to `name`.
    pub fn push(&mut self, name: &str, value: impl Into<String>) {
        self.values.entry(name.to_string()).or_default().push(value.into());
    }

    /// Sets a checkbox: ticked or not.
    pub fn set_ticked(&mut self, name: &str, ticked: bool) {
        if ticked {
            self.set(name, TICKED);
        } else {
            self.values.remove(name);
        }
    }

    /// Returns the first value of `name`, or the empty text when the form has none.
    pub fn get(&self, name: &str) -> &str {
        self.text(name).unwrap_or("")
    }

    /// Returns the first value of `name`, or `None` when the form did not send the input.
    pub fn text(&self, name: &str) -> Option<&str> {
        self.values.get(name).and_then(|values| values.first()).map(String::as_str)
    }

    /// Returns every value of `name`.
    pub fn all(&self, name: &str) -> &[String] {
        self.values.get(name).map(Vec::as_slice).unwrap_or(&[])
    }

    /// Tells whether the checkbox `name` is ticked.
    pub fn is_ticked(&self, name: &str) -> bool {
        is_true(self.get(name))
    }

    /// Tells whether the form sent the `[[table]]` rows `table`, whose first row is always
    /// on the page, blank or not. A form without them leaves the rows as they are.
    pub fn has_rows(&self, table: &str) -> bool {
        let prefix = format!("{table}[0].");
        self.values.keys().any(|name| name.starts_with(&prefix))
    }

    /// Returns the number of rows of `table` up to the last one with a value, so the blank
    /// rows a form sent after it are not counted.
    ///
    /// Only rows numbered from 0 without a gap count, as a form page numbers them, so a
    /// forged name such as `services[999999].name` cannot make a form of a million rows.
    pub fn row_count(&self, table: &str) -> usize {
        let prefix = format!("{table}[");
        let mut sent = BTreeSet::new();
        let mut filled = BTreeSet::new();
        for (name, values) in &self.values {
            let Some(index) = name.strip_prefix(&prefix).and_then(row_index) else {
                continue;
            };
            sent.insert(index);
            if values.iter().any(|value| !value.trim().is_empty()) {
                filled.insert(index);
            }
        }
        let numbered = (0..).take_while(|index| sent.contains(index)).count();
        filled.range(..numbered).next_back().map_or(0, |last| last + 1)
    }
}

/// Returns the name of the input for `key` of row `index` of `table`: `services[2].price`.
pub fn row_input(table: &str, index: usize, key: &str) -> String {
    format!("{table}[{index}].{key}")
}

/// Reads the row index at the start of `rest`, such as 2 in `2].price`.
fn row_index(rest: &str) -> Option<usize> {
    let (digits, _) = rest.split_once(']')?;
    digits.parse().ok()
}

/// Tells whether a form or file text means a ticked box: `on`, `true`, `yes` or `1`.
pub fn is_true(text: &str) -> bool {
    matches!(text.trim().to_ascii_lowercase().as_str(), "on" | "true" | "yes" | "1")
}

/// Splits a text area into its non-empty lines.
pub fn lines(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .map(str::to_string)
        .collect()
}

/// Splits a comma-separated text into its non-empty items.
pub fn comma_items(text: &str) -> Vec<String> {
    text.split(',')
        .map(str::trim)
        .filter(|item| !item.is_empty())
        .map(str::to_string)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_are_counted_to_last_filled() {
        let pairs = vec![
            ("csrf".to_string(), "token".to_string()),
            ("services[0].name".to_string(), "Check-up".to_string()),
            ("services[1].name".to_string(), String::new()),
            ("services[2].name".to_string(), "Cleaning".to_string()),
            ("services[3].name".to_string(), " ".to_string()),
            ("services[999999].name".to_string(), "forged".to_string()),
            ("staff[1].name".to_string(), "after a gap".to_string()),
            ("faq[0].question".to_string(), String::new()),
        ];
        let values = FormValues::from_pairs(pairs);
        assert_eq!(values.text("csrf"), None);
        assert_eq!(values.row_count("services"), 3);
        assert_eq!(values.row_count("faq"), 0);
        assert_eq!(values.row_count("staff"), 0);
        assert!(values.has_rows("faq"));
        assert!(!values.has_rows("staff"));
    }

    #[test]
    fn lists_split_and_drop_blanks() {
        assert_eq!(lines("a\r\n\n  b  \n"), ["a", "b"]);
        assert_eq!(comma_items("en, fr,,  de "), ["en", "fr", "de"]);
        assert!(is_true("on"));
        assert!(is_true("TRUE"));
        assert!(!is_true(""));
        assert!(!is_true("off"));
    }
}
