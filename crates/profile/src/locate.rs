//! Field paths and line numbers for errors, found through the spans of the parsed TOML.

use std::ops::Range;

use toml::de::{DeTable, DeValue};
use toml::Spanned;

use crate::error::FieldError;

/// One step of a field path: a table key or an array index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Segment {
    Key(String),
    Index(usize),
}

/// Maximum length of a value quoted from the file in an error message, in characters.
const MAX_QUOTED_CHARS: usize = 60;

/// Turns a TOML syntax error into a problem with its line.
pub(crate) fn syntax_problem(text: &str, error: &toml::de::Error) -> FieldError {
    syntax_problem_at(text, error.message(), error.span())
}

/// Turns the message and span of a TOML parser's error into a problem with its line.
pub(crate) fn syntax_problem_at(
    text: &str,
    message: &str,
    span: Option<Range<usize>>,
) -> FieldError {
    let mut problem = FieldError::new(
        "",
        None,
        message.trim().replace('\n', " "),
        "correct the TOML on this line. Text goes in double quotes, and each key appears once per table",
    );
    problem.line = span.map(|span| line_of(text, span.start));
    problem
}

/// Turns an error from reading the parsed file into profile types (unknown field, missing
/// field, wrong type) into a problem naming the field path.
pub(crate) fn structure_problem(
    text: &str,
    root: &Spanned<DeTable<'_>>,
    error: &toml::de::Error,
) -> FieldError {
    let message = error.message().trim().to_string();
    let span = error.span();
    let named = first_quoted(&message);
    let missing = message.starts_with("missing field");
    let mut path = Vec::new();
    if let Some(span) = &span {
        // A missing field's span is its table's, which is empty for the top level; other
        // errors point inside the offending key or value.
        let found = if missing {
            find_span(root.get_ref(), &|candidate| candidate == span, &mut path)
        } else {
            find_span(
                root.get_ref(),
                &|candidate| contains(candidate, span.start),
                &mut path,
            )
        };
        if !found {
            path.clear();
        }
    }
    let mut value = None;

    let (problem, fix) = if let Some(field) = named.filter(|_| message.starts_with("unknown field"))
    {
        if path.last() != Some(&Segment::Key(field.to_string())) {
            path.push(Segment::Key(field.to_string()));
        }
        let allowed = message
            .split_once("expected ")
            .map_or("", |(_, allowed)| allowed.trim_start_matches("one of "));
        let mut fix = format!("remove it or correct its spelling. Fields allowed here: {allowed}");
        if path.len() > 1 {
            fix.push_str(". If it is a top-level setting, move it above the first [section] header, because the lines under a header belong to that section");
        }
        (format!("unknown field `{field}`"), fix)
    } else if let Some(field) = named.filter(|_| missing) {
        let at_top = path.is_empty();
        path.push(Segment::Key(field.to_string()));
        let place = if at_top {
            "at the top of the file"
        } else {
            "to this table"
        };
        (
            format!("the required field `{field}` is missing"),
            format!("add a `{field} = ...` line {place}"),
        )
    } else if message.contains("untagged enum Localized") {
        value = span.as_ref().map(|span| quote_source(text, span));
        (
            "this is neither a text nor a table of texts by language".to_string(),
            "write one text in double quotes, or one text per language code (en, fr, de, es, it) such as `en = \"Hello\"`".to_string(),
        )
    } else if message.starts_with("invalid type") {
        value = span.as_ref().map(|span| quote_source(text, span));
        let expected = message
            .split_once("expected ")
            .map_or("", |(_, expected)| expected);
        (message.clone(), fix_for_type(expected))
    } else {
        value = span.as_ref().map(|span| quote_source(text, span));
        (message.clone(), "correct this value".to_string())
    };

    // A field missing from the top level has no line of its own.
    let top_level_missing = missing && path.len() == 1;
    let mut problem = FieldError::new(render(&path), value, problem, fix);
    if !top_level_missing {
        problem.line = span.map(|span| line_of(text, span.start));
    }
    problem
}

/// Returns the fix for a value of the wrong type, from serde's "expected ..." wording.
fn fix_for_type(expected: &str) -> String {
    match expected {
        "a boolean" => "write true or false, without quotes".to_string(),
        "a string" => "write the text in double quotes".to_string(),
        "i64" => "write a whole number, without quotes".to_string(),
        "a sequence" => "write a list in square brackets, such as [\"a\", \"b\"]".to_string(),
        "a map" => "write a table, such as [section] followed by key = value lines".to_string(),
        other => format!("write {other} here"),
    }
}

/// Finds the line of the field at `path` (such as `staff[1].phone`). When the file lacks the
/// field, returns the line of its closest parent that the file has.
pub(crate) fn line_of_field(text: &str, root: &Spanned<DeTable<'_>>, path: &str) -> Option<usize> {
    let mut span: Option<Range<usize>> = None;
    let mut current: Option<&Spanned<DeValue<'_>>> = None;
    for segment in parse_path(path)? {
        let next = match (segment, current) {
            (Segment::Key(key), None) => lookup_key(root.get_ref(), &key),
            (Segment::Key(key), Some(value)) => value
                .get_ref()
                .as_table()
                .and_then(|table| lookup_key(table, &key)),
            (Segment::Index(index), Some(value)) => value
                .get_ref()
                .as_array()
                .and_then(|array| array.get(index))
                .map(|item| (item.span(), item)),
            (Segment::Index(_), None) => None,
        };
        let Some((next_span, value)) = next else {
            break;
        };
        span = Some(next_span);
        current = Some(value);
    }
    span.map(|span| line_of(text, span.start))
}

