//! The worker that sends due items through their channel's transport and
//! records each outcome.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rusqlite::Connection;
use tokio::sync::{watch, Notify};

use crate::delivery::{Channel, Delivery};
use crate::error::OutboxError;
use crate::queue::{self, duration_ms, now_ms};
use crate::redact::mask_recipient;
use crate::retry::RetryPolicy;
use crate::schema::configure_connection;
use crate::transport::{DeliveryError, Transport, Transports};

/// Maximum number of items of one channel attempted in one pass. [`Outbox::run`]
/// starts the next pass at once while items are still due.
const BATCH: usize = 100;

/// Maximum sleep of [`Outbox::run`] between passes, so that items enqueued
/// without [`Outbox::wake`] are still found.
const MAX_IDLE: Duration = Duration::from_secs(60);

/// Pause of [`Outbox::run`] after a database error before the next pass.
const ERROR_PAUSE: Duration = Duration::from_secs(10);

/// Outcome of one pass, by item id.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RunReport {
    pub sent: Vec<i64>,
    /// Items whose attempt failed and that wait for a later attempt.
    pub retried: Vec<i64>,
    /// Items marked failed: rejected for good, or out of attempts.
    pub failed: Vec<i64>,
    /// Pending items of channels that have no transport configured.
    pub waiting_for_transport: u64,
}

impl RunReport {
    fn merge(&mut self, other: RunReport) {
        self.sent.extend(other.sent);
        self.retried.extend(other.retried);
        self.failed.extend(other.failed);
        self.waiting_for_transport += other.waiting_for_transport;
    }
}

/// Sends the items of the `outbox` table and retries them with backoff.
///
/// Run one `Outbox` per database file. On start it takes every item left in
/// `sending` as interrupted and sends it again, which would duplicate the
/// sends of a second live `Outbox` on the same file.
pub struct Outbox {
    db: Arc<Mutex<Connection>>,
    transports: Transports,
    policy: RetryPolicy,
    wake: Notify,
    /// Per channel, in [`Channel::ALL`] order: whether the "no transport"
    /// warning was logged already.
    warned_no_transport: [AtomicBool; 3],
}

impl Outbox {
    /// Opens the outbox in the SQLite database at `db_path`, whose `outbox`
    /// table must exist (see [`MIGRATIONS`](crate::MIGRATIONS)), and moves
    /// items interrupted in `sending` back to pending.
    pub async fn new(
        db_path: impl Into<PathBuf>,
        transports: Transports,
        policy: RetryPolicy,
    ) -> Result<Outbox, OutboxError> {
        let path = db_path.into();
        let conn = tokio::task::spawn_blocking(move || open(&path))
            .await
            .map_err(|err| OutboxError::Task(err.to_string()))??;
        Ok(Outbox {
            db: Arc::new(Mutex::new(conn)),
            transports,
            policy,
            wake: Notify::new(),
            warned_no_transport: Default::default(),
        })
    }

    /// Starts a pass now instead of at the next timer: call it after
    /// enqueuing. A wake that arrives during a pass starts another one
    /// right after.
    pub fn wake(&self) {
        self.wake.notify_one();
    }

    /// Runs passes until `shutdown` becomes true or its sender is dropped.
    /// Between passes it sleeps until the next item is due, at most one minute,
    /// or until [`wake`](Self::wake). On shutdown the attempt in progress on
    /// each channel finishes (each transport bounds it by its timeout) and no
    /// new attempt starts.
    pub async fn run(&self, mut shutdown: watch::Receiver<bool>) {
        tracing::info!("outbox started");
        loop {
            if *shutdown.borrow() {
                break;
            }
            let pause = match self.pass(Some(&shutdown)).await {
                Ok(report) => {
                    log_report(&report);
                    match self.time_until_next_due().await {
                        Ok(pause) => pause,
                        Err(err) => {
                            tracing::error!(error = %err, pause = ?ERROR_PAUSE, "outbox cannot read its next due time; trying again after the pause");
                            ERROR_PAUSE
                        }
                    }
                }
                Err(err) => {
                    tracing::error!(error = %err, pause = ?ERROR_PAUSE, "outbox pass failed; trying again after the pause");
                    ERROR_PAUSE
                }
            };
            tokio::select! {
                _ = tokio::time::sleep(pause.min(MAX_IDLE)) => {}
                _ = self.wake.notified() => {}
                changed = shutdown.changed() => {
                    if changed.is_err() {
                        break;
                    }
                }
            }
        }
        tracing::info!("outbox stopped");
    }

