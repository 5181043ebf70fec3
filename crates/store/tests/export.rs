//! Export of a real call database in a temporary folder, read back with the
//! `csv` crate and `serde_json`.

mod support;

use std::path::Path;

use serde_json::Value;
use standardiste_store::export::{export, ExportError, ExportOptions, Format};
use standardiste_store::{migrate_to, Store};
use support::{fill, Filled, CALLER_TEXT, FORMULA_NAME, NAME, NOTES, NUMBER, REASON, REPLY_TEXT};
use time::macros::{date, datetime};

fn filled_database() -> (tempfile::TempDir, std::path::PathBuf, Filled) {
    let dir = tempfile::tempdir().unwrap();
    let database = dir.path().join("var/calls.db");
    let filled = fill(&database);
    (dir, database, filled)
}

/// Reads a CSV file into records of (header name -> value).
fn read_csv(path: &Path) -> Vec<std::collections::HashMap<String, String>> {
    let mut reader = csv::Reader::from_path(path).unwrap();
    let headers = reader.headers().unwrap().clone();
    reader
        .records()
        .map(|record| {
            let record = record.unwrap();
            headers.iter().map(str::to_string).zip(record.iter().map(str::to_string)).collect()
        })
        .collect()
}

fn read_json(path: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

fn row_of<'a>(
    rows: &'a [std::collections::HashMap<String, String>],
    column: &str,
    value: i64,
) -> &'a std::collections::HashMap<String, String> {
    rows.iter().find(|row| row[column] == value.to_string()).unwrap()
}

#[test]
fn export_writes_every_file_with_counts() {
    let (dir, database, _) = filled_database();
    let out = dir.path().join("export");
    let report = export(&database, &out, &ExportOptions::default()).unwrap();
    let written: Vec<(String, u64)> = report
        .files
        .iter()
        .map(|file| (file.path.file_name().unwrap().to_string_lossy().into_owned(), file.rows))
        .collect();
    assert_eq!(
        written,
        vec![
            ("calls.csv".to_string(), 3),
            ("transcripts.csv".to_string(), 2),
            ("calls.json".to_string(), 3),
            ("bookings.csv".to_string(), 1),
            ("bookings.json".to_string(), 1),
            ("bookings.ics".to_string(), 1),
            ("messages.csv".to_string(), 2),
            ("messages.json".to_string(), 2),
        ]
    );
    assert_eq!(report.schema_version, standardiste_store::SCHEMA_VERSION);
    let mut names: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names.len(), 8, "no temporary file may be left: {names:?}");
}

#[test]
fn csv_round_trips_caller_text() {
    let (dir, database, filled) = filled_database();
    let out = dir.path().join("export");
    export(&database, &out, &ExportOptions { formats: vec![Format::Csv], ..ExportOptions::default() }).unwrap();

    let calls = read_csv(&out.join("calls.csv"));
    let call = row_of(&calls, "id", filled.message);
    assert_eq!(call["caller_name"], NAME);
    assert_eq!(call["reason"], REASON);
    assert_eq!(call["callback_confirmed"], "true");
    assert_eq!(call["turn_count"], "2");
    assert_eq!(call["language"], "fr");
    assert_eq!(call["booking_id"], filled.booking.to_string());

    let turns = read_csv(&out.join("transcripts.csv"));
    assert_eq!(turns.len(), 2);
    assert_eq!(turns[0]["text"], CALLER_TEXT);
    assert_eq!(turns[0]["speaker"], "caller");
    assert_eq!(turns[1]["text"], REPLY_TEXT);
    assert_eq!(turns[1]["seq"], "2");

    let bookings = read_csv(&out.join("bookings.csv"));
    assert_eq!(bookings[0]["caller_name"], NAME);
    assert_eq!(bookings[0]["notes"], NOTES);
    assert_eq!(bookings[0]["start"], "2026-12-08 09:30:00");
    assert_eq!(bookings[0]["status"], "booked");

    let messages = read_csv(&out.join("messages.csv"));
    let message = row_of(&messages, "call_id", filled.message);
    assert_eq!(message["reason"], REASON);
    assert_eq!(message["number_to_call"], "07700 900456");
    assert_eq!(message["status"], "open");
}

