//! Queuing recaps and alerts in the outbox table of the call database, in
//! the same transaction, so that a call's deliveries are stored all or none.

use standardiste_outbox::NewDelivery;

use super::{Store, StoreError};

impl Store {
    /// Queues `items` and returns how many were new. An item whose
    /// idempotency key is already queued is skipped, so queuing the same recap
    /// again after a restart sends it once.
    pub fn queue_deliveries(&mut self, items: &[NewDelivery]) -> Result<usize, StoreError> {
        let tx = self.conn.transaction()?;
        let mut added = 0;
        for item in items {
            if standardiste_outbox::enqueue(&tx, item)? {
                added += 1;
            }
        }
        tx.commit()?;
        Ok(added)
    }
}