/// Looks up `key`, returning its value and the key's span, where the field's line starts.
fn lookup_key<'a, 'i>(
    table: &'a DeTable<'i>,
    key: &str,
) -> Option<(Range<usize>, &'a Spanned<DeValue<'i>>)> {
    let (found_key, value) = table
        .iter()
        .find(|(candidate, _)| candidate.get_ref() == key)?;
    Some((found_key.span(), value))
}

/// Pushes onto `path` the deepest key or array item of `table` whose key or value span
/// matches `wanted`.
fn find_span(
    table: &DeTable<'_>,
    wanted: &dyn Fn(&Range<usize>) -> bool,
    path: &mut Vec<Segment>,
) -> bool {
    for (key, value) in table.iter() {
        path.push(Segment::Key(key.get_ref().to_string()));
        if find_in_value(value.get_ref(), wanted, path)
            || wanted(&key.span())
            || wanted(&value.span())
        {
            return true;
        }
        path.pop();
    }
    false
}

fn find_in_value(
    value: &DeValue<'_>,
    wanted: &dyn Fn(&Range<usize>) -> bool,
    path: &mut Vec<Segment>,
) -> bool {
    if let Some(table) = value.as_table() {
        return find_span(table, wanted, path);
    }
    if let Some(array) = value.as_array() {
        for (index, item) in array.iter().enumerate() {
            path.push(Segment::Index(index));
            if find_in_value(item.get_ref(), wanted, path) || wanted(&item.span()) {
                return true;
            }
            path.pop();
        }
    }
    false
}

fn contains(span: &Range<usize>, offset: usize) -> bool {
    span.start <= offset && (offset < span.end || span.start == span.end)
}

/// Writes a path the way the file names it: `appointment_types[2].staff`.
pub(crate) fn render(path: &[Segment]) -> String {
    let mut rendered = String::new();
    for segment in path {
        match segment {
            Segment::Index(index) => rendered.push_str(&format!("[{index}]")),
            Segment::Key(key) => {
                if !rendered.is_empty() {
                    rendered.push('.');
                }
                let bare = !key.is_empty()
                    && key
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
                if bare {
                    rendered.push_str(key);
                } else {
                    rendered.push_str(&format!("{key:?}"));
                }
            }
        }
    }
    rendered
}

/// Parses a path written by [`render`]; `None` when it does not follow that form.
pub(crate) fn parse_path(path: &str) -> Option<Vec<Segment>> {
    let mut segments = Vec::new();
    let mut rest = path;
    while !rest.is_empty() {
        rest = rest.strip_prefix('.').unwrap_or(rest);
        if let Some(after) = rest.strip_prefix('[') {
            let (index, tail) = after.split_once(']')?;
            segments.push(Segment::Index(index.parse().ok()?));
            rest = tail;
        } else if let Some(after) = rest.strip_prefix('"') {
            let (key, tail) = after.split_once('"')?;
            segments.push(Segment::Key(key.to_string()));
            rest = tail;
        } else {
            let end = rest.find(['.', '[']).unwrap_or(rest.len());
            segments.push(Segment::Key(rest[..end].to_string()));
            rest = &rest[end..];
        }
    }
    Some(segments)
}

/// Returns the 1-based line of a byte offset.
fn line_of(text: &str, offset: usize) -> usize {
    let offset = offset.min(text.len());
    text.as_bytes()[..offset]
        .iter()
        .filter(|&&byte| byte == b'\n')
        .count()
        + 1
}

/// Returns the source text of a span, shortened for a message.
fn quote_source(text: &str, span: &Range<usize>) -> String {
    let source = text.get(span.clone()).unwrap_or("").trim();
    if source.chars().count() > MAX_QUOTED_CHARS {
        let short: String = source.chars().take(MAX_QUOTED_CHARS).collect();
        format!("{short}...")
    } else {
        source.to_string()
    }
}

/// Returns the first name between backticks in a serde message.
fn first_quoted(message: &str) -> Option<&str> {
    let (_, after) = message.split_once('`')?;
    let (name, _) = after.split_once('`')?;
    Some(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_round_trip() {
        let path = vec![
            Segment::Key("appointment_types".to_string()),
            Segment::Index(2),
            Segment::Key("staff".to_string()),
            Segment::Index(0),
        ];
        assert_eq!(render(&path), "appointment_types[2].staff[0]");
        assert_eq!(parse_path("appointment_types[2].staff[0]"), Some(path));
        let quoted = vec![
            Segment::Key("opening_hours".to_string()),
            Segment::Key("mon day".to_string()),
        ];
        assert_eq!(render(&quoted), "opening_hours.\"mon day\"");
        assert_eq!(parse_path("opening_hours.\"mon day\""), Some(quoted));
    }

    #[test]
    fn line_of_field_finds_array_items() {
        let text =
            "name = \"X\"\n\n[[staff]]\nname = \"A\"\n\n[[staff]]\nname = \"B\"\nphone = \"1\"\n";
        let root = DeTable::parse(text).unwrap();
        assert_eq!(line_of_field(text, &root, "staff[1].phone"), Some(8));
        assert_eq!(line_of_field(text, &root, "name"), Some(1));
        // A missing field falls back on its closest parent.
        assert_eq!(
            line_of_field(text, &root, "staff[0].phone"),
            line_of_field(text, &root, "staff[0]")
        );
        assert!(line_of_field(text, &root, "staff[0]").is_some());
        assert_eq!(line_of_field(text, &root, "colour"), None);
    }
}
