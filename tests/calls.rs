//! End-to-end calls on a simulated line: real recordings as the caller, the
//! real STT worker, LLM, voice and VAD, and a real SQLite store.

mod common;

use std::time::Duration;

use common::{asterisk, engines, fixture, join_with_gaps, line_audio, serial, RUNTIME};
use standardiste::audio::resample::Resampler;
use standardiste::audio::to_f32;
use standardiste::call::{run_call, CallSummary};
use standardiste::line::simulated::{CallerScript, SimulatedLine};
use standardiste::store::{CallRow, TurnRow};

const ALLISON: &str = "en_US_f_Allison";

fn run(script: CallerScript) -> (CallSummary, CallRow, Vec<TurnRow>) {
    let engines = engines();
    // The live updates go to stderr, so a failing test shows how the call went.
    let summary = RUNTIME
        .block_on(async {
            let (updates, mut receiver) = tokio::sync::mpsc::channel(standardiste::call::UPDATE_QUEUE);
            let printer = tokio::spawn(async move {
                while let Some(update) = receiver.recv().await {
                    eprintln!("live: {update:?}");
                }
            });
            let summary = run_call(&mut SimulatedLine::start("sim0", script), engines, Some(updates)).await;
            let _ = printer.await;
            summary
        })
        .unwrap_or_else(|e| panic!("{e}"));
    let store = engines.store.lock().unwrap();
    let call = store.call(summary.call_id).unwrap();
    let turns = store.turns(summary.call_id).unwrap();
    for turn in &turns {
        eprintln!(
            "[{:>6} ms] {:<9} {}{}",
            turn.start_ms,
            turn.speaker,
            turn.text,
            turn.latency_ms.map_or(String::new(), |l| format!("   (latency {l} ms)"))
        );
    }
    (summary, call, turns)
}

fn caller_turns(turns: &[TurnRow]) -> Vec<&TurnRow> {
    turns.iter().filter(|t| t.speaker == "caller").collect()
}

fn box_turns(turns: &[TurnRow]) -> Vec<&TurnRow> {
    turns.iter().filter(|t| t.speaker == "assistant").collect()
}

#[test]
fn question_about_hours_gets_a_grounded_answer() {
    let _serial = serial();
    let question = line_audio(&fixture("caller-saturday-hours.wav"));
    let goodbye = line_audio(&asterisk(ALLISON, "vm-goodbye"));
    let mut script = CallerScript::new(vec![question, goodbye]);
    script.caller_number = Some("+447700900123".to_string());
    let (summary, call, turns) = run(script);

    assert_eq!(call.outcome, "completed", "the caller said goodbye");
    assert!(call.ended_at.is_some());
    assert_eq!(call.caller_number.as_deref(), Some("+447700900123"));
    assert_eq!(call.language.as_deref(), Some("en"));
    assert!(call.duration_ms.unwrap_or(0) > 5_000);

    let boxes = box_turns(&turns);
    assert!(boxes[0].text.starts_with("Hello, you have reached Harbor Dental Clinic"), "greeting: {}", boxes[0].text);
    let callers = caller_turns(&turns);
    assert!(callers.len() >= 2, "two caller turns expected: {callers:?}");
    let question = callers[0].text.to_lowercase();
    assert!(question.contains("saturday"), "transcript: {question}");

    // Saturday is 09:00-12:00 in config/profile.toml.
    let answer = boxes
        .iter()
        .find(|t| t.latency_ms.is_some())
        .expect("a reply to the question");
    let text = answer.text.to_lowercase();
    assert!(
        text.contains('9') || text.contains("nine"),
        "the answer does not give Saturday's opening time: {text}"
    );
    assert!(answer.llm_first_ms.is_some(), "no LLM timing on the reply");
    assert!(answer.tts_first_ms.is_some(), "no TTS timing on the reply");
    assert!(boxes.last().unwrap().text.contains("Goodbye"), "farewell: {}", boxes.last().unwrap().text);

    // The recording contains both sides for the whole call.
    let reader = hound::WavReader::open(&summary.recording).unwrap();
    assert_eq!(reader.spec().channels, 2);
    assert_eq!(reader.spec().sample_rate, 8_000);
    let seconds = reader.duration() as f64 / 8_000.0;
    let expected = call.duration_ms.unwrap() as f64 / 1_000.0;
    assert!((seconds - expected).abs() < 0.1, "recording {seconds} s, call {expected} s");
}

