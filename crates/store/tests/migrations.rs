//! Upgrades of the call database from every released schema version.
//!
//! The migration lists are append-only, so applying the first N entries
//! ([`migrate_to`]) rebuilds the schema release N wrote. Each release's
//! rows are inserted with the columns and value formats that release's code
//! used (from the history of `crates/store/src/schema.rs` and `src/store/`),
//! then [`Store::open`] upgrades the file and every row must survive, with
//! each new column at its declared default.
//!
//! `tests/fixtures/calls-vN.db` are files written by the release of schema
//! N itself (`examples/make_fixture.rs`); they go through the same checks.

use std::collections::BTreeMap;
use std::path::Path;

use rusqlite::types::Value;
use rusqlite::Connection;
use standardiste_store::export::{export, ExportOptions};
use standardiste_store::{migrate_to, CallbackList, Store, SCHEMA_VERSION};

/// A released schema: its version, the component versions it had, and the
/// rows its code wrote.
struct Release {
    schema: i64,
    components: &'static [(&'static str, i64)],
    fill: fn(&Connection),
}

/// Every released schema, oldest first. A new schema version needs an entry
/// here and a fixture from `examples/make_fixture.rs`.
const RELEASES: &[Release] = &[
    Release {
        schema: 1,
        components: &[],
        fill: fill_v1,
    },
    Release {
        schema: 2,
        components: &[("booking", 1)],
        fill: fill_v2,
    },
    Release {
        schema: 3,
        components: &[("booking", 1), ("outbox", 1)],
        fill: fill_v3,
    },
    Release {
        schema: 4,
        components: &[("booking", 1), ("outbox", 1)],
        fill: fill_v4,
    },
];

/// Schema 1: calls and turns. Its first code wrote RFC 3339 times with
/// nanoseconds, later code whole seconds. One call is left open, as a crash
/// leaves it.
fn fill_v1(conn: &Connection) {
    conn.execute_batch(
        "INSERT INTO calls (id, started_at, ended_at, line, caller_number, outcome, duration_ms, language, recording_path)
         VALUES (1, '2026-11-02T09:00:00.123456789Z', '2026-11-02T09:01:30.5Z', 'sim0', '+33612345678',
                 'completed', 90000, 'fr', '/var/lib/standardiste/recordings/call-1.wav');
         INSERT INTO turns (call_id, seq, speaker, text, start_ms, end_ms, stt_confidence, endpoint_ms, stt_ms,
                            llm_first_ms, tts_first_ms, latency_ms, interrupted)
         VALUES (1, 1, 'caller', 'Bonjour, vous êtes ouverts samedi ?', 0, 2100, 0.91, 600, 350, 420, 180, 1510, 0),
                (1, 2, 'assistant', 'Oui, de 9 h à 12 h.', 2500, 4200, NULL, NULL, NULL, NULL, NULL, NULL, 1);
         INSERT INTO calls (id, started_at, line, caller_number, outcome)
         VALUES (2, '2026-11-03T10:00:00Z', 'gsm0', NULL, 'in_progress');
         INSERT INTO turns (call_id, seq, speaker, text, start_ms, end_ms)
         VALUES (2, 1, 'caller', 'my boiler, \"again\"', 500, 1500);
         INSERT INTO calls (id, started_at, ended_at, line, caller_number, outcome, duration_ms)
         VALUES (3, '2026-11-04T11:00:00Z', '2026-11-04T11:00:05Z', 'sim0', NULL, 'caller_hung_up', 5000);",
    )
    .unwrap();
}

/// Schema 2: the caller's details on the call, readings, and the booking
/// table (booking component 1).
fn fill_v2(conn: &Connection) {
    fill_v1(conn);
    conn.execute_batch(
        "INSERT INTO calls (id, started_at, ended_at, line, caller_number, outcome, duration_ms, language,
                            caller_name, callback_number, callback_confirmed, reason, urgency, escalation,
                            message_taken, callback_promised, booking_id, callback_done_at)
         VALUES (4, '2026-11-05T08:00:00Z', '2026-11-05T08:03:00Z', 'gsm0', '+447700900123', 'completed', 180000,
                 'en', 'Ana O''Brien', '07700 900456', 1, 'Leak, under the sink', 'high', 'water everywhere',
                 1, 1, 1, '2026-11-05T09:00:00Z');
         INSERT INTO readings (call_id, at, valid, intent, error, elapsed_ms)
         VALUES (4, '2026-11-05T08:00:10Z', 1, 'message', NULL, 850),
                (4, '2026-11-05T08:00:40Z', 0, NULL, 'invalid JSON', 1200);
         INSERT INTO bookings (id, appointment, staff, start_at, end_at, buffer_min, caller_name, caller_number,
                               caller_key, call_id, status, created_at, updated_at, sequence, notes)
         VALUES (1, 'Check-up', 'Dr Martin', '2026-12-08 09:30:00', '2026-12-08 10:00:00', 5, 'Ana O''Brien',
                 '+447700900123', '700900123', 4, 'booked', '2026-11-05 08:02:00', '2026-11-05 08:02:00', 0,
                 'first visit');",
    )
    .unwrap();
}

