//! The recap and alert deliveries a call queued in the outbox, for the
//! console's call page. They are found by their idempotency keys, which
//! start with `call-{id}-`.

use super::{Store, StoreError};

/// One queued delivery and how far it got.
#[derive(Debug, Clone)]
pub struct CallDelivery {
    /// `sms`, `email` or `webhook`.
    pub channel: String,
    pub recipient: String,
    pub subject: String,
    pub body: String,
    /// `pending`, `sending`, `sent` or `failed`.
    pub state: String,
    pub attempts: i64,
    pub last_error: Option<String>,
    /// Whether this is an urgent alert rather than the recap.
    pub alert: bool,
}

impl Store {
    /// Lists the deliveries call `call_id` queued, in the order they were queued.
    pub fn call_deliveries(&self, call_id: i64) -> Result<Vec<CallDelivery>, StoreError> {
        let prefix = format!("call-{call_id}-");
        let mut statement = self.conn.prepare(
            "SELECT channel, recipient, subject, body, state, attempts, last_error, idempotency_key
             FROM outbox WHERE substr(idempotency_key, 1, length(?1)) = ?1 ORDER BY id",
        )?;
        let rows = statement.query_map([&prefix], |row| {
            let key: String = row.get(7)?;
            Ok(CallDelivery {
                channel: row.get(0)?,
                recipient: row.get(1)?,
                subject: row.get(2)?,
                body: row.get(3)?,
                state: row.get(4)?,
                attempts: row.get(5)?,
                last_error: row.get(6)?,
                alert: key.get(prefix.len()..).is_some_and(|rest| rest.starts_with("alert-")),
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use standardiste_outbox::{Channel, NewDelivery};

    fn delivery(key: &str) -> NewDelivery {
        NewDelivery {
            channel: Channel::Sms,
            recipient: "+447700900123".into(),
            subject: String::new(),
            body: "Recap".into(),
            idempotency_key: key.into(),
        }
    }

    #[test]
    fn deliveries_belong_to_their_call_only() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("calls.db")).unwrap();
        store
            .queue_deliveries(&[delivery("call-1-recap-sms-a"), delivery("call-1-alert-sms-b"), delivery("call-10-recap-sms-a")])
            .unwrap();
        let first = store.call_deliveries(1).unwrap();
        assert_eq!(first.len(), 2);
        assert!(!first[0].alert);
        assert!(first[1].alert);
        assert_eq!(first[0].state, "pending");
        assert_eq!(store.call_deliveries(10).unwrap().len(), 1);
        assert!(store.call_deliveries(2).unwrap().is_empty());
    }
}
