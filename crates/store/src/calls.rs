//! Calls and turns: the rows behind `standardiste calls`.

use rusqlite::{params, OptionalExtension, Row};

use super::{Store, StoreError};

/// Outcome of a call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallOutcome {
    /// Still running, or its process died before it could say.
    InProgress,
    /// The caller said goodbye and the box closed the call.
    Completed,
    /// The caller hung up.
    CallerHungUp,
    /// The caller stayed silent after the box asked whether they were there.
    Silence,
    /// The call reached its maximum duration.
    TimeLimit,
    /// The box stopped during the call: stored as the daemon stopped, or
    /// found on the next start after a crash or a power cut.
    Interrupted,
    /// The call stopped on an error that the box could not recover from.
    Failed,
    /// The box handed the call to a person.
    Transferred,
}

impl CallOutcome {
    /// The value stored in the `outcome` column.
    pub fn as_str(self) -> &'static str {
        match self {
            CallOutcome::InProgress => "in_progress",
            CallOutcome::Completed => "completed",
            CallOutcome::CallerHungUp => "caller_hung_up",
            CallOutcome::Silence => "silence",
            CallOutcome::TimeLimit => "time_limit",
            CallOutcome::Interrupted => "interrupted",
            CallOutcome::Failed => "failed",
            CallOutcome::Transferred => "transferred",
        }
    }
}

/// Speaker of a turn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Speaker {
    Caller,
    Assistant,
}

impl Speaker {
    pub fn as_str(self) -> &'static str {
        match self {
            Speaker::Caller => "caller",
            Speaker::Assistant => "assistant",
        }
    }
}

/// A turn to store. Offsets are milliseconds from the start of the call;
/// stage timings are milliseconds and only set where the stage ran.
#[derive(Debug, Clone, Default)]
pub struct NewTurn {
    pub speaker: Option<Speaker>,
    pub text: String,
    pub start_ms: u64,
    pub end_ms: u64,
    pub stt_confidence: Option<f32>,
    /// Silence waited after the caller's last word before the turn was taken as finished.
    pub endpoint_ms: Option<u64>,
    pub stt_ms: Option<u64>,
    /// LLM time from the request to its first complete sentence.
    pub llm_first_ms: Option<u64>,
    /// Synthesis time of the first sentence.
    pub tts_first_ms: Option<u64>,
    /// From the end of the caller's speech to the first reply audio on the line.
    pub latency_ms: Option<u64>,
    /// The caller spoke over this reply and playback stopped early.
    pub interrupted: bool,
}

/// A stored call.
#[derive(Debug, Clone)]
pub struct CallRow {
    pub id: i64,
    pub started_at: String,
    pub ended_at: Option<String>,
    pub line: String,
    pub caller_number: Option<String>,
    pub outcome: String,
    pub duration_ms: Option<i64>,
    pub language: Option<String>,
    pub recording_path: Option<String>,
    pub turn_count: i64,
}

/// A stored turn. Export writes it as JSON with these field names.
#[derive(Debug, Clone, serde::Serialize)]
pub struct TurnRow {
    pub seq: i64,
    /// `caller` or `assistant`.
    pub speaker: String,
    pub text: String,
    pub start_ms: i64,
    pub end_ms: i64,
    pub stt_confidence: Option<f64>,
    pub endpoint_ms: Option<i64>,
    pub stt_ms: Option<i64>,
    pub llm_first_ms: Option<i64>,
    pub tts_first_ms: Option<i64>,
    pub latency_ms: Option<i64>,
    pub interrupted: bool,
}

/// The query of one call's turns (`?1` is the call id), in the order they were spoken.
pub(crate) const TURNS_OF_CALL: &str = "SELECT seq, speaker, text, start_ms, end_ms, stt_confidence, endpoint_ms, stt_ms,
        llm_first_ms, tts_first_ms, latency_ms, interrupted
     FROM turns WHERE call_id = ?1 ORDER BY seq";

/// Reads a row of [`TURNS_OF_CALL`].
pub(crate) fn turn_from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<TurnRow> {
    Ok(TurnRow {
        seq: row.get(0)?,
        speaker: row.get(1)?,
        text: row.get(2)?,
        start_ms: row.get(3)?,
        end_ms: row.get(4)?,
        stt_confidence: row.get(5)?,
        endpoint_ms: row.get(6)?,
        stt_ms: row.get(7)?,
        llm_first_ms: row.get(8)?,
        tts_first_ms: row.get(9)?,
        latency_ms: row.get(10)?,
        interrupted: row.get(11)?,
    })
}

/// The current time as RFC 3339 in UTC, to the second.
pub fn now_rfc3339() -> String {
    let format = time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]Z");
    time::OffsetDateTime::now_utc().format(&format).unwrap_or_default()
}

const CALL_COLUMNS: &str = "c.id, c.started_at, c.ended_at, c.line, c.caller_number, c.outcome,
     c.duration_ms, c.language, c.recording_path,
     (SELECT COUNT(*) FROM turns t WHERE t.call_id = c.id)";

