//! CSV output as RFC 4180 describes it: fields separated by commas, records
//! ended by CRLF, and a field that contains a comma, a double quote, CR or LF
//! enclosed in double quotes, with each double quote inside doubled.
//!
//! Text that a caller may have supplied (a name, a reason, a transcript) is
//! also guarded against formula injection. A spreadsheet program runs a cell
//! that starts with `=`, `+`, `-` or `@` as a formula, so such a value gets a
//! single quote (`'`) in front, which spreadsheets show as text. Tab and CR
//! are guarded the same way, because OWASP's CSV injection advice lists them too.
//! That prefix is the one change made to stored text: `+44 7700 900123` is
//! written as `'+44 7700 900123`. Values this program formats (ids, counts,
//! milliseconds, `true` and `false`) are written as they are.
//!
//! NOTE: files carry no UTF-8 byte order mark, so Excel may need the file
//! imported as UTF-8 (Data > From Text/CSV) to show accents and emoji.

use std::io::{self, Write};

/// Characters that make a spreadsheet read a cell as a formula when they
/// start it.
const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// One field of a record.
pub(super) enum Field<'a> {
    /// Stored text, possibly from a caller: guarded against formulas. `None`
    /// is an empty field.
    Text(Option<&'a str>),
    /// A value this program formatted, written without the formula guard.
    Plain(String),
}

impl Field<'_> {
    /// Builds a field for an optional integer, empty when `None`.
    pub(super) fn integer(value: Option<i64>) -> Field<'static> {
        Field::Plain(value.map(|v| v.to_string()).unwrap_or_default())
    }

    /// Builds a field for an optional real number, empty when `None`.
    pub(super) fn real(value: Option<f64>) -> Field<'static> {
        Field::Plain(value.map(|v| v.to_string()).unwrap_or_default())
    }

    /// Builds a field for a flag: `true` or `false`.
    pub(super) fn flag(value: bool) -> Field<'static> {
        Field::Plain(value.to_string())
    }
}

/// Writes CSV records and counts the data records.
pub(super) struct CsvWriter<W: Write> {
    out: W,
    records: u64,
}

impl<W: Write> CsvWriter<W> {
    /// Starts a file with its header record.
    pub(super) fn new(mut out: W, header: &[&str]) -> io::Result<CsvWriter<W>> {
        let fields: Vec<Field<'_>> = header.iter().map(|name| Field::Plain((*name).to_string())).collect();
        write_record(&mut out, &fields)?;
        Ok(CsvWriter { out, records: 0 })
    }

    /// Writes one data record.
    pub(super) fn record(&mut self, fields: &[Field<'_>]) -> io::Result<()> {
        write_record(&mut self.out, fields)?;
        self.records += 1;
        Ok(())
    }

    /// Number of data records written, the header excluded.
    pub(super) fn records(&self) -> u64 {
        self.records
    }
}

fn write_record(out: &mut impl Write, fields: &[Field<'_>]) -> io::Result<()> {
    for (index, field) in fields.iter().enumerate() {
        if index > 0 {
            out.write_all(b",")?;
        }
        match field {
            Field::Text(None) => {}
            Field::Text(Some(text)) => write_field(out, &guard_formula(text))?,
            Field::Plain(text) => write_field(out, text)?,
        }
    }
    out.write_all(b"\r\n")
}

/// Prefixes `text` with a single quote when it starts like a formula.
fn guard_formula(text: &str) -> std::borrow::Cow<'_, str> {
    if text.starts_with(FORMULA_STARTS) {
        std::borrow::Cow::Owned(format!("'{text}"))
    } else {
        std::borrow::Cow::Borrowed(text)
    }
}

/// Writes `text`, enclosed in double quotes when RFC 4180 requires it.
fn write_field(out: &mut impl Write, text: &str) -> io::Result<()> {
    if !text.contains([',', '"', '\r', '\n']) {
        return out.write_all(text.as_bytes());
    }
    out.write_all(b"\"")?;
    out.write_all(text.replace('"', "\"\"").as_bytes())?;
    out.write_all(b"\"")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(fields: &[Field<'_>]) -> String {
        let mut out = Vec::new();
        write_record(&mut out, fields).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn plain_text_is_left_bare() {
        assert_eq!(line(&[Field::Text(Some("Ana")), Field::integer(Some(3))]), "Ana,3\r\n");
    }

    #[test]
    fn separators_and_quotes_are_quoted() {
        assert_eq!(line(&[Field::Text(Some("Smith, Ana"))]), "\"Smith, Ana\"\r\n");
        assert_eq!(line(&[Field::Text(Some("say \"hi\""))]), "\"say \"\"hi\"\"\"\r\n");
        assert_eq!(line(&[Field::Text(Some("two\nlines"))]), "\"two\nlines\"\r\n");
    }

    #[test]
    fn formula_starts_get_a_quote() {
        for text in ["=1+1", "+44 7700 900123", "-2", "@SUM(A1)", "\tx"] {
            assert_eq!(line(&[Field::Text(Some(text))]), format!("'{text}\r\n"), "{text:?}");
        }
        assert_eq!(line(&[Field::Text(Some("\r=1"))]), "\"'\r=1\"\r\n");
    }

    #[test]
    fn formatted_values_are_not_guarded() {
        assert_eq!(line(&[Field::integer(Some(-5)), Field::flag(true)]), "-5,true\r\n");
    }

    #[test]
    fn missing_values_are_empty_fields() {
        assert_eq!(line(&[Field::Text(None), Field::integer(None), Field::real(None)]), ",,\r\n");
    }
}
