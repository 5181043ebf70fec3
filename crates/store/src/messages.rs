//! Callbacks the owner has to make: calls where the receptionist took a
//! message, promised a callback or escalated. Each stays open until the owner
//! marks it done, which stores the time in `callback_done_at`.

use rusqlite::{params, Row};

use super::calls::now_rfc3339;
use super::{Store, StoreError};

/// SQL condition of a call with a callback to make.
pub(crate) const IS_CALLBACK: &str =
    "(message_taken = 1 OR callback_promised = 1 OR (escalation IS NOT NULL AND escalation <> ''))";

/// Rank of an urgency in the open list: emergency first, low last. A missing
/// or unknown urgency ranks as normal.
const URGENCY_RANK: &str = "CASE urgency WHEN 'emergency' THEN 0 WHEN 'high' THEN 1 WHEN 'low' THEN 3 ELSE 2 END";

pub(crate) const CALLBACK_COLUMNS: &str = "id, started_at, caller_name, caller_number, callback_number, reason,
     urgency, escalation, message_taken, callback_promised, callback_done_at";

/// One of the two lists of callbacks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallbackList {
    /// Not done yet: most urgent first, then oldest first.
    Open,
    /// Marked done: most recently done first.
    Done,
}

/// A call the owner has to call back, or has called back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallbackRow {
    pub call_id: i64,
    /// Start of the call, RFC 3339 UTC.
    pub started_at: String,
    pub caller_name: Option<String>,
    /// The caller ID of the line.
    pub caller_number: Option<String>,
    /// The number the caller asked to be called back on.
    pub callback_number: Option<String>,
    pub reason: Option<String>,
    /// low, normal, high or emergency.
    pub urgency: Option<String>,
    /// Escalation reason, or `None` when the call was not escalated.
    pub escalation: Option<String>,
    pub message_taken: bool,
    pub callback_promised: bool,
    /// When the owner marked it done, RFC 3339 UTC; `None` while open.
    pub done_at: Option<String>,
}

impl CallbackRow {
    /// Returns the number to call back: the one the caller gave, or else the caller ID.
    pub fn number_to_call(&self) -> Option<&str> {
        let requested = self
            .callback_number
            .as_deref()
            .filter(|number| !number.trim().is_empty());
        requested.or(self.caller_number.as_deref().filter(|number| !number.trim().is_empty()))
    }
}

pub(crate) fn callback_from_row(row: &Row<'_>) -> rusqlite::Result<CallbackRow> {
    Ok(CallbackRow {
        call_id: row.get(0)?,
        started_at: row.get(1)?,
        caller_name: row.get(2)?,
        caller_number: row.get(3)?,
        callback_number: row.get(4)?,
        reason: row.get(5)?,
        urgency: row.get(6)?,
        escalation: row.get(7)?,
        message_taken: row.get(8)?,
        callback_promised: row.get(9)?,
        done_at: row.get(10)?,
    })
}

