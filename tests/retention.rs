//! Retention on a real SQLite store and real files: recordings and
//! transcripts go when the profile's `[recording]` limits say, and only then.

use standardiste::profile::BusinessProfile;
use standardiste::retention::{free_space, keep_reserve, sweep, Swept};
use standardiste::store::disk::{DiskSpace, LOW_FREE_BYTES, RESERVE_BYTES, RESERVE_FILE, TARGET_FREE_BYTES};
use standardiste::store::{CallOutcome, NewTurn, Speaker, Store};
use time::{Duration, OffsetDateTime};

fn profile(recording: &str) -> BusinessProfile {
    BusinessProfile::parse(&format!("name = \"Harbor Dental\"\ngreeting = \"Hello\"\n[recording]\n{recording}\n"))
        .unwrap_or_else(|e| panic!("{e}"))
}

/// A finished call with a recording file and two turns; returns its id and recording path.
fn finished_call(store: &mut Store, dir: &std::path::Path, name: &str) -> (i64, std::path::PathBuf) {
    let path = dir.join(format!("{name}.wav"));
    std::fs::write(&path, b"RIFF").unwrap();
    let id = store.start_call("sim0", Some("+447700900301"), None).unwrap();
    store.set_recording_path(id, &path.display().to_string()).unwrap();
    for (speaker, text) in [(Speaker::Assistant, "Hello"), (Speaker::Caller, "I'd like a check-up")] {
        let turn = NewTurn { speaker: Some(speaker), text: text.to_string(), ..NewTurn::default() };
        store.add_turn(id, &turn).unwrap();
    }
    store.finish_call(id, CallOutcome::Completed, 10_000).unwrap();
    (id, path)
}

#[test]
fn recordings_and_transcripts_go_after_their_days() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("calls.db")).unwrap();
    let (id, recording) = finished_call(&mut store, dir.path(), "call");
    let profile = profile("enabled = true\naudio_retention_days = 30\nkeep_transcripts = true\ntranscript_retention_days = 90");

    let now = OffsetDateTime::now_utc();
    assert_eq!(sweep(&mut store, &profile, now + Duration::days(29)).unwrap(), Swept::default());
    assert!(recording.is_file(), "a recording younger than 30 days is kept");

    let swept = sweep(&mut store, &profile, now + Duration::days(31)).unwrap();
    assert_eq!(swept, Swept { recordings: 1, transcripts: 0, recordings_for_space: 0 });
    assert!(!recording.exists(), "the recording is deleted after 30 days");
    assert_eq!(store.turns(id).unwrap().len(), 2, "the transcript stays for 90 days");

    let swept = sweep(&mut store, &profile, now + Duration::days(91)).unwrap();
    assert_eq!(swept, Swept { recordings: 0, transcripts: 1, recordings_for_space: 0 });
    assert!(store.turns(id).unwrap().is_empty(), "the transcript is deleted after 90 days");
    assert_eq!(store.call(id).unwrap().outcome, "completed", "the call itself stays");

    assert_eq!(sweep(&mut store, &profile, now + Duration::days(400)).unwrap(), Swept::default(), "nothing is deleted twice");
}

#[test]
fn retention_zero_days_deletes_at_call_end() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("calls.db")).unwrap();
    let now = OffsetDateTime::now_utc() + Duration::seconds(5);

    let (id, recording) = finished_call(&mut store, dir.path(), "zero");
    let swept = sweep(&mut store, &profile("audio_retention_days = 0\nkeep_transcripts = false"), now).unwrap();
    assert_eq!(swept, Swept { recordings: 1, transcripts: 1, recordings_for_space: 0 });
    assert!(!recording.exists());
    assert!(store.turns(id).unwrap().is_empty(), "keep_transcripts = false drops the transcript");

    let (_, recording) = finished_call(&mut store, dir.path(), "off");
    let swept = sweep(&mut store, &profile("enabled = false\naudio_retention_days = 30"), now).unwrap();
    assert_eq!(swept.recordings, 1, "with recording off no audio is kept");
    assert!(!recording.exists());
}

