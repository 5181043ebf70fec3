//! The messages page over real HTTPS against the real SQLite file: the
//! callbacks to make, most urgent first, and marking them done or open again.

mod common;

use common::TestConsole;
use hyper::StatusCode;
use standardiste_store::{CallOutcome, CallbackList, IntakeRow, Store};

/// Stores a finished call with `intake` and returns its id.
fn call(console: &TestConsole, caller_number: Option<&str>, intake: IntakeRow) -> i64 {
    let store = Store::open(&console.settings.database).unwrap();
    let id = store.start_call("sim0", caller_number, None).unwrap();
    store.save_intake(id, &intake).unwrap();
    store.finish_call(id, CallOutcome::Completed, 30_000).unwrap();
    id
}

/// Stores a call where a message was taken from `name` with `urgency`.
fn message(console: &TestConsole, name: &str, urgency: Option<&str>) -> i64 {
    let intake = IntakeRow {
        caller_name: Some(name.to_string()),
        reason: Some(format!("{name} wants a callback")),
        urgency: urgency.map(str::to_string),
        message_taken: true,
        ..IntakeRow::default()
    };
    call(console, Some("+44 7700 900222"), intake)
}

fn open_ids(console: &TestConsole) -> Vec<i64> {
    let store = Store::open_shared(&console.settings.database).unwrap();
    store
        .callbacks(CallbackList::Open, 100)
        .unwrap()
        .iter()
        .map(|row| row.call_id)
        .collect()
}

fn done_ids(console: &TestConsole) -> Vec<i64> {
    let store = Store::open_shared(&console.settings.database).unwrap();
    store
        .callbacks(CallbackList::Done, 100)
        .unwrap()
        .iter()
        .map(|row| row.call_id)
        .collect()
}

#[tokio::test]
async fn signed_out_visitors_are_sent_to_sign_in() {
    let console = TestConsole::start().await;
    console.admin().await;
    let id = message(&console, "Ada", None);
    let mut visitor = console.client();
    let page = visitor.get("/messages?show=done").await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert_eq!(page.location(), Some("/login?next=/messages%3Fshow%3Ddone"));
    visitor.get("/login").await;
    for path in [format!("/messages/{id}/done"), format!("/messages/{id}/reopen")] {
        let reply = visitor.post(&path, &[("show", "open")]).await;
        assert_eq!(reply.status, StatusCode::SEE_OTHER, "{path}");
        assert!(reply.location().unwrap().starts_with("/login"), "{path}");
    }
    assert_eq!(open_ids(&console), vec![id]);
}

#[tokio::test]
async fn open_list_is_urgent_then_oldest() {
    let console = TestConsole::start().await;
    let mut admin = console.admin().await;
    let low = message(&console, "Lowly Larry", Some("low"));
    let normal = message(&console, "Normal Nora", Some("normal"));
    let emergency = message(&console, "Urgent Ursula", Some("emergency"));
    let high = message(&console, "Hasty Harry", Some("high"));
    let older_normal_wins = normal;
    let later_normal = message(&console, "Later Lena", None);
    let escalated = call(
        &console,
        Some("+44 7700 900333"),
        IntakeRow {
            caller_name: Some("Escalated Eve".into()),
            callback_number: Some("07700 900444".into()),
            escalation: Some("asked for a person".into()),
            urgency: Some("high".into()),
            ..IntakeRow::default()
        },
    );
    let plain = call(
        &console,
        Some("+44 7700 900555"),
        IntakeRow {
            caller_name: Some("Plain Paul".into()),
            ..IntakeRow::default()
        },
    );

    let page = admin.get("/messages").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let body = &page.body;
    let order = [
        "Urgent Ursula",
        "Hasty Harry",
        "Escalated Eve",
        "Normal Nora",
        "Later Lena",
        "Lowly Larry",
    ];
    let positions: Vec<usize> = order
        .iter()
        .map(|name| body.find(name).unwrap_or_else(|| panic!("{name} missing: {body}")))
        .collect();
    assert!(
        positions.windows(2).all(|pair| pair[0] < pair[1]),
        "order {positions:?}"
    );
    assert!(!body.contains("Plain Paul"), "a call without a callback is listed");
    assert!(body.contains("To call back (6)"), "{body}");
    assert!(body.contains("Done (0)"));
    // The number to call is the one the caller gave, over the caller ID.
    assert!(body.contains("href=\"tel:07700900444\""), "{body}");
    assert!(!body.contains("+44 7700 900333"));
    assert!(body.contains("escalated: asked for a person"));
    assert!(body.contains("class=\"badge emergency\""));
    assert!(body.contains("Normal Nora wants a callback"));
    for id in [low, older_normal_wins, emergency, high, later_normal, escalated] {
        assert!(body.contains(&format!("href=\"/calls/{id}\"")), "no link to call {id}");
    }
    assert!(!body.contains(&format!("href=\"/calls/{plain}\"")));
}