    /// Runs one pass: attempts every due item of each channel that has a
    /// transport, channels concurrently, items of a channel one at a time.
    pub async fn run_due(&self) -> Result<RunReport, OutboxError> {
        self.pass(None).await
    }

    async fn pass(
        &self,
        shutdown: Option<&watch::Receiver<bool>>,
    ) -> Result<RunReport, OutboxError> {
        let (sms, email, webhook) = tokio::join!(
            self.serve_channel(Channel::Sms, shutdown),
            self.serve_channel(Channel::Email, shutdown),
            self.serve_channel(Channel::Webhook, shutdown),
        );
        let mut report = RunReport::default();
        for channel_report in [sms, email, webhook] {
            report.merge(channel_report?);
        }
        Ok(report)
    }

    async fn serve_channel(
        &self,
        channel: Channel,
        shutdown: Option<&watch::Receiver<bool>>,
    ) -> Result<RunReport, OutboxError> {
        let mut report = RunReport::default();
        let Some(transport) = self.transports.get(channel) else {
            report.waiting_for_transport = self.count_unserved(channel).await?;
            return Ok(report);
        };

        let horizon = self.horizon_ms();
        let ids = self
            .with_db(move |conn| queue::due_ids(conn, channel, now_ms(), horizon, BATCH))
            .await?;
        for id in ids {
            if shutdown.is_some_and(|receiver| *receiver.borrow()) {
                break;
            }
            let claimed = self.with_db(move |conn| queue::claim(conn, id)).await;
            let item = match claimed {
                Ok(Some(item)) => item,
                Ok(None) => continue,
                Err(OutboxError::CorruptRow { id, problem }) => {
                    tracing::error!(id, %problem, "outbox item is corrupt; marking it failed");
                    let message = format!("corrupt row: {problem}");
                    self.with_db(move |conn| queue::mark_failed(conn, id, &message))
                        .await?;
                    report.failed.push(id);
                    continue;
                }
                Err(err) => return Err(err),
            };
            let outcome = deliver(Arc::clone(transport), &item).await;
            self.record(&item, outcome, &mut report).await?;
        }
        Ok(report)
    }

    /// Stores the outcome of an attempt on `item` and logs it.
    async fn record(
        &self,
        item: &Delivery,
        outcome: Result<(), DeliveryError>,
        report: &mut RunReport,
    ) -> Result<(), OutboxError> {
        let id = item.id;
        let channel = item.channel;
        let recipient = mask_recipient(channel, &item.recipient);
        let attempts = item.attempts;
        match outcome {
            Ok(()) => {
                self.with_db(move |conn| queue::mark_sent(conn, id)).await?;
                tracing::info!(id, %channel, %recipient, attempts, "outbox item delivered");
                report.sent.push(id);
            }
            Err(err) if err.permanent => {
                let message = err.message;
                tracing::warn!(id, %channel, %recipient, attempts, error = %message, "outbox item rejected permanently; marked failed");
                self.with_db(move |conn| queue::mark_failed(conn, id, &message))
                    .await?;
                report.failed.push(id);
            }
            Err(err) if self.policy.is_exhausted(attempts) => {
                let message = format!("gave up after {attempts} attempts: {}", err.message);
                tracing::warn!(id, %channel, %recipient, attempts, error = %err.message, "outbox item out of attempts; marked failed");
                self.with_db(move |conn| queue::mark_failed(conn, id, &message))
                    .await?;
                report.failed.push(id);
            }
            Err(err) => {
                let delay = self.policy.next_delay(attempts);
                tracing::info!(id, %channel, %recipient, attempts, retry_in = ?delay, error = %err.message, "outbox item not delivered; will retry");
                let message = err.message;
                self.with_db(move |conn| queue::mark_retry(conn, id, delay, &message))
                    .await?;
                report.retried.push(id);
            }
        }
        Ok(())
    }

