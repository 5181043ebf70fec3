//! Deleting what the profile's retention settings say not to keep: call
//! audio and transcripts older than their limit. Times are RFC 3339 UTC
//! strings, as stored, so they compare as text.

use std::path::PathBuf;

use rusqlite::params;

use super::calls::now_rfc3339;
use super::{Store, StoreError};

impl Store {
    /// When retention deleted call `call_id`'s audio and its transcript, if it did.
    pub fn retention_marks(&self, call_id: i64) -> Result<(Option<String>, Option<String>), StoreError> {
        self.conn
            .query_row(
                "SELECT audio_deleted_at, transcript_deleted_at FROM calls WHERE id = ?1",
                [call_id],
                |row| Ok((row.get(0)?, row.get(1)?)),
            )
            .map_err(|error| match error {
                rusqlite::Error::QueryReturnedNoRows => StoreError::CallNotFound(call_id),
                other => other.into(),
            })
    }

    /// Finished calls that ended at or before `cutoff` and still have their
    /// recording, with its path.
    pub fn recordings_ended_by(&self, cutoff: &str) -> Result<Vec<(i64, PathBuf)>, StoreError> {
        let mut statement = self.conn.prepare(
            "SELECT id, recording_path FROM calls
             WHERE ended_at IS NOT NULL AND ended_at <= ?1
               AND recording_path IS NOT NULL AND audio_deleted_at IS NULL
             ORDER BY id",
        )?;
        let rows = statement.query_map([cutoff], |row| Ok((row.get::<_, i64>(0)?, row.get::<_, String>(1)?)))?;
        let mut found = Vec::new();
        for row in rows {
            let (id, path) = row?;
            found.push((id, PathBuf::from(path)));
        }
        Ok(found)
    }

    /// Records that call `call_id`'s audio was deleted.
    pub fn mark_audio_deleted(&self, call_id: i64) -> Result<(), StoreError> {
        self.conn.execute(
            "UPDATE calls SET audio_deleted_at = ?2 WHERE id = ?1",
            params![call_id, now_rfc3339()],
        )?;
        Ok(())
    }

    /// Deletes the turns of finished calls that ended at or before `cutoff`,
    /// keeping the calls and their intake, and returns how many calls lost
    /// their transcript.
    pub fn delete_transcripts_ended_by(&mut self, cutoff: &str) -> Result<usize, StoreError> {
        let tx = self.conn.transaction()?;
        let calls: Vec<i64> = {
            let mut statement = tx.prepare(
                "SELECT id FROM calls
                 WHERE ended_at IS NOT NULL AND ended_at <= ?1 AND transcript_deleted_at IS NULL",
            )?;
            let rows = statement.query_map([cutoff], |row| row.get(0))?;
            rows.collect::<Result<_, _>>()?
        };
        let now = now_rfc3339();
        for id in &calls {
            tx.execute("DELETE FROM turns WHERE call_id = ?1", [id])?;
            tx.execute("UPDATE calls SET transcript_deleted_at = ?2 WHERE id = ?1", params![id, now])?;
        }
        tx.commit()?;
        Ok(calls.len())
    }
}
