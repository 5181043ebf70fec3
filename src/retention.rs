//! Retention: the box deletes call audio and transcripts once the business
//! profile says they may go (`[recording]`). It runs after every call, so
//! that "0 days" means at the end of the call, and every hour.

use std::time::Duration;

use time::OffsetDateTime;

use crate::call::Engines;
use crate::profile::BusinessProfile;
use crate::store::{Store, StoreError};

/// Time between two sweeps while the daemon runs.
const SWEEP_INTERVAL: Duration = Duration::from_secs(3600);

/// Counts of the data one sweep deleted.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Swept {
    pub recordings: usize,
    pub transcripts: usize,
}

/// Deletes what `profile` no longer keeps at `now`. A recording file that is
/// already gone counts as deleted; one that cannot be removed is left for
/// the next sweep and logged.
pub fn sweep(store: &mut Store, profile: &BusinessProfile, now: OffsetDateTime) -> Result<Swept, StoreError> {
    let recording = &profile.recording;
    let mut swept = Swept::default();
    let audio_days = if recording.enabled { recording.audio_retention_days } else { 0 };
    for (call_id, path) in store.recordings_ended_by(&cutoff(now, audio_days))? {
        match std::fs::remove_file(&path) {
            Ok(()) => {}
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {}
            Err(error) => {
                tracing::warn!(call_id, path = %path.display(), %error, "cannot delete a recording past its retention");
                continue;
            }
        }
        store.mark_audio_deleted(call_id)?;
        swept.recordings += 1;
    }
    let transcript_days = if recording.keep_transcripts { recording.transcript_retention_days } else { 0 };
    swept.transcripts = store.delete_transcripts_ended_by(&cutoff(now, transcript_days))?;
    if swept != Swept::default() {
        tracing::info!(recordings = swept.recordings, transcripts = swept.transcripts, "retention deleted old call data");
    }
    Ok(swept)
}

/// Returns the end time at or before which data kept `days` days is due.
fn cutoff(now: OffsetDateTime, days: u32) -> String {
    let at = now - time::Duration::days(i64::from(days));
    let format = time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]Z");
    at.to_offset(time::UtcOffset::UTC).format(&format).unwrap_or_default()
}

/// Runs one sweep with the current profile, on the blocking pool.
pub async fn sweep_now(engines: &Engines) {
    let profile = engines.current_profile().await;
    let store = engines.store.clone();
    let result = tokio::task::spawn_blocking(move || {
        let mut store = store.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        sweep(&mut store, &profile, OffsetDateTime::now_utc())
    })
    .await;
    match result {
        Ok(Ok(_)) => {}
        Ok(Err(error)) => tracing::error!(%error, "retention sweep failed"),
        Err(error) => tracing::error!(%error, "retention sweep task failed"),
    }
}

/// Sweeps at start and every hour until `stopping` turns true.
pub async fn keep_tidy(engines: Engines, mut stopping: tokio::sync::watch::Receiver<bool>) {
    loop {
        sweep_now(&engines).await;
        tokio::select! {
            _ = tokio::time::sleep(SWEEP_INTERVAL) => {}
            _ = stopping.changed() => return,
        }
    }
}
