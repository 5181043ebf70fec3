//! Retention: the box deletes call audio and transcripts once the business
//! profile says they may go (`[recording]`). It runs after every call, so
//! that "0 days" means at the end of the call, and every hour.
//!
//! When the disk is nearly full, the same sweep also deletes the oldest
//! recordings, before their time, so that the box goes on answering and
//! transcribing: a lost recording is better than a lost call.

use std::path::Path;
use std::time::Duration;

use time::OffsetDateTime;

use crate::call::Engines;
use crate::profile::BusinessProfile;
use crate::store::disk::{self, DiskSpace, LOW_FREE_BYTES, RESERVE_BYTES, TARGET_FREE_BYTES};
use crate::store::{Store, StoreError};

/// Time between two sweeps while the daemon runs.
const SWEEP_INTERVAL: Duration = Duration::from_secs(3600);

/// Counts of the data one sweep deleted.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Swept {
    pub recordings: usize,
    pub transcripts: usize,
    /// Recordings deleted before their retention ended, to free disk space.
    pub recordings_for_space: usize,
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

/// Deletes the recordings of the oldest finished calls while `space` reports
/// less than [`LOW_FREE_BYTES`] free, until it reports [`TARGET_FREE_BYTES`]
/// or no recording is left. Transcripts and the database are kept: they are
/// small, and the box needs them to go on working. Once less than
/// [`RESERVE_BYTES`] is left, it also deletes the reserve file at `reserve`,
/// so that the next calls can still be stored.
pub fn free_space(
    store: &mut Store,
    reserve: &Path,
    space: &mut dyn FnMut() -> std::io::Result<DiskSpace>,
) -> Result<usize, StoreError> {
    let before = match space() {
        Ok(before) => before,
        Err(error) => {
            tracing::warn!(%error, "cannot read the free disk space");
            return Ok(0);
        }
    };
    if before.available >= LOW_FREE_BYTES {
        return Ok(0);
    }
    let mut deleted = Vec::new();
    let mut available = before.available;
    for (call_id, path) in store.recordings_ended_by(&cutoff(OffsetDateTime::now_utc(), 0))? {
        if available >= TARGET_FREE_BYTES {
            break;
        }
        match std::fs::remove_file(&path) {
            Ok(()) => {}
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {}
            Err(error) => {
                tracing::warn!(call_id, path = %path.display(), %error, "cannot delete a recording to free disk space");
                continue;
            }
        }
        store.mark_audio_deleted(call_id)?;
        deleted.push(call_id);
        available = space().map_or(available, |now| now.available);
    }
    if available < RESERVE_BYTES {
        match disk::release_reserve(reserve) {
            Ok(true) => {
                tracing::error!(
                    free_mb = available / 1_000_000,
                    reserve_mb = RESERVE_BYTES / 1_000_000,
                    "disk full: released the disk space reserve so that calls are still stored; free space on the box"
                );
                available = space().map_or(available, |now| now.available);
            }
            Ok(false) => {}
            Err(error) => tracing::error!(path = %reserve.display(), %error, "cannot delete the disk space reserve; free space on the box"),
        }
    }
    match (deleted.first(), deleted.last()) {
        (Some(first), Some(last)) => tracing::warn!(
            recordings = deleted.len(),
            first_call = first,
            last_call = last,
            free_before_mb = before.available / 1_000_000,
            free_after_mb = available / 1_000_000,
            "disk nearly full: deleted the oldest recordings to keep answering calls"
        ),
        _ => tracing::error!(
            free_mb = available / 1_000_000,
            "disk nearly full and no recording left to delete; calls are answered but may go unrecorded"
        ),
    }
    Ok(deleted.len())
}

/// Writes the reserve file at `reserve` when it is missing and `space`
/// reports at least [`LOW_FREE_BYTES`] free. It runs with the sweeps, not at
/// each call, because writing 16 MiB would delay the call's start.
pub fn keep_reserve(reserve: &Path, space: &mut dyn FnMut() -> std::io::Result<DiskSpace>) {
    if !space().is_ok_and(|space| space.available >= LOW_FREE_BYTES) {
        return;
    }
    match disk::keep_reserve(reserve) {
        Ok(true) => tracing::info!(path = %reserve.display(), bytes = RESERVE_BYTES, "set disk space aside for a full disk"),
        Ok(false) => {}
        Err(error) => tracing::warn!(path = %reserve.display(), %error, "cannot write the disk space reserve; check that the data folder is writable"),
    }
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
    let data_dir = engines.config.data_dir.clone();
    let result = tokio::task::spawn_blocking(move || {
        let mut store = store.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let mut swept = sweep(&mut store, &profile, OffsetDateTime::now_utc())?;
        let reserve = data_dir.join(disk::RESERVE_FILE);
        swept.recordings_for_space = free_space(&mut store, &reserve, &mut || disk::disk_space(&data_dir))?;
        keep_reserve(&reserve, &mut || disk::disk_space(&data_dir));
        Ok::<_, StoreError>(swept)
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
