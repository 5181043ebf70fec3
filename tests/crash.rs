//! A call cut by SIGKILL: everything said before the kill is in the database,
//! the recording is a valid WAV up to the kill, and the next start closes the
//! call as interrupted.

mod common;

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{asterisk, fixture, models_dir, stt_worker, workspace};
use standardiste::store::Store;

fn caller_turns(database: &std::path::Path) -> i64 {
    let Ok(conn) = rusqlite::Connection::open_with_flags(database, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY) else {
        return 0;
    };
    conn.query_row("SELECT COUNT(*) FROM turns WHERE speaker = 'caller'", [], |row| row.get(0))
        .unwrap_or(0)
}

#[test]
fn killed_mid_call_keeps_what_was_said() {
    let dir = tempfile::tempdir().unwrap();
    let settings = dir.path().join("standardiste.toml");
    std::fs::write(
        &settings,
        format!(
            "models_dir = {:?}\ndata_dir = {:?}\nprofile = {:?}\n[stt]\nworker = {:?}\n",
            models_dir(),
            dir.path().join("data"),
            workspace().join("config/profile.toml"),
            stt_worker()
        ),
    )
    .unwrap();
    let question = fixture("caller-saturday-hours.wav");
    let goodbye = asterisk("en_US_f_Allison", "vm-goodbye");
    let mut child = Command::new(env!("CARGO_BIN_EXE_standardiste"))
        .arg("--config")
        .arg(&settings)
        .arg("call")
        .arg("--caller")
        .arg(&question)
        .arg("--caller")
        .arg(&goodbye)
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();

    let database = dir.path().join("data/calls.db");
    let started = Instant::now();
    while caller_turns(&database) == 0 {
        assert!(started.elapsed() < Duration::from_secs(120), "no caller turn was stored within 2 minutes");
        if let Some(status) = child.try_wait().unwrap() {
            panic!("the call ended ({status}) before the kill");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    // Let the box start its reply, then pull the plug.
    std::thread::sleep(Duration::from_millis(1_500));
    child.kill().unwrap();
    child.wait().unwrap();

    // The STT worker must not outlive the daemon, even one killed with SIGKILL.
    let socket_dir = dir.path().join("data").display().to_string();
    let worker_alive = || {
        std::fs::read_dir("/proc").unwrap().flatten().any(|entry| {
            std::fs::read(entry.path().join("cmdline"))
                .map(|cmdline| String::from_utf8_lossy(&cmdline).contains(&socket_dir))
                .unwrap_or(false)
        })
    };
    let killed = Instant::now();
    while worker_alive() {
        assert!(killed.elapsed() < Duration::from_secs(5), "the STT worker outlived the killed daemon");
        std::thread::sleep(Duration::from_millis(50));
    }

    let store = Store::open(&database).unwrap();
    let calls = store.list_calls(10).unwrap();
    assert_eq!(calls.len(), 1);
    let call = &calls[0];
    assert_eq!(call.outcome, "interrupted");
    assert!(call.ended_at.is_some());
    let turns = store.turns(call.id).unwrap();
    assert!(turns[0].text.starts_with("Hello"), "the greeting was lost: {turns:?}");
    let caller = turns.iter().find(|t| t.speaker == "caller").expect("the caller turn survived");
    assert!(caller.text.to_lowercase().contains("saturday"), "{}", caller.text);

    let recording = call.recording_path.as_ref().expect("a recording path");
    let reader = hound::WavReader::open(recording).unwrap();
    let seconds = reader.duration() as f64 / 8_000.0;
    assert!(seconds >= 3.0, "only {seconds} s of the recording survived");
    let samples: Vec<i16> = reader.into_samples::<i16>().map(Result::unwrap).collect();
    assert!(samples.iter().any(|&s| s != 0), "the recording holds only silence");
}
