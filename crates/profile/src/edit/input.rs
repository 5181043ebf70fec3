//! Form values as the browser sends them, turned into TOML values.

use toml_edit::{Datetime, Value};

use crate::error::{quoted, FieldError};

/// Words a form may send for a boolean, case-insensitive. An unticked HTML checkbox sends
/// nothing, which the caller passes as an empty text, so the empty text is false.
const TRUE_WORDS: [&str; 4] = ["true", "on", "yes", "1"];
const FALSE_WORDS: [&str; 5] = ["false", "off", "no", "0", ""];

/// Returns a form text as the file stores it: trimmed, with the browser's CRLF line ends
/// turned into LF.
pub(super) fn form_text(value: &str) -> String {
    value.replace("\r\n", "\n").trim().to_string()
}

/// Returns the items of a form list, trimmed, without the empty ones.
pub(super) fn form_list<S: AsRef<str>>(items: &[S]) -> Vec<String> {
    items
        .iter()
        .map(|item| form_text(item.as_ref()))
        .filter(|item| !item.is_empty())
        .collect()
}

/// Parses a whole number; `Ok(None)` for an empty text.
///
/// Text that is not a whole number is an error rather than a guess, so "30 min" or "1.5"
/// never become some other number. `fix` describes the value the field expects.
pub(super) fn whole_number(field: &str, value: &str, fix: &str) -> Result<Option<i64>, FieldError> {
    let text = form_text(value);
    if text.is_empty() {
        return Ok(None);
    }
    text.parse::<i64>()
        .map(Some)
        .map_err(|_| FieldError::new(field, quoted(&text), "this is not a whole number", fix))
}

/// Parses a boolean from a checkbox or a true/false choice.
pub(super) fn boolean(field: &str, value: &str) -> Result<bool, FieldError> {
    let text = form_text(value).to_ascii_lowercase();
    if TRUE_WORDS.contains(&text.as_str()) {
        return Ok(true);
    }
    if FALSE_WORDS.contains(&text.as_str()) {
        return Ok(false);
    }
    Err(FieldError::new(
        field,
        quoted(value),
        "this is not true or false",
        "tick or untick the box, or write true or false",
    ))
}

/// Returns a date as a TOML date (`2026-12-25`) when the text is one, and as a text otherwise,
/// so that validation reports the text with its own message about dates.
pub(super) fn date(value: &str) -> Value {
    let text = form_text(value);
    match text.parse::<Datetime>() {
        Ok(datetime) if datetime.time.is_none() && datetime.offset.is_none() => {
            Value::from(datetime)
        }
        _ => Value::from(text),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_number_rejects_text() {
        assert_eq!(whole_number("f", " 30 ", "fix"), Ok(Some(30)));
        assert_eq!(whole_number("f", "-5", "fix"), Ok(Some(-5)));
        assert_eq!(whole_number("f", "", "fix"), Ok(None));
        let error = whole_number("services[0].duration_min", "30 min", "write minutes")
            .expect_err("30 min is not a number");
        assert_eq!(error.field, "services[0].duration_min");
        assert_eq!(error.value.as_deref(), Some("\"30 min\""));
        assert_eq!(error.fix, "write minutes");
        assert!(whole_number("f", "1.5", "fix").is_err());
    }

    #[test]
    fn boolean_reads_checkbox_values() {
        assert_eq!(boolean("f", "on"), Ok(true));
        assert_eq!(boolean("f", "TRUE"), Ok(true));
        assert_eq!(boolean("f", ""), Ok(false));
        assert_eq!(boolean("f", "false"), Ok(false));
        let error = boolean("escalation.on_vip", "maybe").expect_err("maybe is not a boolean");
        assert_eq!(error.field, "escalation.on_vip");
        assert_eq!(error.value.as_deref(), Some("\"maybe\""));
    }

    #[test]
    fn date_keeps_invalid_text() {
        assert_eq!(date("2026-12-25").to_string(), "2026-12-25");
        assert_eq!(date("25/12/2026").to_string(), "\"25/12/2026\"");
        assert_eq!(
            date("2026-12-25T10:00:00").to_string(),
            "\"2026-12-25T10:00:00\""
        );
    }

    #[test]
    fn form_text_normalizes_line_ends() {
        assert_eq!(form_text("  a\r\nb \n"), "a\nb");
        assert_eq!(form_list(&["en", " ", " fr "]), vec!["en", "fr"]);
    }
}