#[test]
fn csv_guards_formula_cells() {
    let (dir, database, filled) = filled_database();
    let out = dir.path().join("export");
    export(&database, &out, &ExportOptions { formats: vec![Format::Csv], ..ExportOptions::default() }).unwrap();
    let calls = read_csv(&out.join("calls.csv"));
    let call = row_of(&calls, "id", filled.formula);
    assert_eq!(call["caller_name"], format!("'{FORMULA_NAME}"));
    assert_eq!(call["reason"], "'@mention +1");
    assert_eq!(call["caller_number"], "'-1");
    let message = row_of(&calls, "id", filled.message);
    assert_eq!(message["caller_number"], format!("'{NUMBER}"));
    let bookings = read_csv(&out.join("bookings.csv"));
    assert_eq!(bookings[0]["caller_number"], format!("'{NUMBER}"));
    // The raw file: the formula cell is quoted because it contains quotes and commas.
    let raw = std::fs::read_to_string(out.join("calls.csv")).unwrap();
    assert!(raw.contains("\"'=HYPERLINK(\"\"http://example.invalid\"\",\"\"click\"\")\""), "{raw}");
    assert!(raw.ends_with("\r\n"));
}

#[test]
fn json_round_trips_with_turns_nested() {
    let (dir, database, filled) = filled_database();
    let out = dir.path().join("export");
    export(&database, &out, &ExportOptions { formats: vec![Format::Json], ..ExportOptions::default() }).unwrap();

    let calls = read_json(&out.join("calls.json"));
    assert_eq!(calls["format"], "standardiste-export");
    assert_eq!(calls["format_version"], 1);
    assert_eq!(calls["kind"], "calls");
    assert_eq!(calls["since"], Value::Null);
    let list = calls["calls"].as_array().unwrap();
    assert_eq!(list.len(), 3);
    let call = list.iter().find(|call| call["id"] == filled.message).unwrap();
    assert_eq!(call["caller_name"], NAME);
    assert_eq!(call["reason"], REASON);
    assert_eq!(call["message_taken"], true);
    assert_eq!(call["turns"][0]["text"], CALLER_TEXT);
    assert_eq!(call["turns"][1]["text"], REPLY_TEXT);
    assert_eq!(call["turns"][1]["speaker"], "assistant");
    assert_eq!(call["turns"][0]["latency_ms"], 820);
    let formula = list.iter().find(|call| call["id"] == filled.formula).unwrap();
    assert_eq!(formula["caller_name"], FORMULA_NAME, "JSON keeps the text as stored");

    let bookings = read_json(&out.join("bookings.json"));
    assert_eq!(bookings["bookings"][0]["notes"], NOTES);
    assert_eq!(bookings["bookings"][0]["start"], "2026-12-08T09:30:00");
    assert_eq!(bookings["bookings"][0]["end"], "2026-12-08T10:00:00");
    assert_eq!(bookings["bookings"][0]["call_id"], filled.message);

    let messages = read_json(&out.join("messages.json"));
    let list = messages["messages"].as_array().unwrap();
    assert_eq!(list.len(), 2);
    let done = list.iter().find(|message| message["call_id"] == filled.formula).unwrap();
    assert_eq!(done["status"], "done");
    assert_eq!(done["escalation"], "angry caller");
}

