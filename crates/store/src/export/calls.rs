//! Calls and their transcripts: `calls.csv` and `transcripts.csv` (one
//! record per turn), and `calls.json` with each call's turns nested.
//!
//! A transcript that retention deleted is not in the database any more, so
//! its call is exported with no turns and with `transcript_deleted_at` set.

use rusqlite::Row;
use serde::Serialize;

use super::csv::{CsvWriter, Field};
use super::json::{DocumentHeader, JsonDocument};
use super::{write_error, ExportError, Source};
use crate::calls::{turn_from_row, TURNS_OF_CALL};
use crate::staged_file::StagedFile;
use crate::TurnRow;

/// A call as exported, with every column of the `calls` table.
#[derive(Debug, Serialize)]
pub(super) struct CallRecord {
    id: i64,
    started_at: String,
    ended_at: Option<String>,
    line: String,
    caller_number: Option<String>,
    outcome: String,
    duration_ms: Option<i64>,
    language: Option<String>,
    recording_path: Option<String>,
    caller_name: Option<String>,
    callback_number: Option<String>,
    callback_confirmed: bool,
    reason: Option<String>,
    urgency: Option<String>,
    escalation: Option<String>,
    message_taken: bool,
    callback_promised: bool,
    booking_id: Option<i64>,
    callback_done_at: Option<String>,
    audio_deleted_at: Option<String>,
    transcript_deleted_at: Option<String>,
    turns: Vec<TurnRow>,
}

const CALL_COLUMNS: &str = "id, started_at, ended_at, line, caller_number, outcome, duration_ms, language,
     recording_path, caller_name, callback_number, callback_confirmed, reason, urgency, escalation,
     message_taken, callback_promised, booking_id, callback_done_at, audio_deleted_at, transcript_deleted_at";

const CALLS_CSV_HEADER: [&str; 22] = [
    "id",
    "started_at",
    "ended_at",
    "line",
    "caller_number",
    "caller_name",
    "callback_number",
    "callback_confirmed",
    "reason",
    "urgency",
    "escalation",
    "message_taken",
    "callback_promised",
    "callback_done_at",
    "booking_id",
    "outcome",
    "duration_ms",
    "language",
    "turn_count",
    "recording_path",
    "audio_deleted_at",
    "transcript_deleted_at",
];

const TRANSCRIPTS_CSV_HEADER: [&str; 13] = [
    "call_id",
    "seq",
    "speaker",
    "start_ms",
    "end_ms",
    "text",
    "stt_confidence",
    "endpoint_ms",
    "stt_ms",
    "llm_first_ms",
    "tts_first_ms",
    "latency_ms",
    "interrupted",
];

impl CallRecord {
    fn read(row: &Row<'_>) -> rusqlite::Result<CallRecord> {
        Ok(CallRecord {
            id: row.get(0)?,
            started_at: row.get(1)?,
            ended_at: row.get(2)?,
            line: row.get(3)?,
            caller_number: row.get(4)?,
            outcome: row.get(5)?,
            duration_ms: row.get(6)?,
            language: row.get(7)?,
            recording_path: row.get(8)?,
            caller_name: row.get(9)?,
            callback_number: row.get(10)?,
            callback_confirmed: row.get(11)?,
            reason: row.get(12)?,
            urgency: row.get(13)?,
            escalation: row.get(14)?,
            message_taken: row.get(15)?,
            callback_promised: row.get(16)?,
            booking_id: row.get(17)?,
            callback_done_at: row.get(18)?,
            audio_deleted_at: row.get(19)?,
            transcript_deleted_at: row.get(20)?,
            turns: Vec::new(),
        })
    }

    fn csv_fields(&self) -> Vec<Field<'_>> {
        vec![
            Field::integer(Some(self.id)),
            Field::Text(Some(&self.started_at)),
            Field::Text(self.ended_at.as_deref()),
            Field::Text(Some(&self.line)),
            Field::Text(self.caller_number.as_deref()),
            Field::Text(self.caller_name.as_deref()),
            Field::Text(self.callback_number.as_deref()),
            Field::flag(self.callback_confirmed),
            Field::Text(self.reason.as_deref()),
            Field::Text(self.urgency.as_deref()),
            Field::Text(self.escalation.as_deref()),
            Field::flag(self.message_taken),
            Field::flag(self.callback_promised),
            Field::Text(self.callback_done_at.as_deref()),
            Field::integer(self.booking_id),
            Field::Text(Some(&self.outcome)),
            Field::integer(self.duration_ms),
            Field::Text(self.language.as_deref()),
            Field::integer(Some(self.turns.len() as i64)),
            Field::Text(self.recording_path.as_deref()),
            Field::Text(self.audio_deleted_at.as_deref()),
            Field::Text(self.transcript_deleted_at.as_deref()),
        ]
    }
}

