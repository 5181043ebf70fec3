//! JSON output: one document per kind, written item by item so that a large
//! database is never held in memory whole.
//!
//! The document is one object: the header fields of [`DocumentHeader`], then
//! the kind's name (`calls`, `bookings` or `messages`) with an array of
//! items, one item per line.

use std::io::{self, Write};

use serde::Serialize;

/// Version of the export documents' layout. It grows when a field is
/// removed, renamed or changes meaning. Added fields keep the version.
pub const EXPORT_FORMAT_VERSION: u32 = 1;

/// The fields that open every export document.
#[derive(Debug, Serialize)]
pub(super) struct DocumentHeader<'a> {
    /// Always `standardiste-export`.
    pub format: &'static str,
    pub format_version: u32,
    /// `calls`, `bookings` or `messages`: also the key of the items array.
    pub kind: &'a str,
    /// When the export ran, RFC 3339 UTC.
    pub exported_at: &'a str,
    /// `user_version` of the database the export read.
    pub schema_version: i64,
    /// The `--since` date, or `null` for everything.
    pub since: Option<String>,
}

/// A JSON document being written.
pub(super) struct JsonDocument<W: Write> {
    out: W,
    items: u64,
}

impl<W: Write> JsonDocument<W> {
    /// Writes the header and opens the items array.
    pub(super) fn begin(mut out: W, header: &DocumentHeader<'_>) -> io::Result<JsonDocument<W>> {
        let text = serde_json::to_string(header).map_err(io::Error::from)?;
        // The header serializes as `{...}`; drop its closing brace to go on with the items.
        let open = text.strip_suffix('}').unwrap_or(&text);
        out.write_all(open.as_bytes())?;
        write!(out, ",{}:[", serde_json::to_string(header.kind).map_err(io::Error::from)?)?;
        Ok(JsonDocument { out, items: 0 })
    }

    /// Appends one item to the array.
    pub(super) fn item<T: Serialize>(&mut self, item: &T) -> io::Result<()> {
        self.out.write_all(if self.items == 0 { b"\n" } else { b",\n" })?;
        serde_json::to_writer(&mut self.out, item).map_err(io::Error::from)?;
        self.items += 1;
        Ok(())
    }

    /// Closes the array and the document.
    pub(super) fn end(&mut self) -> io::Result<()> {
        self.out.write_all(b"\n]}\n")
    }

    /// Number of items written.
    pub(super) fn items(&self) -> u64 {
        self.items
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn document_parses_with_its_items() {
        let header = DocumentHeader {
            format: "standardiste-export",
            format_version: EXPORT_FORMAT_VERSION,
            kind: "calls",
            exported_at: "2026-12-05T10:00:00Z",
            schema_version: 3,
            since: None,
        };
        let mut out = Vec::new();
        let mut document = JsonDocument::begin(&mut out, &header).unwrap();
        document.item(&serde_json::json!({"id": 1, "text": "a \"quote\"\n<b>"})).unwrap();
        document.item(&serde_json::json!({"id": 2})).unwrap();
        document.end().unwrap();
        assert_eq!(document.items(), 2);
        let parsed: serde_json::Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(parsed["format_version"], 1);
        assert_eq!(parsed["kind"], "calls");
        assert_eq!(parsed["calls"][0]["text"], "a \"quote\"\n<b>");
        assert_eq!(parsed["calls"][1]["id"], 2);
    }

    #[test]
    fn empty_document_has_an_empty_array() {
        let header = DocumentHeader {
            format: "standardiste-export",
            format_version: EXPORT_FORMAT_VERSION,
            kind: "bookings",
            exported_at: "2026-12-05T10:00:00Z",
            schema_version: 3,
            since: Some("2026-01-01".into()),
        };
        let mut out = Vec::new();
        JsonDocument::begin(&mut out, &header).unwrap().end().unwrap();
        let parsed: serde_json::Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(parsed["bookings"], serde_json::json!([]));
        assert_eq!(parsed["since"], "2026-01-01");
    }
}