#[test]
fn retention_skips_live_call_and_missing_file() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("calls.db")).unwrap();
    let path = dir.path().join("live.wav");
    std::fs::write(&path, b"RIFF").unwrap();
    let live = store.start_call("sim0", None, None).unwrap();
    store.set_recording_path(live, &path.display().to_string()).unwrap();
    let (_, gone) = finished_call(&mut store, dir.path(), "gone");
    std::fs::remove_file(&gone).unwrap();

    let later = OffsetDateTime::now_utc() + Duration::days(365);
    let swept = sweep(&mut store, &profile("enabled = true\naudio_retention_days = 1\ntranscript_retention_days = 1"), later).unwrap();
    assert_eq!(swept.recordings, 1, "a recording already gone counts as deleted");
    assert!(path.is_file(), "the recording of a call in progress is never deleted");
}

/// Returns a fake disk that gains `freed_per_file` bytes for each of `files` that was deleted.
fn disk_freeing(files: Vec<std::path::PathBuf>, start: u64, freed_per_file: u64) -> impl FnMut() -> std::io::Result<DiskSpace> {
    move || {
        let gone = files.iter().filter(|file| !file.exists()).count() as u64;
        Ok(DiskSpace { total: 32_000_000_000, available: start + gone * freed_per_file })
    }
}

#[test]
fn full_disk_drops_oldest_recordings_first() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("calls.db")).unwrap();
    let calls: Vec<_> = (0..5).map(|n| finished_call(&mut store, dir.path(), &format!("call{n}"))).collect();
    let files: Vec<_> = calls.iter().map(|(_, path)| path.clone()).collect();
    // Three deletions bring the disk from just under the low mark to the target.
    let step = (TARGET_FREE_BYTES - LOW_FREE_BYTES) / 3 + 1;
    let mut disk = disk_freeing(files, LOW_FREE_BYTES - 1, step);
    let reserve = dir.path().join(RESERVE_FILE);

    assert_eq!(free_space(&mut store, &reserve, &mut disk).unwrap(), 3);
    for (id, path) in &calls[..3] {
        assert!(!path.exists(), "call {id}'s recording is among the oldest and goes");
        assert!(store.retention_marks(*id).unwrap().0.is_some(), "call {id} is marked as having lost its audio");
        assert_eq!(store.turns(*id).unwrap().len(), 2, "call {id} keeps its transcript");
    }
    for (id, path) in &calls[3..] {
        assert!(path.is_file(), "call {id}'s recording is kept once the target is reached");
        assert!(store.retention_marks(*id).unwrap().0.is_none());
    }
    assert_eq!(free_space(&mut store, &reserve, &mut disk).unwrap(), 0, "nothing more goes once space is back");
}

#[test]
fn free_space_leaves_roomy_disk_and_live_call() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("calls.db")).unwrap();
    let (id, path) = finished_call(&mut store, dir.path(), "old");
    let mut roomy = disk_freeing(vec![path.clone()], LOW_FREE_BYTES, 1);
    let reserve = dir.path().join(RESERVE_FILE);
    assert_eq!(free_space(&mut store, &reserve, &mut roomy).unwrap(), 0);
    assert!(path.is_file(), "a disk at the low mark keeps every recording");
    assert!(!reserve.exists(), "freeing space never writes the reserve");
    keep_reserve(&reserve, &mut roomy);
    assert_eq!(std::fs::metadata(&reserve).unwrap().len(), RESERVE_BYTES, "a roomy disk sets the reserve aside");

    let live_path = dir.path().join("live.wav");
    std::fs::write(&live_path, b"RIFF").unwrap();
    let live = store.start_call("sim0", None, None).unwrap();
    store.set_recording_path(live, &live_path.display().to_string()).unwrap();
    // A disk that never frees up: every finished call's recording goes, the live one stays.
    let mut full = disk_freeing(Vec::new(), 1_000, 0);
    assert_eq!(free_space(&mut store, &reserve, &mut full).unwrap(), 1);
    assert!(!path.exists());
    assert!(!reserve.exists(), "a full disk gets the reserve back");
    keep_reserve(&reserve, &mut full);
    assert!(!reserve.exists(), "a full disk gets no new reserve");
    assert!(store.retention_marks(id).unwrap().0.is_some());
    assert!(live_path.is_file(), "the recording of a call in progress is never deleted");

    let mut unreadable = || -> std::io::Result<DiskSpace> { Err(std::io::Error::other("statvfs failed")) };
    assert_eq!(free_space(&mut store, &reserve, &mut unreadable).unwrap(), 0);
}
