//! Call intake: the details the receptionist collected from a caller, stored
//! on the call's row, and the model's reading of each caller turn.

use rusqlite::{params, OptionalExtension};

use super::{Store, StoreError};

/// The structured details of a call, as the web console and the recap show them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IntakeRow {
    pub caller_name: Option<String>,
    pub callback_number: Option<String>,
    pub callback_confirmed: bool,
    pub reason: Option<String>,
    /// low, normal, high or emergency.
    pub urgency: Option<String>,
    /// Escalation reason, or `None` when the call was not escalated.
    pub escalation: Option<String>,
    pub message_taken: bool,
    pub callback_promised: bool,
    pub booking_id: Option<i64>,
}

impl Store {
    /// Returns the appointment, local start time (`YYYY-MM-DD HH:MM`) and status of
    /// booking `id`, or `None` when it no longer exists.
    pub fn booking_summary(&self, id: i64) -> Result<Option<(String, String, String)>, StoreError> {
        Ok(self
            .conn
            .query_row(
                "SELECT appointment, substr(start_at, 1, 16), status FROM bookings WHERE id = ?1",
                [id],
                |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)),
            )
            .optional()?)
    }

    /// Replaces the call's details with `intake`. Callers save after every
    /// turn that changes them, so a dropped call keeps what the caller gave.
    pub fn save_intake(&self, call_id: i64, intake: &IntakeRow) -> Result<(), StoreError> {
        let changed = self.conn.execute(
            "UPDATE calls SET caller_name = ?1, callback_number = ?2, callback_confirmed = ?3, reason = ?4,
                 urgency = ?5, escalation = ?6, message_taken = ?7, callback_promised = ?8, booking_id = ?9
             WHERE id = ?10",
            params![
                intake.caller_name,
                intake.callback_number,
                intake.callback_confirmed,
                intake.reason,
                intake.urgency,
                intake.escalation,
                intake.message_taken,
                intake.callback_promised,
                intake.booking_id,
                call_id
            ],
        )?;
        if changed == 0 {
            return Err(StoreError::CallNotFound(call_id));
        }
        Ok(())
    }

    /// Reads the call's details, or returns `CallNotFound` for an unknown id.
    pub fn intake(&self, call_id: i64) -> Result<IntakeRow, StoreError> {
        self.conn
            .query_row(
                "SELECT caller_name, callback_number, callback_confirmed, reason, urgency, escalation,
                        message_taken, callback_promised, booking_id
                 FROM calls WHERE id = ?1",
                [call_id],
                |row| {
                    Ok(IntakeRow {
                        caller_name: row.get(0)?,
                        callback_number: row.get(1)?,
                        callback_confirmed: row.get(2)?,
                        reason: row.get(3)?,
                        urgency: row.get(4)?,
                        escalation: row.get(5)?,
                        message_taken: row.get(6)?,
                        callback_promised: row.get(7)?,
                        booking_id: row.get(8)?,
                    })
                },
            )
            .optional()?
            .ok_or(StoreError::CallNotFound(call_id))
    }

    /// Records one structured reading of a caller turn: whether it was valid,
    /// its intent, and the error when it was not.
    pub fn add_reading(
        &self,
        call_id: i64,
        intent: Option<&str>,
        error: Option<&str>,
        elapsed_ms: u64,
    ) -> Result<(), StoreError> {
        self.conn.execute(
            "INSERT INTO readings (call_id, at, valid, intent, error, elapsed_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![
                call_id,
                super::now_rfc3339(),
                error.is_none(),
                intent,
                error,
                i64::try_from(elapsed_ms).unwrap_or(i64::MAX)
            ],
        )?;
        Ok(())
    }

    /// Counts the readings in the database, returning `(total, valid)`.
    pub fn reading_counts(&self) -> Result<(u64, u64), StoreError> {
        Ok(self.conn.query_row(
            "SELECT COUNT(*), COALESCE(SUM(valid), 0) FROM readings",
            [],
            |row| Ok((row.get::<_, i64>(0)? as u64, row.get::<_, i64>(1)? as u64)),
        )?)
    }
}
