//! Retention on a real SQLite store and real files: recordings and
//! transcripts go when the profile's `[recording]` limits say, and only then.

use standardiste::profile::BusinessProfile;
use standardiste::retention::{sweep, Swept};
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
    assert_eq!(swept, Swept { recordings: 1, transcripts: 0 });
    assert!(!recording.exists(), "the recording is deleted after 30 days");
    assert_eq!(store.turns(id).unwrap().len(), 2, "the transcript stays for 90 days");

    let swept = sweep(&mut store, &profile, now + Duration::days(91)).unwrap();
    assert_eq!(swept, Swept { recordings: 0, transcripts: 1 });
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
    assert_eq!(swept, Swept { recordings: 1, transcripts: 1 });
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
