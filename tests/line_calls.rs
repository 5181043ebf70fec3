//! Whole calls through each simulated device with the real pipeline: the
//! simulator plays a real recording as the caller over its pty at line pace,
//! the driver answers on the second ring, and the real STT worker, LLM,
//! voice and VAD run the conversation into a real SQLite store.

mod common;

use std::time::Duration;

use common::{asterisk, engines, fixture, line_audio, serial, RUNTIME};
use standardiste::call::CallUpdate;
use standardiste::line::any::AnyLine;
use standardiste::line::caller::{CallerScript, ScriptedCaller};
use standardiste::line::settings::LineSettings;
use standardiste::line::AnswerOnRing;
use standardiste::serve::answer_calls;
use standardiste::store::{CallRow, TurnRow};
use standardiste_modem::sim::{CallEnd, CallerIdSpec, Device, IncomingCall, SimOptions, SimReport, Simulator};

const ALLISON: &str = "en_US_f_Allison";

struct Finished {
    call: CallRow,
    turns: Vec<TurnRow>,
    notes: Vec<String>,
    report: SimReport,
}

fn call_through(device: Device, dtmf: Vec<(Duration, char)>) -> Finished {
    let engines = engines();
    let dir = tempfile::tempdir().unwrap();
    let mut options = SimOptions::new(dir.path());
    options.ring_interval = Duration::from_millis(800);
    let simulator = Simulator::start(device, options).unwrap_or_else(|e| panic!("{e}"));
    let settings = LineSettings::for_simulator(&simulator, 2);
    let question = line_audio(&fixture("caller-saturday-hours.wav"));
    let goodbye = line_audio(&asterisk(ALLISON, "vm-goodbye"));
    let script = CallerScript::new(vec![question, goodbye]);
    let (summaries, notes) = RUNTIME.block_on(async {
        let mut line = AnyLine::open(&settings).await.unwrap_or_else(|e| panic!("{e}"));
        simulator.ring(IncomingCall {
            caller: CallerIdSpec::Number { number: "+33612345678".into(), name: None },
            audio: Box::new(ScriptedCaller::new(script)),
            dtmf,
            max_rings: 6,
        });
        let (updates, mut receiver) = tokio::sync::mpsc::channel(standardiste::call::UPDATE_QUEUE);
        let printer = tokio::spawn(async move {
            let mut notes = Vec::new();
            while let Some(update) = receiver.recv().await {
                eprintln!("live: {update:?}");
                if let CallUpdate::Note { text, .. } = update {
                    notes.push(text);
                }
            }
            notes
        });
        let summaries = tokio::time::timeout(
            Duration::from_secs(180),
            answer_calls(&mut line, engines, &AnswerOnRing(2), Some(1), Some(updates)),
        )
        .await
        .expect("the call ends within 3 minutes")
        .unwrap_or_else(|e| panic!("{e}"));
        (summaries, printer.await.unwrap())
    });
    assert!(simulator.wait_call_end(Duration::from_secs(10)), "the device saw the call end");
    let store = engines.store.lock().unwrap();
    let call = store.call(summaries[0].call_id).unwrap();
    let turns = store.turns(summaries[0].call_id).unwrap();
    for turn in &turns {
        eprintln!("[{:>6} ms] {:<9} {}", turn.start_ms, turn.speaker, turn.text);
    }
    Finished { call, turns, notes, report: simulator.report() }
}

fn check_conversation(device: Device, finished: &Finished) {
    let name = device.name();
    let Finished { call, turns, report, .. } = finished;
    assert_eq!(call.line, name);
    assert_eq!(call.caller_number.as_deref(), Some("+33612345678"), "{name}: caller ID from the device");
    assert_eq!(call.outcome, "completed", "{name}: the caller said goodbye");
    let callers: Vec<&TurnRow> = turns.iter().filter(|t| t.speaker == "caller").collect();
    let boxes: Vec<&TurnRow> = turns.iter().filter(|t| t.speaker == "assistant").collect();
    assert!(boxes[0].text.starts_with("Hello, you have reached Harbor Dental Clinic"), "{name}: {}", boxes[0].text);
    assert!(
        callers.first().is_some_and(|turn| turn.text.to_lowercase().contains("saturday")),
        "{name}: the question came through the device: {callers:?}"
    );
    let answer = boxes.iter().find(|t| t.latency_ms.is_some()).expect("a reply to the question");
    let text = answer.text.to_lowercase();
    assert!(text.contains('9') || text.contains("nine"), "{name}: {text}");
    assert!(boxes.last().unwrap().text.contains("Goodbye"), "{name}: farewell {}", boxes.last().unwrap().text);

    let record = &report.calls[0];
    assert_eq!(record.rings, 2, "{name}: answered on the second ring");
    assert_eq!(record.ended_by, Some(CallEnd::Host), "{name}: the box hung up after its farewell");
    let audio = &report.audio;
    // Over 4 s of the box's speech; a half-duplex modem takes audio only while it talks.
    assert!(audio.frames_from_host > 200, "{name}: the device received the box's audio: {audio:?}");
}