/// Schema 3: retention marks and the outbox table (outbox component 1).
fn fill_v3(conn: &Connection) {
    fill_v2(conn);
    conn.execute_batch(
        "INSERT INTO calls (id, started_at, ended_at, line, caller_number, outcome, duration_ms,
                            audio_deleted_at, transcript_deleted_at)
         VALUES (5, '2026-10-01T08:00:00Z', '2026-10-01T08:01:00Z', 'sim0', '0612345678', 'completed', 60000,
                 '2026-11-01T00:00:00Z', '2026-11-01T00:00:00Z');
         INSERT INTO outbox (channel, recipient, subject, body, idempotency_key, state, attempts, created_at,
                             next_attempt_at, last_attempt_at, sent_at, last_error)
         VALUES ('sms', '+447700900999', '', 'Recap: Ana', 'call-4-recap-sms-1', 'sent', 1, 1764921600000,
                 1764921600000, 1764921601000, 1764921601000, NULL);",
    )
    .unwrap();
}

/// Schema 4: a call whose recap was never queued, as a power cut leaves it.
fn fill_v4(conn: &Connection) {
    fill_v3(conn);
    conn.execute_batch(
        "INSERT INTO calls (id, started_at, ended_at, line, caller_number, outcome, duration_ms, recap_pending)
         VALUES (6, '2026-12-01T09:00:00Z', '2026-12-01T09:00:40Z', 'sim0', '0612345678', 'interrupted', 40000, 1);",
    )
    .unwrap();
}

/// Rows of one table by rowid, each as column name -> value.
type Rows = BTreeMap<i64, BTreeMap<String, Value>>;

fn tables(conn: &Connection) -> Vec<String> {
    let mut statement = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
        .unwrap();
    let names = statement.query_map([], |row| row.get(0)).unwrap();
    names.collect::<Result<_, _>>().unwrap()
}

fn rows(conn: &Connection, table: &str) -> Rows {
    let mut statement = conn.prepare(&format!("SELECT rowid AS rowid_, * FROM {table}")).unwrap();
    let names: Vec<String> = statement.column_names().iter().map(|name| name.to_string()).collect();
    let mut found = Rows::new();
    let mut query = statement.query([]).unwrap();
    while let Some(row) = query.next().unwrap() {
        let mut values = BTreeMap::new();
        for (index, name) in names.iter().enumerate().skip(1) {
            values.insert(name.clone(), row.get::<_, Value>(index).unwrap());
        }
        found.insert(row.get(0).unwrap(), values);
    }
    found
}

/// Returns every table's rows except the component versions, which are meant to change.
fn snapshot(conn: &Connection) -> BTreeMap<String, Rows> {
    tables(conn)
        .into_iter()
        .filter(|table| table != "component_versions")
        .map(|table| {
            let table_rows = rows(conn, &table);
            (table, table_rows)
        })
        .collect()
}