#[test]
fn deleted_transcripts_stay_absent() {
    let (dir, database, filled) = filled_database();
    let out = dir.path().join("export");
    export(&database, &out, &ExportOptions::default()).unwrap();
    let calls = read_json(&out.join("calls.json"));
    let call = calls["calls"].as_array().unwrap().iter().find(|call| call["id"] == filled.deleted_transcript).unwrap();
    assert_eq!(call["turns"], serde_json::json!([]));
    assert!(call["transcript_deleted_at"].is_string());
    let turns = read_csv(&out.join("transcripts.csv"));
    assert!(turns.iter().all(|turn| turn["call_id"] != filled.deleted_transcript.to_string()));
    let everything = std::fs::read_dir(&out)
        .unwrap()
        .map(|entry| std::fs::read_to_string(entry.unwrap().path()).unwrap())
        .collect::<String>();
    assert!(!everything.contains("secret words"));
}

#[test]
fn ical_is_the_booking_feed() {
    let (dir, database, filled) = filled_database();
    let out = dir.path().join("export");
    let options = ExportOptions {
        formats: vec![Format::Ical],
        calendar_name: "Clinique du Parc".to_string(),
        ..ExportOptions::default()
    };
    let report = export(&database, &out, &options).unwrap();
    assert_eq!(report.files.len(), 1);
    let written = std::fs::read_to_string(out.join("bookings.ics")).unwrap();
    let conn = rusqlite::Connection::open(&database).unwrap();
    let bookings = standardiste_booking::list(&conn, datetime!(2000-01-01 00:00), datetime!(2100-01-01 00:00)).unwrap();
    let expected = standardiste_booking::ical_feed(&bookings, "Clinique du Parc", time::OffsetDateTime::now_utc());
    let without_stamp = |text: &str| text.lines().filter(|line| !line.starts_with("DTSTAMP:")).collect::<Vec<_>>().join("\n");
    assert_eq!(without_stamp(&written), without_stamp(&expected));
    assert!(written.contains(&format!("UID:booking-{}@standardiste", filled.booking)));
}

#[test]
fn since_keeps_later_calls_and_appointments() {
    let (dir, database, filled) = filled_database();
    support::book(&database, filled.message, datetime!(2026-11-02 10:00));
    let conn = rusqlite::Connection::open(&database).unwrap();
    conn.execute("UPDATE calls SET started_at = '2026-11-30T23:59:59Z' WHERE id = ?1", [filled.formula])
        .unwrap();
    // Schema version 1 wrote fractional seconds; the filter must keep such a call too.
    conn.execute("UPDATE calls SET started_at = '2026-12-01T00:00:00.5Z' WHERE id = ?1", [filled.message])
        .unwrap();
    drop(conn);
    let out = dir.path().join("export");
    let options = ExportOptions {
        since: Some(date!(2026 - 12 - 01)),
        ..ExportOptions::default()
    };
    export(&database, &out, &options).unwrap();
    let calls = read_json(&out.join("calls.json"));
    assert_eq!(calls["since"], "2026-12-01");
    let ids: Vec<i64> = calls["calls"].as_array().unwrap().iter().map(|call| call["id"].as_i64().unwrap()).collect();
    assert!(ids.contains(&filled.message), "{ids:?}");
    assert!(!ids.contains(&filled.formula), "{ids:?}");
    let bookings = read_csv(&out.join("bookings.csv"));
    assert_eq!(bookings.len(), 1);
    assert_eq!(bookings[0]["start"], "2026-12-08 09:30:00");
    let messages = read_csv(&out.join("messages.csv"));
    assert_eq!(messages.len(), 1);
}

#[test]
fn export_reads_past_an_open_write() {
    let (dir, database, _) = filled_database();
    let writer = rusqlite::Connection::open(&database).unwrap();
    writer.execute_batch("BEGIN IMMEDIATE").unwrap();
    writer
        .execute("INSERT INTO calls (started_at, line) VALUES ('2026-12-09T10:00:00Z', 'uncommitted')", [])
        .unwrap();
    let out = dir.path().join("export");
    let report = export(&database, &out, &ExportOptions::default()).unwrap();
    assert_eq!(report.files[0].rows, 3);
    writer.execute_batch("COMMIT").unwrap();
    let calls = read_csv(&out.join("calls.csv"));
    assert!(calls.iter().all(|call| call["line"] != "uncommitted"));
}

