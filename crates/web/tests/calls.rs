//! The call list, a call's page and its recording, over HTTPS.

mod common;

use common::TestConsole;
use hyper::StatusCode;
use standardiste_store::{CallOutcome, IntakeRow, NewTurn, Speaker, Store};

const HOSTILE_NAME: &str = "<script>alert(1)</script>";

/// Stores a call with two turns, a hostile name and a recording of `seconds` seconds.
fn store_call(console: &TestConsole, number: &str, words: &str, seconds: u32) -> i64 {
    let store = Store::open(&console.settings.database).unwrap();
    let recording = console.dir.path().join(format!("call-{number}.wav"));
    write_wav(&recording, seconds);
    let mut store = store;
    let id = store.start_call("gsm", Some(number), Some(recording.to_str().unwrap())).unwrap();
    let caller = NewTurn { speaker: Some(Speaker::Caller), text: words.into(), start_ms: 1_000, end_ms: 3_000, ..NewTurn::default() };
    store.add_turn(id, &caller).unwrap();
    let reply = NewTurn {
        speaker: Some(Speaker::Assistant),
        text: "Of course, I can help with that.".into(),
        start_ms: 3_500,
        end_ms: 5_000,
        ..NewTurn::default()
    };
    store.add_turn(id, &reply).unwrap();
    let intake = IntakeRow {
        caller_name: Some(HOSTILE_NAME.into()),
        reason: Some("a check-up".into()),
        urgency: Some("normal".into()),
        message_taken: true,
        ..IntakeRow::default()
    };
    store.save_intake(id, &intake).unwrap();
    store.add_reading(id, Some("book"), None, 900).unwrap();
    store.set_call_language(id, "en").unwrap();
    store.finish_call(id, CallOutcome::Completed, u64::from(seconds) * 1000).unwrap();
    id
}

fn write_wav(path: &std::path::Path, seconds: u32) {
    let spec = hound::WavSpec { channels: 2, sample_rate: 8000, bits_per_sample: 16, sample_format: hound::SampleFormat::Int };
    let mut writer = hound::WavWriter::create(path, spec).unwrap();
    for i in 0..(8000 * seconds) {
        writer.write_sample((i % 100) as i16).unwrap();
        writer.write_sample(0i16).unwrap();
    }
    writer.finalize().unwrap();
}

#[tokio::test]
async fn list_needs_sign_in() {
    let console = TestConsole::start().await;
    console.admin().await;
    let reply = console.client().get("/calls?q=x").await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    assert_eq!(reply.location(), Some("/login?next=/calls%3Fq%3Dx"));
    let audio = console.client().get("/calls/1/audio").await;
    assert_eq!(audio.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn list_finds_calls_by_words_said() {
    let console = TestConsole::start().await;
    store_call(&console, "+44 7700 900111", "I would like a check-up on Tuesday", 6);
    store_call(&console, "+44 7700 900222", "What time do you open on Saturday?", 6);
    let mut admin = console.admin().await;
    let all = admin.get("/calls").await;
    assert_eq!(all.status, StatusCode::OK);
    assert!(all.body.contains("900111"), "{}", all.body);
    assert!(all.body.contains("900222"), "{}", all.body);
    assert!(all.body.contains("2 calls"));
    let found = admin.get("/calls?q=saturday").await;
    assert!(found.body.contains("900222"));
    assert!(!found.body.contains("900111"));
    assert!(found.body.contains("1 calls"));
    assert!(!found.body.contains(HOSTILE_NAME));
    assert!(found.body.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    let none = admin.get("/calls?outcome=transferred").await;
    assert!(none.body.contains("No calls match."));
}

#[tokio::test]
async fn bad_filter_values_are_explained() {
    let console = TestConsole::start().await;
    let mut admin = console.admin().await;
    let reply = admin.get("/calls?from=04%2F12%2F2026&page=zero").await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert!(reply.body.contains("use YYYY-MM-DD"), "{}", reply.body);
    assert!(reply.body.contains("not a page number"), "{}", reply.body);
}

#[tokio::test]
async fn call_page_shows_transcript_details_and_player() {
    let console = TestConsole::start().await;
    let id = store_call(&console, "+44 7700 900111", "I would like a <b>check-up</b>", 6);
    let mut admin = console.admin().await;
    let page = admin.get(&format!("/calls/{id}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("I would like a &lt;b&gt;check-up&lt;/b&gt;"), "{}", page.body);
    assert!(page.body.contains("data-start=\"1000\""));
    assert!(page.body.contains(&format!("src=\"/calls/{id}/audio\"")));
    assert!(page.body.contains("a check-up"));
    assert!(page.body.contains("Took a message"));
    assert!(!page.body.contains(HOSTILE_NAME));
}

#[tokio::test]
async fn recording_is_served_with_ranges() {
    let console = TestConsole::start().await;
    let id = store_call(&console, "+44 7700 900111", "Hello", 2);
    let mut admin = console.admin().await;
    let whole = admin.get(&format!("/calls/{id}/audio")).await;
    assert_eq!(whole.status, StatusCode::OK);
    assert_eq!(whole.headers.get("content-type").unwrap(), "audio/wav");
    let request = admin
        .request("GET", &format!("/calls/{id}/audio"))
        .header("range", "bytes=0-43")
        .body(http_body_util::Full::new(hyper::body::Bytes::new()))
        .unwrap();
    let header = admin.send_request(request).await;
    assert_eq!(header.status, StatusCode::PARTIAL_CONTENT);
    assert_eq!(header.headers.get("content-length").unwrap(), "44");
}

#[tokio::test]
async fn deleted_recording_says_why() {
    let console = TestConsole::start().await;
    let id = store_call(&console, "+44 7700 900111", "Hello", 2);
    let store = Store::open(&console.settings.database).unwrap();
    store.mark_audio_deleted(id).unwrap();
    let mut admin = console.admin().await;
    let page = admin.get(&format!("/calls/{id}")).await;
    assert!(page.body.contains("recording was deleted"), "{}", page.body);
    let audio = admin.get(&format!("/calls/{id}/audio")).await;
    assert_eq!(audio.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn unknown_call_is_a_404() {
    let console = TestConsole::start().await;
    let mut admin = console.admin().await;
    assert_eq!(admin.get("/calls/999").await.status, StatusCode::NOT_FOUND);
    let word = admin.get("/calls/abc").await;
    assert_eq!(word.status, StatusCode::NOT_FOUND);
    assert!(word.body.contains("whole numbers"));
}