#[test]
fn digits_read_with_pauses_stay_one_turn() {
    let _serial = serial();
    let digit = |d: &str| line_audio(&asterisk(ALLISON, &format!("digits/{d}")));
    let pairs: Vec<Vec<i16>> = [["0", "6"], ["1", "2"], ["3", "4"]]
        .iter()
        .map(|pair| join_with_gaps(&[digit(pair[0]), digit(pair[1])], 150))
        .collect();
    // 800 ms between pairs: longer than the short pause, shorter than the end.
    let number = join_with_gaps(&pairs, 800);
    let mut script = CallerScript::new(vec![number]);
    script.hang_up_after_last = false;
    let (_, _, turns) = run(script);

    let callers = caller_turns(&turns);
    assert_eq!(callers.len(), 1, "the number was cut into several turns: {callers:?}");
    let digits: String = callers[0].text.chars().filter(char::is_ascii_digit).collect();
    let words = callers[0].text.to_lowercase();
    assert!(
        digits.contains("061234") || digits.contains("0612") || words.contains("four"),
        "transcript lost the end of the number: {}",
        callers[0].text
    );
}

#[test]
fn pause_mid_sentence_stays_one_turn() {
    let _serial = serial();
    let first_half = line_audio(&fixture("caller-like-to-know.wav"));
    let second_half = line_audio(&fixture("caller-when-saturday.wav"));
    // 900 ms: past the short pause, well before the end of the utterance.
    let question = join_with_gaps(&[first_half, second_half], 900);
    let goodbye = line_audio(&asterisk(ALLISON, "vm-goodbye"));
    let (_, _, turns) = run(CallerScript::new(vec![question, goodbye]));

    let callers = caller_turns(&turns);
    let first = callers.first().expect("a caller turn").text.to_lowercase();
    assert!(first.contains("know"), "the start of the sentence is missing: {first}");
    assert!(first.contains("saturday"), "the sentence was cut at the pause: {first}");
}

#[test]
fn caller_talking_over_the_box_stops_it() {
    let _serial = serial();
    let question = line_audio(&fixture("caller-saturday-hours.wav"));
    let goodbye = line_audio(&asterisk(ALLISON, "vm-goodbye"));
    let mut script = CallerScript::new(vec![question, goodbye]);
    // "Goodbye" starts 300 ms into the box's answer.
    script.barge_in = Some((1, Duration::from_millis(300)));
    let (_, call, turns) = run(script);

    let interrupted: Vec<_> = turns.iter().filter(|t| t.interrupted).collect();
    assert_eq!(interrupted.len(), 1, "one reply should be cut: {turns:?}");
    assert_eq!(interrupted[0].speaker, "assistant");
    let answer_ms = interrupted[0].end_ms - interrupted[0].start_ms;
    assert!(answer_ms < 2_500, "the box kept talking for {answer_ms} ms over the caller");
    assert_eq!(call.outcome, "completed");
}

#[test]
fn a_hum_is_not_a_turn() {
    let _serial = serial();
    let hum = line_audio(&fixture("caller-hum.wav"));
    let mut script = CallerScript::new(vec![hum]);
    script.hang_up_gap = Duration::from_secs(3);
    script.patience = Duration::from_secs(4);
    let (_, call, turns) = run(script);

    assert!(caller_turns(&turns).is_empty(), "a hum became a turn: {turns:?}");
    assert_eq!(box_turns(&turns).len(), 1, "the box should only have greeted: {turns:?}");
    assert_eq!(call.outcome, "caller_hung_up");
}

#[test]
fn silent_caller_is_asked_then_let_go() {
    let _serial = serial();
    let mut script = CallerScript::new(Vec::new());
    script.hang_up_gap = Duration::from_secs(60);
    script.patience = Duration::from_secs(60);
    let (_, call, turns) = run(script);

    let texts: Vec<&str> = box_turns(&turns).iter().map(|t| t.text.as_str()).collect();
    assert_eq!(texts.len(), 3, "greeting, still-there prompt, farewell: {texts:?}");
    assert_eq!(texts[1], "Are you still there?");
    assert!(texts[2].contains("Goodbye"));
    assert_eq!(call.outcome, "silence");
}