/// Returns the `transcripts.csv` fields of `turn`, a turn of call `call_id`.
fn turn_csv_fields(turn: &TurnRow, call_id: i64) -> Vec<Field<'_>> {
    vec![
        Field::integer(Some(call_id)),
        Field::integer(Some(turn.seq)),
        Field::Text(Some(&turn.speaker)),
        Field::integer(Some(turn.start_ms)),
        Field::integer(Some(turn.end_ms)),
        Field::Text(Some(&turn.text)),
        Field::real(turn.stt_confidence),
        Field::integer(turn.endpoint_ms),
        Field::integer(turn.stt_ms),
        Field::integer(turn.llm_first_ms),
        Field::integer(turn.tts_first_ms),
        Field::integer(turn.latency_ms),
        Field::flag(turn.interrupted),
    ]
}

/// Calls `visit` with each call that started on or after the export's date,
/// in id order, with its turns in the order they were spoken.
fn for_each_call(
    source: &Source<'_>,
    mut visit: impl FnMut(&CallRecord) -> Result<(), ExportError>,
) -> Result<(), ExportError> {
    let conn = &source.store.conn;
    let calls_error = |error| source.read_error("calls", error);
    let turns_error = |error| source.read_error("transcripts", error);
    let mut calls = conn
        .prepare(&format!("SELECT {CALL_COLUMNS} FROM calls WHERE started_at >= ?1 ORDER BY id"))
        .map_err(calls_error)?;
    let mut turns = conn.prepare(TURNS_OF_CALL).map_err(turns_error)?;
    // Stored times are RFC 3339 text, so the date alone compares as the start of that day.
    let mut rows = calls.query([source.since.unwrap_or("")]).map_err(calls_error)?;
    while let Some(row) = rows.next().map_err(calls_error)? {
        let mut call = CallRecord::read(row).map_err(calls_error)?;
        call.turns = turns
            .query_map([call.id], turn_from_row)
            .and_then(|rows| rows.collect::<rusqlite::Result<Vec<_>>>())
            .map_err(turns_error)?;
        visit(&call)?;
    }
    Ok(())
}

/// Writes `calls.csv` and `transcripts.csv` and returns their record counts.
pub(super) fn write_csv(
    source: &Source<'_>,
    calls_file: &mut StagedFile,
    transcripts_file: &mut StagedFile,
) -> Result<(u64, u64), ExportError> {
    let calls_path = calls_file.target().to_path_buf();
    let transcripts_path = transcripts_file.target().to_path_buf();
    let mut calls = CsvWriter::new(calls_file.writer().map_err(write_error(&calls_path))?, &CALLS_CSV_HEADER)
        .map_err(write_error(&calls_path))?;
    let mut transcripts = CsvWriter::new(
        transcripts_file.writer().map_err(write_error(&transcripts_path))?,
        &TRANSCRIPTS_CSV_HEADER,
    )
    .map_err(write_error(&transcripts_path))?;
    for_each_call(source, |call| {
        calls.record(&call.csv_fields()).map_err(write_error(&calls_path))?;
        for turn in &call.turns {
            transcripts
                .record(&turn_csv_fields(turn, call.id))
                .map_err(write_error(&transcripts_path))?;
        }
        Ok(())
    })?;
    Ok((calls.records(), transcripts.records()))
}

/// Writes `calls.json` and returns the number of calls in it.
pub(super) fn write_json(
    source: &Source<'_>,
    file: &mut StagedFile,
    header: &DocumentHeader<'_>,
) -> Result<u64, ExportError> {
    let path = file.target().to_path_buf();
    let out = file.writer().map_err(write_error(&path))?;
    let mut document = JsonDocument::begin(out, header).map_err(write_error(&path))?;
    for_each_call(source, |call| document.item(call).map_err(write_error(&path)))?;
    document.end().map_err(write_error(&path))?;
    Ok(document.items())
}
