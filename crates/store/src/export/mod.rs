//! Export of the call database for the box's owner: calls, transcripts,
//! bookings and messages as CSV, JSON and iCalendar files in one folder.
//!
//! The database is opened read-only (`SQLITE_OPEN_READ_ONLY`) and read in one
//! transaction, so an export is safe while the daemon runs and every file
//! shows the same state of the data. Each file is written under a temporary
//! name and all of them are renamed into place only once every file is
//! complete: an export that fails leaves the folder as it was.
//!
//! Files, by format:
//!
//! | format | files |
//! |---|---|
//! | CSV (RFC 4180, see the `csv` module for the formula guard) | `calls.csv`, `transcripts.csv` (one record per turn), `bookings.csv`, `messages.csv` |
//! | JSON (one document per kind, with `format_version`) | `calls.json` (turns nested in their call), `bookings.json`, `messages.json` |
//! | iCalendar (RFC 5545) | `bookings.ics` |

mod bookings;
mod calls;
mod csv;
mod error;
mod json;
mod messages;

use std::io;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use time::macros::format_description;
use time::Date;

pub use error::ExportError;
pub use json::EXPORT_FORMAT_VERSION;

use crate::calls::now_rfc3339;
use crate::schema::SCHEMA_VERSION;
use crate::staged_file::StagedFile;
use crate::Store;
use json::DocumentHeader;

/// A file format of the export.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    Csv,
    Json,
    /// iCalendar, for the bookings only.
    Ical,
}

impl Format {
    /// Every format, in the order the export writes them.
    pub const ALL: [Format; 3] = [Format::Csv, Format::Json, Format::Ical];

    /// Returns the format's name on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Json => "json",
            Format::Ical => "ical",
        }
    }

    /// Parses a comma-separated list such as `csv,json`.
    pub fn parse_list(text: &str) -> Result<Vec<Format>, String> {
        let mut formats = Vec::new();
        for name in text.split(',').map(str::trim).filter(|name| !name.is_empty()) {
            let format = name.parse::<Format>()?;
            if !formats.contains(&format) {
                formats.push(format);
            }
        }
        if formats.is_empty() {
            return Err(format!("invalid format list {text:?}; expected csv, json, ical or a comma-separated mix"));
        }
        Ok(formats)
    }
}

impl FromStr for Format {
    type Err = String;

    fn from_str(text: &str) -> Result<Format, String> {
        match text.to_ascii_lowercase().as_str() {
            "csv" => Ok(Format::Csv),
            "json" => Ok(Format::Json),
            "ical" | "ics" => Ok(Format::Ical),
            _ => Err(format!("unknown export format {text:?}; expected csv, json or ical")),
        }
    }
}

/// Settings of an export: formats, date filter and calendar name.
#[derive(Debug, Clone)]
pub struct ExportOptions {
    pub formats: Vec<Format>,
    /// Only calls and messages of calls that started on or after this date
    /// (UTC), and appointments from this date on (local time). `None` exports everything.
    pub since: Option<Date>,
    /// Calendar name in `bookings.ics`: the business's name.
    pub calendar_name: String,
}

impl Default for ExportOptions {
    fn default() -> ExportOptions {
        ExportOptions {
            formats: Format::ALL.to_vec(),
            since: None,
            calendar_name: "Standardiste".to_string(),
        }
    }
}

/// One file an export wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportedFile {
    pub path: PathBuf,
    /// `calls`, `transcripts`, `bookings` or `messages`.
    pub kind: &'static str,
    pub format: Format,
    /// Records in the file: calls, turns, bookings or messages.
    pub rows: u64,
}

/// Outcome of an export: the files it wrote.
#[derive(Debug, Clone)]
pub struct ExportReport {
    pub files: Vec<ExportedFile>,
    /// `user_version` of the database that was read.
    pub schema_version: i64,
}

/// Parses a `--since` date written `YYYY-MM-DD`.
pub fn parse_date(text: &str) -> Result<Date, String> {
    Date::parse(text.trim(), format_description!("[year]-[month]-[day]"))
        .map_err(|error| format!("invalid date {text:?}: {error}; expected YYYY-MM-DD, for example 2026-01-31"))
}

/// The database being exported and the export's date filter.
struct Source<'a> {
    store: &'a Store,
    path: &'a Path,
    /// The date as `YYYY-MM-DD`, which compares as text with stored RFC 3339 times.
    since: Option<&'a str>,
    since_date: Option<Date>,
}

impl Source<'_> {
    fn read_error(&self, what: &'static str, source: rusqlite::Error) -> ExportError {
        ExportError::Read {
            path: self.path.to_path_buf(),
            what,
            source,
        }
    }
}

/// Builds the error of a failed write to `path`.
fn write_error(path: &Path) -> impl Fn(io::Error) -> ExportError + '_ {
    move |source| ExportError::Write {
        path: path.to_path_buf(),
        source,
    }
}

/// Files written so far, not yet renamed into place.
struct Staged {
    out_dir: PathBuf,
    files: Vec<(StagedFile, ExportedFile)>,
}

impl Staged {
    fn create(&self, name: &str) -> Result<StagedFile, ExportError> {
        let path = self.out_dir.join(name);
        StagedFile::create(&path).map_err(write_error(&path))
    }

    fn push(&mut self, file: StagedFile, kind: &'static str, format: Format, rows: u64) {
        let entry = ExportedFile {
            path: file.target().to_path_buf(),
            kind,
            format,
            rows,
        };
        self.files.push((file, entry));
    }