/// Declared default of each column of `table`, evaluated.
fn defaults(conn: &Connection, table: &str) -> BTreeMap<String, Value> {
    let mut statement = conn.prepare(&format!("SELECT name, dflt_value FROM pragma_table_info('{table}')")).unwrap();
    let declared: Vec<(String, Option<String>)> = statement
        .query_map([], |row| Ok((row.get(0)?, row.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    declared
        .into_iter()
        .map(|(name, default)| {
            let value = match default {
                Some(expression) => conn.query_row(&format!("SELECT {expression}"), [], |row| row.get(0)).unwrap(),
                None => Value::Null,
            };
            (name, value)
        })
        .collect()
}

/// Opens `path` with the current code and checks that every row of `before`
/// survived, that new columns hold their defaults, and that the schema and
/// components are current.
fn upgrade_and_check(path: &Path, label: &str) {
    let before = {
        let conn = Connection::open(path).unwrap();
        snapshot(&conn)
    };
    drop(Store::open(path).unwrap_or_else(|error| panic!("{label}: {error}")));
    let conn = Connection::open(path).unwrap();

    let version: i64 = conn.pragma_query_value(None, "user_version", |row| row.get(0)).unwrap();
    assert_eq!(version, SCHEMA_VERSION, "{label}");
    let components: BTreeMap<String, i64> = rows(&conn, "component_versions")
        .into_values()
        .map(|row| match (&row["component"], &row["version"]) {
            (Value::Text(name), Value::Integer(version)) => (name.clone(), *version),
            other => panic!("{label}: component_versions row {other:?}"),
        })
        .collect();
    assert_eq!(components.get("booking"), Some(&(standardiste_booking::MIGRATIONS.len() as i64)), "{label}");
    assert_eq!(components.get("outbox"), Some(&(standardiste_outbox::MIGRATIONS.len() as i64)), "{label}");

    let after = snapshot(&conn);
    for table in ["calls", "turns", "readings", "bookings", "outbox"] {
        assert!(after.contains_key(table), "{label}: table {table} missing after the upgrade");
    }
    for (table, old_rows) in &before {
        let new_rows = &after[table];
        let table_defaults = defaults(&conn, table);
        assert_eq!(new_rows.len(), old_rows.len(), "{label}: rows of {table}");
        for (rowid, old) in old_rows {
            let new = &new_rows[rowid];
            let was_open = table == "calls" && old["ended_at"] == Value::Null;
            for (column, value) in old {
                if was_open && ["ended_at", "outcome", "duration_ms"].contains(&column.as_str()) {
                    continue;
                }
                assert_eq!(&new[column], value, "{label}: {table} row {rowid} column {column}");
            }
            for (column, value) in new.iter().filter(|(column, _)| !old.contains_key(*column)) {
                assert_eq!(value, &table_defaults[column], "{label}: new column {table}.{column} of row {rowid}");
            }
            if was_open {
                assert_eq!(new["outcome"], Value::Text("interrupted".into()), "{label}: call {rowid}");
                assert!(new["ended_at"] != Value::Null, "{label}: call {rowid}");
            }
        }
    }
}

fn database_of(release: &Release, dir: &Path) -> std::path::PathBuf {
    let path = dir.join(format!("calls-v{}.db", release.schema));
    let mut conn = Connection::open(&path).unwrap();
    migrate_to(&mut conn, release.schema, release.components).unwrap();
    (release.fill)(&conn);
    path
}

#[test]
fn releases_cover_every_schema_version() {
    let versions: Vec<i64> = RELEASES.iter().map(|release| release.schema).collect();
    let expected: Vec<i64> = (1..=SCHEMA_VERSION).collect();
    assert_eq!(
        versions, expected,
        "every schema version needs a Release entry with the rows its code writes"
    );
    let dir = tempfile::tempdir().unwrap();
    let fresh = dir.path().join("fresh.db");
    drop(Store::open(&fresh).unwrap());
    let conn = Connection::open(&fresh).unwrap();
    let current: Vec<(String, i64)> = conn
        .prepare("SELECT component, version FROM component_versions ORDER BY component")
        .unwrap()
        .query_map([], |row| Ok((row.get(0)?, row.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let latest: Vec<(String, i64)> = RELEASES
        .last()
        .unwrap()
        .components
        .iter()
        .map(|(name, version)| (name.to_string(), *version))
        .collect();
    assert_eq!(latest, current, "the latest Release must list the current component versions");
}

#[test]
fn every_release_upgrades_with_its_rows() {
    let dir = tempfile::tempdir().unwrap();
    for release in RELEASES {
        let path = database_of(release, dir.path());
        upgrade_and_check(&path, &format!("schema {}", release.schema));
    }
}

#[test]
fn schema_one_reads_back_through_the_api() {
    let dir = tempfile::tempdir().unwrap();
    let path = database_of(&RELEASES[0], dir.path());
    let store = Store::open(&path).unwrap();
    let call = store.call(1).unwrap();
    assert_eq!(call.started_at, "2026-11-02T09:00:00.123456789Z");
    assert_eq!(call.outcome, "completed");
    assert_eq!(call.turn_count, 2);
    let turns = store.turns(1).unwrap();
    assert_eq!(turns[0].text, "Bonjour, vous êtes ouverts samedi ?");
    assert_eq!(turns[0].latency_ms, Some(1510));
    assert!(turns[1].interrupted);
    let open = store.call(2).unwrap();
    assert_eq!(open.outcome, "interrupted");
    assert_eq!(open.duration_ms, Some(1_500));
    assert_eq!(store.intake(1).unwrap(), standardiste_store::IntakeRow::default());
    assert_eq!(store.retention_marks(1).unwrap(), (None, None));
    assert!(store.callbacks(CallbackList::Open, 10).unwrap().is_empty());
    assert_eq!(store.reading_counts().unwrap(), (0, 0));
}

#[test]
fn schema_two_reads_back_through_the_api() {
    let dir = tempfile::tempdir().unwrap();
    let path = database_of(&RELEASES[1], dir.path());
    let store = Store::open(&path).unwrap();
    let intake = store.intake(4).unwrap();
    assert_eq!(intake.caller_name.as_deref(), Some("Ana O'Brien"));
    assert!(intake.callback_confirmed);
    assert_eq!(intake.booking_id, Some(1));
    let done = store.callbacks(CallbackList::Done, 10).unwrap();
    assert_eq!(done.len(), 1);
    assert_eq!(done[0].number_to_call(), Some("07700 900456"));
    assert_eq!(store.reading_counts().unwrap(), (2, 1));
    assert_eq!(
        store.booking_summary(1).unwrap(),
        Some(("Check-up".to_string(), "2026-12-08 09:30".to_string(), "booked".to_string()))
    );
    let conn = Connection::open(&path).unwrap();
    let booking = standardiste_booking::find_by_id(&conn, 1).unwrap().unwrap();
    assert_eq!(booking.staff.as_deref(), Some("Dr Martin"));
    assert_eq!(booking.buffer_min, 5);
}

#[test]
fn schema_three_reads_back_through_the_api() {
    let dir = tempfile::tempdir().unwrap();
    let path = database_of(&RELEASES[2], dir.path());
    let store = Store::open(&path).unwrap();
    let (audio, transcript) = store.retention_marks(5).unwrap();
    assert_eq!(audio.as_deref(), Some("2026-11-01T00:00:00Z"));
    assert_eq!(transcript.as_deref(), Some("2026-11-01T00:00:00Z"));
    let deliveries = store.call_deliveries(4).unwrap();
    assert_eq!(deliveries.len(), 1);
    assert_eq!(deliveries[0].state, "sent");
}

#[test]
fn schema_four_lists_the_call_awaiting_its_recap() {
    let dir = tempfile::tempdir().unwrap();
    let path = database_of(&RELEASES[3], dir.path());
    let store = Store::open(&path).unwrap();
    assert_eq!(store.calls_awaiting_recap().unwrap(), vec![6], "older calls are not re-sent");
}

#[test]
fn every_release_exports_after_the_upgrade() {
    let dir = tempfile::tempdir().unwrap();
    for release in RELEASES {
        let path = database_of(release, dir.path());
        drop(Store::open(&path).unwrap());
        let out = dir.path().join(format!("export-v{}", release.schema));
        let report = export(&path, &out, &ExportOptions::default()).unwrap();
        let calls = report.files.iter().find(|file| file.kind == "calls").unwrap();
        let expected = match release.schema {
            1 => 3,
            2 => 4,
            3 => 5,
            _ => 6,
        };
        assert_eq!(calls.rows, expected, "schema {}", release.schema);
    }
}

/// The committed fixtures, each written by the release of its schema version.
fn fixtures() -> Vec<(i64, std::path::PathBuf)> {
    let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut found: Vec<(i64, std::path::PathBuf)> = std::fs::read_dir(&folder)
        .unwrap()
        .filter_map(|entry| {
            let path = entry.unwrap().path();
            let name = path.file_name()?.to_str()?;
            let version = name.strip_prefix("calls-v")?.strip_suffix(".db")?.parse().ok()?;
            Some((version, path))
        })
        .collect();
    found.sort();
    found
}

#[test]
fn released_fixtures_upgrade() {
    let found = fixtures();
    assert!(
        found.iter().any(|(version, _)| *version == 3),
        "tests/fixtures/calls-v3.db is missing: {found:?}"
    );
    let dir = tempfile::tempdir().unwrap();
    for (version, fixture) in found {
        assert!(version <= SCHEMA_VERSION, "{} is newer than this code", fixture.display());
        let path = dir.path().join(fixture.file_name().unwrap());
        std::fs::copy(&fixture, &path).unwrap();
        upgrade_and_check(&path, &fixture.display().to_string());

        let store = Store::open_read_only(&path).unwrap();
        let calls = store.list_calls(100).unwrap();
        assert_eq!(calls.len(), 3, "{}", fixture.display());
        let message = calls.iter().find(|call| call.turn_count == 2).unwrap();
        assert!(store.turns(message.id).unwrap()[0].text.contains("📞"));
        assert!(store.intake(message.id).unwrap().caller_name.unwrap().contains("🎉"));
        assert_eq!(store.call_deliveries(message.id).unwrap().len(), 1);
        let deleted = calls.iter().find(|call| call.turn_count == 0 && call.ended_at.is_some()).unwrap();
        assert!(store.retention_marks(deleted.id).is_ok());
    }
}

#[test]
fn fixtures_are_single_files() {
    // A fixture in WAL mode would keep part of its rows in a `-wal` file that git does not track.
    for (_, fixture) in fixtures() {
        let conn = Connection::open_with_flags(&fixture, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
        let mode: String = conn.pragma_query_value(None, "journal_mode", |row| row.get(0)).unwrap();
        assert_eq!(mode, "delete", "{}", fixture.display());
    }
}