fn call_from_row(row: &Row<'_>) -> rusqlite::Result<CallRow> {
    Ok(CallRow {
        id: row.get(0)?,
        started_at: row.get(1)?,
        ended_at: row.get(2)?,
        line: row.get(3)?,
        caller_number: row.get(4)?,
        outcome: row.get(5)?,
        duration_ms: row.get(6)?,
        language: row.get(7)?,
        recording_path: row.get(8)?,
        turn_count: row.get(9)?,
    })
}

fn to_sql_ms(value: Option<u64>) -> Option<i64> {
    value.map(|v| i64::try_from(v).unwrap_or(i64::MAX))
}

impl Store {
    /// Records the start of a call and returns its id.
    pub fn start_call(
        &self,
        line: &str,
        caller_number: Option<&str>,
        recording_path: Option<&str>,
    ) -> Result<i64, StoreError> {
        self.conn.execute(
            "INSERT INTO calls (started_at, line, caller_number, recording_path, recap_pending)
             VALUES (?1, ?2, ?3, ?4, 1)",
            params![now_rfc3339(), line, caller_number, recording_path],
        )?;
        Ok(self.conn.last_insert_rowid())
    }

    /// Appends a turn to a call and returns its sequence number, counted from 1.
    pub fn add_turn(&mut self, call_id: i64, turn: &NewTurn) -> Result<i64, StoreError> {
        let speaker = turn.speaker.unwrap_or(Speaker::Caller);
        let tx = self.conn.transaction()?;
        let seq: i64 = tx.query_row(
            "SELECT COALESCE(MAX(seq), 0) + 1 FROM turns WHERE call_id = ?1",
            [call_id],
            |row| row.get(0),
        )?;
        tx.execute(
            "INSERT INTO turns (call_id, seq, speaker, text, start_ms, end_ms, stt_confidence,
                endpoint_ms, stt_ms, llm_first_ms, tts_first_ms, latency_ms, interrupted)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
            params![
                call_id,
                seq,
                speaker.as_str(),
                turn.text,
                to_sql_ms(Some(turn.start_ms)),
                to_sql_ms(Some(turn.end_ms)),
                turn.stt_confidence.map(f64::from),
                to_sql_ms(turn.endpoint_ms),
                to_sql_ms(turn.stt_ms),
                to_sql_ms(turn.llm_first_ms),
                to_sql_ms(turn.tts_first_ms),
                to_sql_ms(turn.latency_ms),
                turn.interrupted,
            ],
        )?;
        tx.commit()?;
        Ok(seq)
    }

    /// Replaces the text of a caller turn that turned out to continue after it
    /// was taken (the caller resumed after a short pause).
    pub fn extend_turn(
        &self,
        call_id: i64,
        seq: i64,
        text: &str,
        end_ms: u64,
        stt_confidence: Option<f32>,
    ) -> Result<(), StoreError> {
        let changed = self.conn.execute(
            "UPDATE turns SET text = ?1, end_ms = ?2, stt_confidence = ?3 WHERE call_id = ?4 AND seq = ?5",
            params![text, to_sql_ms(Some(end_ms)), stt_confidence.map(f64::from), call_id, seq],
        )?;
        if changed == 0 {
            return Err(StoreError::CallNotFound(call_id));
        }
        Ok(())
    }

    /// Stores where the call's recording is written.
    pub fn set_recording_path(&self, call_id: i64, path: &str) -> Result<(), StoreError> {
        self.conn.execute(
            "UPDATE calls SET recording_path = ?1 WHERE id = ?2",
            params![path, call_id],
        )?;
        Ok(())
    }

    /// Forgets the call's recording, for a call whose recording could not be created.
    pub fn clear_recording_path(&self, call_id: i64) -> Result<(), StoreError> {
        self.conn.execute("UPDATE calls SET recording_path = NULL WHERE id = ?1", [call_id])?;
        Ok(())
    }

    /// Stores the language detected for the call (an ISO 639-1 code).
    pub fn set_call_language(&self, call_id: i64, language: &str) -> Result<(), StoreError> {
        self.conn.execute(
            "UPDATE calls SET language = ?1 WHERE id = ?2",
            params![language, call_id],
        )?;
        Ok(())
    }

    /// Records the end of a call.
    pub fn finish_call(
        &self,
        call_id: i64,
        outcome: CallOutcome,
        duration_ms: u64,
    ) -> Result<(), StoreError> {
        let changed = self.conn.execute(
            "UPDATE calls SET ended_at = ?1, outcome = ?2, duration_ms = ?3 WHERE id = ?4",
            params![now_rfc3339(), outcome.as_str(), to_sql_ms(Some(duration_ms)), call_id],
        )?;
        if changed == 0 {
            return Err(StoreError::CallNotFound(call_id));
        }
        Ok(())
    }

    /// Closes calls that have no end time, as a crashed process leaves them,
    /// and returns how many there were. Their duration is the end of their last turn.
    pub(super) fn close_interrupted_calls(&self) -> Result<usize, StoreError> {
        let closed = self.conn.execute(
            "UPDATE calls SET
                ended_at = ?1,
                outcome = 'interrupted',
                duration_ms = (SELECT MAX(t.end_ms) FROM turns t WHERE t.call_id = calls.id)
             WHERE ended_at IS NULL",
            [now_rfc3339()],
        )?;
        Ok(closed)
    }

    /// Lists the most recent calls, newest first.
    pub fn list_calls(&self, limit: usize) -> Result<Vec<CallRow>, StoreError> {
        let sql = format!("SELECT {CALL_COLUMNS} FROM calls c ORDER BY c.id DESC LIMIT ?1");
        let mut statement = self.conn.prepare(&sql)?;
        let rows = statement.query_map([i64::try_from(limit).unwrap_or(i64::MAX)], call_from_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Returns one call.
    pub fn call(&self, call_id: i64) -> Result<CallRow, StoreError> {
        let sql = format!("SELECT {CALL_COLUMNS} FROM calls c WHERE c.id = ?1");
        self.conn
            .query_row(&sql, [call_id], call_from_row)
            .optional()?
            .ok_or(StoreError::CallNotFound(call_id))
    }

    /// Returns a call's turns in the order they were spoken.
    pub fn turns(&self, call_id: i64) -> Result<Vec<TurnRow>, StoreError> {
        let mut statement = self.conn.prepare(TURNS_OF_CALL)?;
        let rows = statement.query_map([call_id], turn_from_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn caller_turn(text: &str, start_ms: u64) -> NewTurn {
        NewTurn {
            speaker: Some(Speaker::Caller),
            text: text.to_string(),
            start_ms,
            end_ms: start_ms + 1_000,
            stt_confidence: Some(0.9),
            ..NewTurn::default()
        }
    }

    #[test]
    fn stores_a_call_with_its_turns() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("calls.db")).unwrap();
        let id = store.start_call("sim0", Some("+33612345678"), Some("1.wav")).unwrap();
        assert_eq!(store.add_turn(id, &caller_turn("hello", 0)).unwrap(), 1);
        assert_eq!(store.add_turn(id, &caller_turn("goodbye", 2_000)).unwrap(), 2);
        store.set_call_language(id, "en").unwrap();
        store.finish_call(id, CallOutcome::Completed, 4_000).unwrap();

        let call = store.call(id).unwrap();
        assert_eq!(call.outcome, "completed");
        assert_eq!(call.duration_ms, Some(4_000));
        assert_eq!(call.language.as_deref(), Some("en"));
        assert_eq!(call.turn_count, 2);
        assert!(call.ended_at.is_some());
        let turns = store.turns(id).unwrap();
        assert_eq!(turns.len(), 2);
        assert_eq!(turns[1].text, "goodbye");
        assert_eq!(turns[1].speaker, "caller");
    }

    #[test]
    fn extended_turn_replaces_its_text() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("calls.db")).unwrap();
        let id = store.start_call("sim0", None, None).unwrap();
        let seq = store.add_turn(id, &caller_turn("Hello, I would like to know.", 0)).unwrap();
        store.extend_turn(id, seq, "Hello, I would like to know when you open.", 2_500, Some(0.8)).unwrap();
        let turns = store.turns(id).unwrap();
        assert_eq!(turns.len(), 1);
        assert_eq!(turns[0].text, "Hello, I would like to know when you open.");
        assert_eq!(turns[0].end_ms, 2_500);
    }

    #[test]
    fn reopening_closes_a_call_left_open() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("calls.db");
        let id = {
            let mut store = Store::open(&path).unwrap();
            let id = store.start_call("sim0", None, None).unwrap();
            store.add_turn(id, &caller_turn("my boiler", 500)).unwrap();
            id
        };
        let store = Store::open(&path).unwrap();
        let call = store.call(id).unwrap();
        assert_eq!(call.outcome, "interrupted");
        assert_eq!(call.duration_ms, Some(1_500));
        assert_eq!(store.turns(id).unwrap()[0].text, "my boiler");
    }

    #[test]
    fn unknown_call_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("calls.db")).unwrap();
        assert!(matches!(store.call(42), Err(StoreError::CallNotFound(42))));
        assert!(matches!(
            store.finish_call(42, CallOutcome::Completed, 0),
            Err(StoreError::CallNotFound(42))
        ));
    }

    #[test]
    fn database_from_a_newer_program_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("calls.db");
        {
            let conn = rusqlite::Connection::open(&path).unwrap();
            conn.pragma_update(None, "user_version", 99).unwrap();
        }
        let message = Store::open(&path).err().unwrap().to_string();
        assert!(message.contains("schema version 99"), "{message}");
    }

    #[test]
    fn list_is_newest_first() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("calls.db")).unwrap();
        let first = store.start_call("sim0", None, None).unwrap();
        let second = store.start_call("sim0", None, None).unwrap();
        let ids: Vec<i64> = store.list_calls(10).unwrap().iter().map(|c| c.id).collect();
        assert_eq!(ids, vec![second, first]);
    }
}