#[test]
fn sim7600_call() {
    let _serial = serial();
    let finished = call_through(Device::Sim7600, vec![(Duration::from_millis(1_000), '5')]);
    check_conversation(Device::Sim7600, &finished);
    assert!(finished.notes.iter().any(|note| note == "caller pressed 5"), "{:?}", finished.notes);
}

#[test]
fn ec25_call() {
    let _serial = serial();
    let finished = call_through(Device::Ec25, vec![(Duration::from_millis(1_000), '#')]);
    check_conversation(Device::Ec25, &finished);
    assert!(finished.notes.iter().any(|note| note == "caller pressed #"), "{:?}", finished.notes);
}

#[test]
fn usr5637_half_duplex_call() {
    let _serial = serial();
    let finished = call_through(Device::Usr5637, Vec::new());
    check_conversation(Device::Usr5637, &finished);
}

#[test]
fn cx93010_full_duplex_call() {
    let _serial = serial();
    let finished = call_through(Device::Cx93010, vec![(Duration::from_millis(1_000), '7')]);
    check_conversation(Device::Cx93010, &finished);
    assert!(finished.notes.iter().any(|note| note == "caller pressed 7"), "{:?}", finished.notes);
}

/// The daemon as an installer runs it: `standardiste serve` on a settings
/// file whose `[[line]]` is a simulated GSM module. SIGTERM mid-call (what
/// systemd sends) hangs the call up on the device and stores the call's end
/// before the process exits.
#[test]
fn serve_answers_and_hangs_up_on_sigterm() {
    let _serial = serial();
    let dir = tempfile::tempdir().unwrap();
    let mut options = SimOptions::new(dir.path().join("ports"));
    options.ring_interval = Duration::from_millis(800);
    let simulator = Simulator::start(Device::Ec25, options).unwrap_or_else(|e| panic!("{e}"));
    let workspace = common::workspace();
    let settings = format!(
        "models_dir = \"{}\"\ndata_dir = \"{}\"\nprofile = \"{}\"\n\n[stt]\nworker = \"{}\"\n\n[[line]]\nname = \"gsm0\"\nkind = \"gsm\"\nport = \"{}\"\naudio_port = \"{}\"\nanswer_on_ring = 2\n",
        common::models_dir().display(),
        dir.path().join("data").display(),
        workspace.join("config/profile.toml").display(),
        common::stt_worker().display(),
        simulator.at_port().display(),
        simulator.audio_port().unwrap().display(),
    );
    let config = dir.path().join("standardiste.toml");
    std::fs::write(&config, settings).unwrap();
    let mut daemon = std::process::Command::new(env!("CARGO_BIN_EXE_standardiste"))
        .arg("--config")
        .arg(&config)
        .args(["--log", "info", "serve"])
        .spawn()
        .expect("the daemon starts");

    // A caller who keeps talking: only the daemon can end this call.
    let question = line_audio(&fixture("caller-saturday-hours.wav"));
    let script = CallerScript::new(vec![question.clone(), question.clone(), question]);
    // Loading the models takes a few seconds; the caller rings long enough.
    std::thread::sleep(Duration::from_secs(15));
    simulator.ring(IncomingCall {
        caller: CallerIdSpec::Number { number: "+33612345678".into(), name: None },
        audio: Box::new(ScriptedCaller::new(script)),
        dtmf: Vec::new(),
        max_rings: 10,
    });
    let answered = (0..60).any(|_| {
        std::thread::sleep(Duration::from_millis(500));
        simulator.report().calls.first().is_some_and(|call| call.answered_at.is_some())
    });
    assert!(answered, "the daemon answered: {:?}", simulator.report().calls);
    std::thread::sleep(Duration::from_secs(4));

    // SAFETY: kill(2) on the child's own pid with a valid signal number.
    let sent = unsafe { libc::kill(daemon.id() as libc::pid_t, libc::SIGTERM) };
    assert_eq!(sent, 0, "SIGTERM sent");
    let status = (0..40)
        .find_map(|_| {
            std::thread::sleep(Duration::from_millis(500));
            daemon.try_wait().ok().flatten()
        })
        .unwrap_or_else(|| {
            let _ = daemon.kill();
            panic!("the daemon did not exit within 20 s of SIGTERM")
        });
    assert!(status.success(), "the daemon exits cleanly: {status}");
    assert!(simulator.wait_call_end(Duration::from_secs(5)), "the call ended");
    assert_eq!(simulator.report().calls[0].ended_by, Some(CallEnd::Host), "the daemon hung up on the device");

    // Stored as the daemon stopped, not left open for the next start to close.
    let database = rusqlite::Connection::open(dir.path().join("data/calls.db")).unwrap();
    let (outcome, ended, duration, recording): (String, Option<String>, Option<i64>, String) = database
        .query_row("SELECT outcome, ended_at, duration_ms, recording_path FROM calls", [], |row| {
            Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?))
        })
        .unwrap();
    assert_eq!(outcome, "interrupted");
    assert!(ended.is_some() && duration.is_some_and(|ms| ms > 3_000), "{ended:?} {duration:?}");
    let wav = hound::WavReader::open(&recording).expect("the recording is a valid WAV");
    assert!(wav.duration() > 3 * 8_000, "the recording holds the call: {} samples", wav.duration());
}