/// Pids of this process's `standardiste-stt` children.
fn stt_worker_pids() -> Vec<i32> {
    let me = std::process::id().to_string();
    let mut pids = Vec::new();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let Ok(status) = std::fs::read_to_string(entry.path().join("status")) else { continue };
        let field = |name: &str| {
            status
                .lines()
                .find_map(|l| l.strip_prefix(name))
                .map(str::trim)
                .unwrap_or("")
                .to_string()
        };
        if field("PPid:") == me && field("Name:").starts_with("standardiste-st") {
            pids.extend(entry.file_name().to_str().and_then(|p| p.parse::<i32>().ok()));
        }
    }
    pids
}

#[test]
fn call_survives_the_stt_worker_dying() {
    let _serial = serial();
    let engines = engines();
    let language = engines.profile.default_language();
    let opening = standardiste::call::opening(&engines.profile, language);
    let voice = standardiste::speech::tts::Speaker::new(language, engines.profile.voice_for(language));
    let greeting = RUNTIME.block_on(engines.tts.phrase(&opening, &voice)).unwrap();
    let first = line_audio(&fixture("caller-address.wav"));
    let second = line_audio(&fixture("caller-saturday-hours.wav"));
    let goodbye = line_audio(&asterisk(ALLISON, "vm-goodbye"));

    // Freeze the worker during the greeting, so the first question's
    // transcription waits on it, then kill it while that request is pending.
    let script = CallerScript::new(vec![first.clone(), second, goodbye]);
    let first_done = greeting.samples.len() as f64 / 8_000.0 + script.reply_gap.as_secs_f64() + first.len() as f64 / 8_000.0;
    // Three seconds after the question: its request is pending on the frozen
    // worker by then, even on a loaded machine.
    let kill_at = Duration::from_secs_f64(first_done + 3.0);
    let before = stt_worker_pids();
    assert_eq!(before.len(), 1, "one worker expected: {before:?}");
    let killer = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(1_000));
        // SAFETY: kill(2) on a pid this process started.
        unsafe { libc::kill(before[0], libc::SIGSTOP) };
        std::thread::sleep(kill_at - Duration::from_millis(1_000));
        unsafe { libc::kill(before[0], libc::SIGKILL) };
    });
    let (_, call, turns) = run(script);
    killer.join().unwrap();

    let texts: Vec<&str> = box_turns(&turns).iter().map(|t| t.text.as_str()).collect();
    assert!(texts.contains(&"Sorry, could you say that again?"), "{texts:?}");
    let callers = caller_turns(&turns);
    assert!(
        callers.iter().any(|t| t.text.to_lowercase().contains("saturday")),
        "the question after the restart was not transcribed: {callers:?}"
    );
    assert_eq!(call.outcome, "completed");
    let after = stt_worker_pids();
    assert_eq!(after.len(), 1, "the worker was not restarted: {after:?}");
}

#[test]
fn piper_speech_transcribes_back_to_its_text() {
    let _serial = serial();
    let engines = engines();
    let sentences = [
        "We are open on Saturday from nine until noon.",
        "Free parking is available behind the building.",
        "Please hold while I check the schedule for next week.",
    ];
    for sentence in sentences {
        let (heard, errors, words) = RUNTIME.block_on(async {
            let speech = engines.tts.synthesize(sentence).await.unwrap();
            let audio = Resampler::process_all(8_000, 16_000, &to_f32(&speech.samples));
            let heard = engines.stt.transcribe(&audio, Some("en")).await.unwrap().text;
            let reference = normalise(sentence);
            let hypothesis = normalise(&heard);
            (heard, edit_distance(&reference, &hypothesis), reference.len())
        });
        eprintln!("{sentence:?} -> {heard:?} ({errors}/{words} word errors)");
        assert!(errors * 5 <= words, "more than 20% word errors: {sentence:?} -> {heard:?}");
    }
}

fn normalise(text: &str) -> Vec<String> {
    text.to_lowercase()
        .replace('-', " ")
        .split_whitespace()
        .map(|w| w.chars().filter(|c| c.is_alphanumeric() || *c == '\'').collect::<String>())
        .filter(|w| !w.is_empty())
        .collect()
}

/// Word-level Levenshtein distance.
fn edit_distance(a: &[String], b: &[String]) -> usize {
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, word) in a.iter().enumerate() {
        let mut current = vec![i + 1];
        for (j, other) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(word != other);
            current.push(substitution.min(previous[j + 1] + 1).min(current[j] + 1));
        }
        previous = current;
    }
    previous[b.len()]
}