    /// Counts the pending items of a channel without transport, and warns
    /// about them once per `Outbox`.
    async fn count_unserved(&self, channel: Channel) -> Result<u64, OutboxError> {
        let pending = self
            .with_db(move |conn| queue::count_pending(conn, channel))
            .await?;
        let warned = &self.warned_no_transport[channel_index(channel)];
        if pending > 0 && !warned.swap(true, Ordering::Relaxed) {
            tracing::warn!(%channel, pending, "outbox has items for a channel with no transport configured; they stay pending until one is");
        }
        Ok(pending)
    }

    /// Returns how long until the earliest pending item of a served channel
    /// is due, or [`MAX_IDLE`] when none is pending.
    async fn time_until_next_due(&self) -> Result<Duration, OutboxError> {
        let channels: Vec<Channel> = Channel::ALL
            .into_iter()
            .filter(|channel| self.transports.get(*channel).is_some())
            .collect();
        let horizon = self.horizon_ms();
        self.with_db(move |conn| {
            let now = now_ms();
            let mut pause = MAX_IDLE;
            for channel in channels {
                let Some(next) = queue::next_attempt_at(conn, channel)? else {
                    continue;
                };
                let wait_ms = next.saturating_sub(now);
                // Beyond the horizon means the clock went back, and the item is due.
                let wait_ms = if wait_ms > horizon { 0 } else { wait_ms.max(0) };
                pause = pause.min(Duration::from_millis(u64::try_from(wait_ms).unwrap_or(0)));
            }
            Ok(pause)
        })
        .await
    }

    /// Returns how far ahead a retry can be scheduled, plus a minute of slack.
    fn horizon_ms(&self) -> i64 {
        duration_ms(self.policy.max).saturating_add(60_000)
    }

    /// Runs `work` on the connection in a blocking thread.
    async fn with_db<T, F>(&self, work: F) -> Result<T, OutboxError>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> Result<T, OutboxError> + Send + 'static,
    {
        let db = Arc::clone(&self.db);
        tokio::task::spawn_blocking(move || {
            // A panic while the lock was held cannot leave SQLite half-written,
            // because each statement is atomic, so a poisoned lock is still usable.
            let conn = db.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
            work(&conn)
        })
        .await
        .map_err(|err| OutboxError::Task(err.to_string()))?
    }
}

/// Opens and configures the connection, checks the table, and recovers
/// interrupted items.
fn open(path: &Path) -> Result<Connection, OutboxError> {
    let open_error = |source| OutboxError::Open {
        path: path.to_owned(),
        source,
    };
    let conn = Connection::open(path).map_err(open_error)?;
    configure_connection(&conn).map_err(open_error)?;
    let tables: i64 = conn.query_row(
        "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'outbox'",
        [],
        |row| row.get(0),
    )?;
    if tables == 0 {
        return Err(OutboxError::MissingTable {
            path: path.to_owned(),
        });
    }
    let recovered = queue::recover_interrupted(&conn)?;
    if recovered > 0 {
        tracing::warn!(
            items = recovered,
            "outbox found items interrupted while sending; sending them again with the same idempotency keys"
        );
    }
    Ok(conn)
}

/// Calls the transport in its own task, so that a panic in it fails this
/// attempt instead of the outbox.
async fn deliver(transport: Arc<dyn Transport>, item: &Delivery) -> Result<(), DeliveryError> {
    let item = item.clone();
    let task = tokio::spawn(async move { transport.deliver(&item).await });
    match task.await {
        Ok(outcome) => outcome,
        Err(err) => Err(DeliveryError::transient(format!(
            "transport task failed: {err}"
        ))),
    }
}

fn channel_index(channel: Channel) -> usize {
    match channel {
        Channel::Sms => 0,
        Channel::Email => 1,
        Channel::Webhook => 2,
    }
}

fn log_report(report: &RunReport) {
    if report.sent.is_empty() && report.retried.is_empty() && report.failed.is_empty() {
        return;
    }
    tracing::debug!(
        sent = report.sent.len(),
        retried = report.retried.len(),
        failed = report.failed.len(),
        waiting_for_transport = report.waiting_for_transport,
        "outbox pass finished"
    );
}
