//! Queuing recaps and alerts in the outbox table of the call database, in
//! the same transaction, so that a call's deliveries are stored all or none.

use standardiste_outbox::NewDelivery;

use super::{Store, StoreError};

impl Store {
    /// Queues `items` and returns how many were new. An item whose
    /// idempotency key is already queued is skipped, so queuing the same recap
    /// again after a restart sends it once.
    pub fn queue_deliveries(&mut self, items: &[NewDelivery]) -> Result<usize, StoreError> {
        self.queue_in_transaction(items, None)
    }

    /// Queues the recap `items` of call `call_id` and clears the call's
    /// pending-recap mark in the same transaction. Returns how many were new.
    pub fn queue_recap(&mut self, call_id: i64, items: &[NewDelivery]) -> Result<usize, StoreError> {
        self.queue_in_transaction(items, Some(call_id))
    }

    /// Lists the ended calls whose recap was never queued, oldest first: a
    /// power cut during the call, or between its end and its recap, leaves them.
    pub fn calls_awaiting_recap(&self) -> Result<Vec<i64>, StoreError> {
        let mut statement = self
            .conn
            .prepare("SELECT id FROM calls WHERE recap_pending = 1 AND ended_at IS NOT NULL ORDER BY id")?;
        let ids = statement.query_map([], |row| row.get(0))?;
        Ok(ids.collect::<Result<_, _>>()?)
    }

    fn queue_in_transaction(&mut self, items: &[NewDelivery], recap_of: Option<i64>) -> Result<usize, StoreError> {
        let tx = self.conn.transaction()?;
        let mut added = 0;
        for item in items {
            if standardiste_outbox::enqueue(&tx, item)? {
                added += 1;
            }
        }
        if let Some(call_id) = recap_of {
            if tx.execute("UPDATE calls SET recap_pending = 0 WHERE id = ?1", [call_id])? == 0 {
                return Err(StoreError::CallNotFound(call_id));
            }
        }
        tx.commit()?;
        Ok(added)
    }
}

#[cfg(test)]
mod tests {
    use crate::{CallOutcome, Store};

    #[test]
    fn recap_mark_clears_with_the_queue() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("calls.db")).unwrap();
        let finished = store.start_call("gsm0", None, None).unwrap();
        let open = store.start_call("gsm0", None, None).unwrap();
        store.finish_call(finished, CallOutcome::CallerHungUp, 1_000).unwrap();
        assert_eq!(store.calls_awaiting_recap().unwrap(), vec![finished]);

        store.queue_recap(finished, &[]).unwrap();
        assert!(store.calls_awaiting_recap().unwrap().is_empty());
        store.finish_call(open, CallOutcome::Completed, 2_000).unwrap();
        assert_eq!(store.calls_awaiting_recap().unwrap(), vec![open]);
        assert!(store.queue_recap(999, &[]).is_err(), "an unknown call is an error");
    }
}