impl Store {
    /// Lists up to `limit` callbacks of `list`, in the order [`CallbackList`] gives.
    pub fn callbacks(&self, list: CallbackList, limit: usize) -> Result<Vec<CallbackRow>, StoreError> {
        let (state, order) = match list {
            CallbackList::Open => ("callback_done_at IS NULL", format!("{URGENCY_RANK}, started_at, id")),
            CallbackList::Done => (
                "callback_done_at IS NOT NULL",
                "callback_done_at DESC, id DESC".to_string(),
            ),
        };
        let sql =
            format!("SELECT {CALLBACK_COLUMNS} FROM calls WHERE {IS_CALLBACK} AND {state} ORDER BY {order} LIMIT ?1");
        let mut statement = self.conn.prepare(&sql)?;
        let rows = statement.query_map([i64::try_from(limit).unwrap_or(i64::MAX)], callback_from_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Counts the callbacks, returning `(open, done)`.
    pub fn callback_counts(&self) -> Result<(u64, u64), StoreError> {
        let sql = format!(
            "SELECT COALESCE(SUM(callback_done_at IS NULL), 0), COALESCE(SUM(callback_done_at IS NOT NULL), 0)
             FROM calls WHERE {IS_CALLBACK}"
        );
        let (open, done): (i64, i64) = self.conn.query_row(&sql, [], |row| Ok((row.get(0)?, row.get(1)?)))?;
        Ok((open.max(0) as u64, done.max(0) as u64))
    }

    /// Marks the callback of call `call_id` done now. Marking it again keeps
    /// the first time. Returns `false` when the call does not exist or has
    /// no callback to make.
    pub fn mark_callback_done(&self, call_id: i64) -> Result<bool, StoreError> {
        let sql = format!(
            "UPDATE calls SET callback_done_at = COALESCE(callback_done_at, ?2) WHERE id = ?1 AND {IS_CALLBACK}"
        );
        let changed = self.conn.execute(&sql, params![call_id, now_rfc3339()])?;
        Ok(changed > 0)
    }

    /// Puts the callback of call `call_id` back on the open list. Returns
    /// `false` when the call does not exist or has no callback to make.
    pub fn reopen_callback(&self, call_id: i64) -> Result<bool, StoreError> {
        let sql = format!("UPDATE calls SET callback_done_at = NULL WHERE id = ?1 AND {IS_CALLBACK}");
        let changed = self.conn.execute(&sql, [call_id])?;
        Ok(changed > 0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::IntakeRow;

    fn store() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("calls.db")).unwrap();
        (dir, store)
    }

    /// Stores a call with a message of `urgency` and returns its id.
    fn message(store: &Store, urgency: Option<&str>) -> i64 {
        let id = store.start_call("sim0", Some("+441234567890"), None).unwrap();
        let intake = IntakeRow {
            caller_name: Some(format!("Caller {id}")),
            urgency: urgency.map(str::to_string),
            message_taken: true,
            ..IntakeRow::default()
        };
        store.save_intake(id, &intake).unwrap();
        id
    }

    fn ids(rows: &[CallbackRow]) -> Vec<i64> {
        rows.iter().map(|row| row.call_id).collect()
    }

    #[test]
    fn open_list_is_urgent_then_oldest_first() {
        let (_dir, store) = store();
        let low = message(&store, Some("low"));
        let first_normal = message(&store, Some("normal"));
        let emergency = message(&store, Some("emergency"));
        let unknown = message(&store, None);
        let high = message(&store, Some("high"));
        let open = store.callbacks(CallbackList::Open, 10).unwrap();
        assert_eq!(ids(&open), vec![emergency, high, first_normal, unknown, low]);
    }

    #[test]
    fn plain_calls_are_not_callbacks() {
        let (_dir, store) = store();
        let plain = store.start_call("sim0", Some("+441234567890"), None).unwrap();
        let promised = store.start_call("sim0", None, None).unwrap();
        store
            .save_intake(
                promised,
                &IntakeRow {
                    callback_promised: true,
                    ..IntakeRow::default()
                },
            )
            .unwrap();
        let escalated = store.start_call("sim0", None, None).unwrap();
        store
            .save_intake(
                escalated,
                &IntakeRow {
                    escalation: Some("angry caller".into()),
                    ..IntakeRow::default()
                },
            )
            .unwrap();
        let open = store.callbacks(CallbackList::Open, 10).unwrap();
        assert_eq!(ids(&open), vec![promised, escalated]);
        assert!(!store.mark_callback_done(plain).unwrap());
        assert!(!store.mark_callback_done(9_999).unwrap());
        assert!(!store.reopen_callback(9_999).unwrap());
    }

    #[test]
    fn done_and_reopen_move_between_lists() {
        let (_dir, store) = store();
        let first = message(&store, Some("normal"));
        let second = message(&store, Some("high"));
        assert!(store.mark_callback_done(first).unwrap());
        assert_eq!(ids(&store.callbacks(CallbackList::Open, 10).unwrap()), vec![second]);
        let done = store.callbacks(CallbackList::Done, 10).unwrap();
        assert_eq!(ids(&done), vec![first]);
        let at = done[0].done_at.clone().unwrap();
        assert_eq!(at.len(), 20, "{at}");
        assert!(at.ends_with('Z'), "{at}");
        assert_eq!(store.callback_counts().unwrap(), (1, 1));

        // Marking it again keeps the first time.
        assert!(store.mark_callback_done(first).unwrap());
        assert_eq!(store.callbacks(CallbackList::Done, 10).unwrap()[0].done_at, Some(at));

        assert!(store.reopen_callback(first).unwrap());
        assert_eq!(
            ids(&store.callbacks(CallbackList::Open, 10).unwrap()),
            vec![second, first]
        );
        assert!(store.callbacks(CallbackList::Done, 10).unwrap().is_empty());
        assert_eq!(store.callback_counts().unwrap(), (2, 0));
    }

    #[test]
    fn limit_cuts_the_list() {
        let (_dir, store) = store();
        for _ in 0..3 {
            message(&store, None);
        }
        assert_eq!(store.callbacks(CallbackList::Open, 2).unwrap().len(), 2);
    }

    #[test]
    fn callback_number_wins_over_caller_id() {
        let (_dir, store) = store();
        let id = message(&store, None);
        let row = &store.callbacks(CallbackList::Open, 1).unwrap()[0];
        assert_eq!(row.number_to_call(), Some("+441234567890"));
        let intake = IntakeRow {
            callback_number: Some("07700 900123".into()),
            message_taken: true,
            ..IntakeRow::default()
        };
        store.save_intake(id, &intake).unwrap();
        let row = &store.callbacks(CallbackList::Open, 1).unwrap()[0];
        assert_eq!(row.number_to_call(), Some("07700 900123"));
        let blank = CallbackRow {
            callback_number: Some(" ".into()),
            caller_number: None,
            ..row.clone()
        };
        assert_eq!(blank.number_to_call(), None);
    }
}