    /// Flushes every file to disk, then renames each into place.
    fn commit(self) -> Result<Vec<ExportedFile>, ExportError> {
        let mut files = self.files;
        for (file, entry) in &mut files {
            file.finish().map_err(write_error(&entry.path))?;
        }
        let mut written = Vec::new();
        for (file, entry) in files {
            file.commit().map_err(write_error(&entry.path))?;
            written.push(entry);
        }
        Ok(written)
    }
}

/// Exports the database at `database` into `out_dir`, creating the folder if
/// needed and replacing files of an earlier export there.
pub fn export(database: &Path, out_dir: &Path, options: &ExportOptions) -> Result<ExportReport, ExportError> {
    if options.formats.is_empty() {
        return Err(ExportError::NoFormat);
    }
    if !database.is_file() {
        return Err(ExportError::MissingDatabase {
            path: database.to_path_buf(),
        });
    }
    let store = Store::open_read_only(database)?;
    let schema_version: i64 = store
        .conn
        .pragma_query_value(None, "user_version", |row| row.get(0))
        .map_err(|source| ExportError::Read {
            path: database.to_path_buf(),
            what: "schema version",
            source,
        })?;
    if schema_version < SCHEMA_VERSION {
        return Err(ExportError::SchemaTooOld {
            path: database.to_path_buf(),
            found: schema_version,
            supported: SCHEMA_VERSION,
        });
    }
    std::fs::create_dir_all(out_dir).map_err(|source| ExportError::CreateFolder {
        path: out_dir.to_path_buf(),
        source,
    })?;

    let since_text = options
        .since
        .map(|date| date.format(format_description!("[year]-[month]-[day]")).unwrap_or_else(|_| date.to_string()));
    let source = Source {
        store: &store,
        path: database,
        since: since_text.as_deref(),
        since_date: options.since,
    };
    // One read transaction, so that every file shows the same state of the database.
    let snapshot = store
        .conn
        .unchecked_transaction()
        .map_err(|error| source.read_error("database", error))?;
    let exported_at = now_rfc3339();
    let header = |kind| DocumentHeader {
        format: "standardiste-export",
        format_version: EXPORT_FORMAT_VERSION,
        kind,
        exported_at: &exported_at,
        schema_version,
        since: since_text.clone(),
    };
    let wants = |format| options.formats.contains(&format);
    let mut staged = Staged {
        out_dir: out_dir.to_path_buf(),
        files: Vec::new(),
    };

    if wants(Format::Csv) {
        let mut calls_file = staged.create("calls.csv")?;
        let mut transcripts_file = staged.create("transcripts.csv")?;
        let (calls, turns) = calls::write_csv(&source, &mut calls_file, &mut transcripts_file)?;
        staged.push(calls_file, "calls", Format::Csv, calls);
        staged.push(transcripts_file, "transcripts", Format::Csv, turns);
    }
    if wants(Format::Json) {
        let mut file = staged.create("calls.json")?;
        let rows = calls::write_json(&source, &mut file, &header("calls"))?;
        staged.push(file, "calls", Format::Json, rows);
    }

    let bookings = bookings::read(&source)?;
    if wants(Format::Csv) {
        let mut file = staged.create("bookings.csv")?;
        let rows = bookings::write_csv(&bookings, &mut file)?;
        staged.push(file, "bookings", Format::Csv, rows);
    }
    if wants(Format::Json) {
        let mut file = staged.create("bookings.json")?;
        let rows = bookings::write_json(&bookings, &mut file, &header("bookings"))?;
        staged.push(file, "bookings", Format::Json, rows);
    }
    if wants(Format::Ical) {
        let mut file = staged.create("bookings.ics")?;
        let rows = bookings::write_ical(&bookings, &options.calendar_name, &mut file)?;
        staged.push(file, "bookings", Format::Ical, rows);
    }

    if wants(Format::Csv) {
        let mut file = staged.create("messages.csv")?;
        let rows = messages::write_csv(&source, &mut file)?;
        staged.push(file, "messages", Format::Csv, rows);
    }
    if wants(Format::Json) {
        let mut file = staged.create("messages.json")?;
        let rows = messages::write_json(&source, &mut file, &header("messages"))?;
        staged.push(file, "messages", Format::Json, rows);
    }
    drop(snapshot);

    let files = staged.commit()?;
    tracing::info!(files = files.len(), out_dir = %out_dir.display(), "exported the call database");
    Ok(ExportReport { files, schema_version })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_list_parses_and_dedupes() {
        assert_eq!(Format::parse_list("csv, JSON,ics,csv").unwrap(), vec![Format::Csv, Format::Json, Format::Ical]);
    }

    #[test]
    fn format_list_rejects_unknown_names() {
        let message = Format::parse_list("csv,xlsx").unwrap_err();
        assert!(message.contains("\"xlsx\""), "{message}");
        assert!(Format::parse_list(" , ").is_err());
    }

    #[test]
    fn date_parses_iso_days_only() {
        assert_eq!(parse_date("2026-01-31").unwrap(), time::macros::date!(2026 - 01 - 31));
        let message = parse_date("31/01/2026").unwrap_err();
        assert!(message.contains("YYYY-MM-DD"), "{message}");
        assert!(parse_date("2026-02-30").is_err());
    }
}