#[tokio::test]
async fn done_and_reopen_move_a_callback() {
    let console = TestConsole::start().await;
    let mut admin = console.admin().await;
    let first = message(&console, "Ada", Some("normal"));
    let second = message(&console, "Grace", Some("normal"));
    admin.get("/messages").await;

    let reply = admin
        .post(&format!("/messages/{first}/done"), &[("show", "open")])
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    assert_eq!(reply.location(), Some("/messages?show=open"));
    assert_eq!(open_ids(&console), vec![second]);
    assert_eq!(done_ids(&console), vec![first]);

    let open = admin.get("/messages?show=open").await;
    assert!(!open.body.contains("Ada"), "{}", open.body);
    let done = admin.get("/messages?show=done").await;
    assert_eq!(done.status, StatusCode::OK);
    assert!(done.body.contains("Ada"), "{}", done.body);
    assert!(done.body.contains(&format!("action=\"/messages/{first}/reopen\"")));
    assert!(done.body.contains("Done (1)"));

    let reply = admin
        .post(&format!("/messages/{first}/reopen"), &[("show", "done")])
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    assert_eq!(reply.location(), Some("/messages?show=done"));
    assert_eq!(open_ids(&console), vec![first, second]);
    assert!(done_ids(&console).is_empty());
}

#[tokio::test]
async fn unknown_callback_is_a_404() {
    let console = TestConsole::start().await;
    let mut admin = console.admin().await;
    let plain = call(&console, None, IntakeRow::default());
    admin.get("/messages").await;
    for path in [
        "/messages/999/done".to_string(),
        "/messages/999/reopen".to_string(),
        format!("/messages/{plain}/done"),
        "/messages/abc/done".to_string(),
    ] {
        let reply = admin.post(&path, &[]).await;
        assert_eq!(reply.status, StatusCode::NOT_FOUND, "{path}");
        assert!(reply.body.contains("not found"), "{}", reply.body);
    }
    let reply = admin.post("/messages/999/done", &[]).await;
    assert!(reply.body.contains("message of call 999 not found"), "{}", reply.body);
    assert!(done_ids(&console).is_empty());
}

#[tokio::test]
async fn posts_without_csrf_change_nothing() {
    let console = TestConsole::start().await;
    let mut admin = console.admin().await;
    let open = message(&console, "Ada", None);
    let done = message(&console, "Grace", None);
    Store::open_shared(&console.settings.database)
        .unwrap()
        .mark_callback_done(done)
        .unwrap();
    admin.get("/messages").await;
    let done_reply = admin.post_raw(&format!("/messages/{open}/done"), "show=open").await;
    assert_eq!(done_reply.status, StatusCode::FORBIDDEN);
    let reopen_reply = admin.post_raw(&format!("/messages/{done}/reopen"), "show=done").await;
    assert_eq!(reopen_reply.status, StatusCode::FORBIDDEN);
    assert_eq!(open_ids(&console), vec![open]);
    assert_eq!(done_ids(&console), vec![done]);
}

#[tokio::test]
async fn unknown_list_is_a_400() {
    let console = TestConsole::start().await;
    let mut admin = console.admin().await;
    let reply = admin.get("/messages?show=all").await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert!(reply.body.contains("show=&quot;all&quot;"), "{}", reply.body);
    assert!(reply.body.contains("show=open or show=done"));
}

#[tokio::test]
async fn caller_words_are_escaped() {
    let console = TestConsole::start().await;
    let mut admin = console.admin().await;
    let script = "<script>alert(1)</script>";
    let intake = IntakeRow {
        caller_name: Some(script.into()),
        reason: Some(format!("reason {script}")),
        callback_number: Some(format!("0770\"><b>{script}")),
        escalation: Some(script.into()),
        message_taken: true,
        ..IntakeRow::default()
    };
    call(&console, None, intake);
    let page = admin.get("/messages").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(!page.body.contains(script), "{}", page.body);
    assert!(!page.body.contains("<b>"), "{}", page.body);
    assert!(page.body.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    // The link keeps only the digits, here those of 0770 and of alert(1).
    assert!(page.body.contains("href=\"tel:07701\""), "{}", page.body);
}