#[test]
fn failed_export_leaves_the_folder_alone() {
    let (dir, database, filled) = filled_database();
    let out = dir.path().join("export");
    std::fs::create_dir_all(&out).unwrap();
    std::fs::write(out.join("calls.csv"), "earlier export\r\n").unwrap();
    let conn = rusqlite::Connection::open(&database).unwrap();
    conn.execute("UPDATE bookings SET start_at = '2026-12-08 09:30 broken' WHERE id = ?1", [filled.booking])
        .unwrap();
    drop(conn);
    let error = export(&database, &out, &ExportOptions::default()).unwrap_err();
    assert!(matches!(error, ExportError::Bookings { .. }), "{error}");
    assert!(error.to_string().contains(&database.display().to_string()), "{error}");
    let names: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, vec!["calls.csv".to_string()]);
    assert_eq!(std::fs::read_to_string(out.join("calls.csv")).unwrap(), "earlier export\r\n");
}

#[test]
fn missing_database_names_its_path() {
    let dir = tempfile::tempdir().unwrap();
    let database = dir.path().join("nowhere/calls.db");
    let error = export(&database, &dir.path().join("out"), &ExportOptions::default()).unwrap_err();
    assert!(matches!(error, ExportError::MissingDatabase { .. }), "{error}");
    assert!(error.to_string().contains("nowhere/calls.db"), "{error}");
    assert!(!dir.path().join("out").exists());
}

#[test]
fn unwritable_folder_names_its_path() {
    let (dir, database, _) = filled_database();
    let blocker = dir.path().join("a-file");
    std::fs::write(&blocker, "").unwrap();
    let error = export(&database, &blocker.join("export"), &ExportOptions::default()).unwrap_err();
    assert!(matches!(error, ExportError::CreateFolder { .. }), "{error}");
    assert!(error.to_string().contains("a-file/export"), "{error}");
}

#[test]
fn older_schema_asks_for_an_upgrade() {
    let dir = tempfile::tempdir().unwrap();
    let database = dir.path().join("calls.db");
    let mut conn = rusqlite::Connection::open(&database).unwrap();
    migrate_to(&mut conn, 2, &[("booking", 1)]).unwrap();
    drop(conn);
    let error = export(&database, &dir.path().join("out"), &ExportOptions::default()).unwrap_err();
    assert!(matches!(error, ExportError::SchemaTooOld { found: 2, .. }), "{error}");
    assert!(error.to_string().contains("standardiste serve"), "{error}");
}

#[test]
fn newer_schema_asks_for_a_newer_program() {
    let (dir, database, _) = filled_database();
    let conn = rusqlite::Connection::open(&database).unwrap();
    conn.pragma_update(None, "user_version", 99).unwrap();
    drop(conn);
    let error = export(&database, &dir.path().join("out"), &ExportOptions::default()).unwrap_err();
    assert!(error.to_string().contains("schema version 99"), "{error}");
}

#[test]
fn export_leaves_the_database_unchanged() {
    let (dir, database, _) = filled_database();
    // Close every connection so that the WAL is checkpointed into the file.
    drop(Store::open(&database).unwrap());
    let before = std::fs::read(&database).unwrap();
    export(&database, &dir.path().join("out"), &ExportOptions::default()).unwrap();
    assert_eq!(std::fs::read(&database).unwrap(), before);
}

#[test]
fn empty_format_list_is_an_error() {
    let (dir, database, _) = filled_database();
    let options = ExportOptions { formats: Vec::new(), ..ExportOptions::default() };
    let error = export(&database, &dir.path().join("out"), &options).unwrap_err();
    assert!(matches!(error, ExportError::NoFormat), "{error}");
}
