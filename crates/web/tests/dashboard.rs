//! The dashboard over real HTTPS, on a call database filled through the
//! store and the appointment book, with "now" fixed at Friday 2026-12-04 10:00.

mod common;

use common::TestConsole;
use hyper::StatusCode;
use rusqlite::{params, Connection};
use standardiste_booking::{AppointmentType, Interval, NewBooking, Schedule};
use standardiste_store::{CallOutcome, IntakeRow, NewTurn, Speaker, Store};
use time::macros::{datetime, format_description};
use time::{PrimitiveDateTime, UtcOffset};

const SCRIPT_REASON: &str = "<script>alert(1)</script>";
const HTML_LANGUAGE: &str = "<b>xx</b>";

/// One call to store: when it started (local time) and what happened in it.
struct Call {
    start: PrimitiveDateTime,
    outcome: CallOutcome,
    caller_spoke: bool,
    seconds: u64,
    language: Option<&'static str>,
    intents: &'static [&'static str],
    intake: IntakeRow,
    booked: bool,
}

impl Call {
    fn new(start: PrimitiveDateTime, outcome: CallOutcome, caller_spoke: bool, seconds: u64) -> Call {
        Call {
            start,
            outcome,
            caller_spoke,
            seconds,
            language: Some("en"),
            intents: &[],
            intake: IntakeRow::default(),
            booked: false,
        }
    }
}

/// Returns the offset the console uses for local time, by the same call in the same process.
fn local_offset() -> UtcOffset {
    UtcOffset::current_local_offset().unwrap_or(UtcOffset::UTC)
}

/// Formats `local` as the store writes start times: RFC 3339 UTC text.
fn stored(local: PrimitiveDateTime) -> String {
    let utc = local.assume_offset(local_offset()).to_offset(UtcOffset::UTC);
    utc.format(format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]Z"))
        .unwrap()
}

/// Stores `calls` in the console's database, with a booking for each booked one.
fn store_calls(console: &TestConsole, calls: Vec<Call>) {
    let mut store = Store::open(&console.settings.database).unwrap();
    let mut conn = Connection::open(&console.settings.database).unwrap();
    let schedule = Schedule {
        weekly: std::array::from_fn(|_| vec![Interval::hm(8, 0, 18, 0)]),
        ..Schedule::default()
    };
    let kind = AppointmentType {
        name: "Check-up".into(),
        duration_min: 30,
        buffer_min: 0,
        staff: Vec::new(),
    };
    for (index, call) in calls.into_iter().enumerate() {
        let id = store.start_call("sim0", Some("+447700900123"), None).unwrap();
        if call.caller_spoke {
            let turn = NewTurn {
                speaker: Some(Speaker::Caller),
                text: "Hello, I would like an appointment.".into(),
                start_ms: 2_000,
                end_ms: 4_000,
                ..NewTurn::default()
            };
            store.add_turn(id, &turn).unwrap();
        }
        for intent in call.intents {
            store.add_reading(id, Some(intent), None, 400).unwrap();
        }
        if let Some(language) = call.language {
            store.set_call_language(id, language).unwrap();
        }
        let mut intake = call.intake;
        if call.booked {
            let request = NewBooking {
                schedule: &schedule,
                kind: &kind,
                staff: None,
                start: datetime!(2026-12-08 09:00) + time::Duration::hours(index as i64),
                caller_name: "Ann Smith".into(),
                caller_number: "+447700900123".into(),
                call_id: Some(id),
                notes: String::new(),
            };
            intake.booking_id = Some(standardiste_booking::book(&mut conn, &request).unwrap().id);
        }
        store.save_intake(id, &intake).unwrap();
        store.finish_call(id, call.outcome, call.seconds * 1_000).unwrap();
        conn.execute(
            "UPDATE calls SET started_at = ?1 WHERE id = ?2",
            params![stored(call.start), id],
        )
        .unwrap();
    }
}

/// Builds a week of calls from Saturday 28 November to Friday 4 December, one
/// call earlier in the month and one two months back.
fn business_calls() -> Vec<Call> {
    vec![
        Call {
            intents: &["book", "yes"],
            intake: IntakeRow {
                reason: Some("Check-up".into()),
                ..IntakeRow::default()
            },
            booked: true,
            ..Call::new(datetime!(2026-12-04 09:15), CallOutcome::Completed, true, 120)
        },
        // Before the 08:30 opening.
        Call {
            language: Some("fr"),
            intents: &["question", "question", "goodbye"],
            ..Call::new(datetime!(2026-12-04 08:00), CallOutcome::Completed, true, 60)
        },
        Call {
            intents: &["emergency", "question"],
            intake: IntakeRow {
                reason: Some(SCRIPT_REASON.into()),
                escalation: Some("emergency".into()),
                ..IntakeRow::default()
            },
            ..Call::new(datetime!(2026-12-03 14:00), CallOutcome::Transferred, true, 180)
        },
        // Missed: silent caller after closing time.
        Call::new(datetime!(2026-12-03 20:00), CallOutcome::Silence, false, 10),
        // Missed: hung up before speaking, on Wednesday afternoon when the clinic is closed.
        Call::new(datetime!(2026-12-02 15:00), CallOutcome::CallerHungUp, false, 3),
        // Missed: the box failed.
        Call::new(datetime!(2026-12-01 10:00), CallOutcome::Failed, true, 30),
        // Sunday: closed.
        Call {
            language: Some(HTML_LANGUAGE),
            intake: IntakeRow {
                message_taken: true,
                ..IntakeRow::default()
            },
            ..Call::new(datetime!(2026-11-29 11:00), CallOutcome::Completed, true, 90)
        },
        Call {
            booked: true,
            ..Call::new(datetime!(2026-11-20 10:00), CallOutcome::Completed, true, 100)
        },
        Call {
            intake: IntakeRow {
                callback_promised: true,
                ..IntakeRow::default()
            },
            ..Call::new(datetime!(2026-10-01 10:00), CallOutcome::Completed, true, 50)
        },
    ]
}

/// Returns the big number of the figure card `id`.
fn figure(body: &str, id: &str) -> String {
    let card = body
        .find(&format!("id=\"{id}\""))
        .unwrap_or_else(|| panic!("no card {id}: {body}"));
    let marker = "class=\"figure\">";
    let start = card + body[card..].find(marker).unwrap() + marker.len();
    body[start..].split('<').next().unwrap().to_string()
}

/// Returns the muted note of the figure card `id`, as markup.
fn note(body: &str, id: &str) -> String {
    let card = body.find(&format!("id=\"{id}\"")).unwrap();
    let marker = "class=\"muted\">";
    let start = card + body[card..].find(marker).unwrap() + marker.len();
    body[start..].split("</p>").next().unwrap().to_string()
}

#[tokio::test]
async fn week_figures_are_exact() {
    let console = TestConsole::start().await;
    store_calls(&console, business_calls());
    let mut client = console.admin().await;
    let reply = client.get("/").await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let body = &reply.body;

    assert_eq!(figure(body, "calls"), "7");
    assert_eq!(figure(body, "answered"), "4");
    assert_eq!(note(body, "answered"), "57% of calls");
    assert_eq!(figure(body, "missed"), "3");
    assert_eq!(
        note(body, "missed"),
        "43% of calls<br>The caller never spoke, or the call failed."
    );
    assert_eq!(figure(body, "after-hours"), "4");
    assert_eq!(note(body, "after-hours"), "57% of calls came while closed");
    assert_eq!(figure(body, "bookings"), "1");
    assert_eq!(note(body, "bookings"), "Conversion 14%");
    assert_eq!(figure(body, "escalated"), "1");
    assert_eq!(note(body, "escalated"), "14% of calls<br>emergency: 1");
    // (120 + 60 + 180 + 90) / 4 answered calls = 112.5 seconds.
    assert_eq!(figure(body, "duration"), "1:52");
    assert_eq!(figure(body, "callbacks"), "2");
    assert!(note(body, "callbacks").contains("href=\"/messages\""), "{body}");

    assert!(
        body.contains("From Saturday 28 November 2026 to Friday 4 December 2026"),
        "{body}"
    );
    assert!(
        body.contains("<title>Friday 4 December 2026: 2 calls</title>"),
        "{body}"
    );
    assert!(
        body.contains("<title>Thursday 3 December 2026: 2 calls</title>"),
        "{body}"
    );
    assert!(
        body.contains("<title>Sunday 29 November 2026: 1 call</title>"),
        "{body}"
    );
    assert!(
        body.contains("<title>Saturday 28 November 2026: 0 calls</title>"),
        "{body}"
    );
    assert!(!body.contains("November 2026: 1 call</title><title>"), "{body}");
    assert!(body.contains("<title>20:00–20:59: 1 call</title>"), "{body}");
    assert!(body.contains("<title>13:00–13:59: 0 calls</title>"), "{body}");
    assert_eq!(body.matches("<g class=\"bar\">").count(), 7 + 24);

    let topics =
        "<li><span class=\"label\">Questions about the business</span> <span class=\"count\">2 calls</span></li>\
                  <li><span class=\"label\">Making an appointment</span> <span class=\"count\">1 call</span></li>\
                  <li><span class=\"label\">Emergencies</span> <span class=\"count\">1 call</span></li>";
    assert!(body.contains(topics), "{body}");
    assert!(
        body.contains("<span class=\"label\">English</span> <span class=\"count\">5 calls</span>"),
        "{body}"
    );
    assert!(
        body.contains("<span class=\"label\">French</span> <span class=\"count\">1 call</span>"),
        "{body}"
    );
    assert!(
        body.contains("<span class=\"label\">Check-up</span> <span class=\"count\">1 call</span>"),
        "{body}"
    );
    assert!(body.contains("Calls where the caller never spoke"), "{body}");
}

#[tokio::test]
async fn period_switch_widens_the_figures() {
    let console = TestConsole::start().await;
    store_calls(&console, business_calls());
    let mut client = console.admin().await;

    let month = client.get("/?days=30").await;
    assert_eq!(month.status, StatusCode::OK);
    assert_eq!(figure(&month.body, "calls"), "8");
    assert_eq!(figure(&month.body, "answered"), "5");
    assert_eq!(figure(&month.body, "bookings"), "2");
    assert_eq!(note(&month.body, "bookings"), "Conversion 25%");
    assert!(
        month
            .body
            .contains("<a class=\"active\" href=\"/?days=30\" aria-current=\"page\">Last 30 days</a>"),
        "{}",
        month.body
    );
    assert!(month.body.contains("From Thursday 5 November 2026"), "{}", month.body);
    assert!(
        month.body.contains("<title>Friday 20 November 2026: 1 call</title>"),
        "{}",
        month.body
    );
    assert_eq!(month.body.matches("<g class=\"bar\">").count(), 30 + 24);

    let quarter = client.get("/?days=90").await;
    assert_eq!(figure(&quarter.body, "calls"), "9");
    assert_eq!(figure(&quarter.body, "answered"), "6");
    assert_eq!(figure(&quarter.body, "missed"), "3");
    assert!(
        quarter.body.contains("<title>Thursday 1 October 2026: 1 call</title>"),
        "{}",
        quarter.body
    );

    let default = client.get("/").await;
    assert!(
        default
            .body
            .contains("<a class=\"active\" href=\"/?days=7\" aria-current=\"page\">Last 7 days</a>"),
        "{}",
        default.body
    );
}

#[tokio::test]
async fn invalid_period_is_a_400() {
    let console = TestConsole::start().await;
    let mut client = console.admin().await;
    for (query, shown) in [
        ("14", "days=14"),
        ("", "days= "),
        ("7%20", "days=7 "),
        ("%3Cb%3E", "days=&lt;b&gt;"),
    ] {
        let reply = client.get(&format!("/?days={query}")).await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{query}");
        assert!(reply.body.contains(shown), "{query}: {}", reply.body);
        assert!(reply.body.contains("use days=7, days=30 or days=90"), "{}", reply.body);
    }
    let twice = client.get("/?days=7&days=30").await;
    assert_eq!(twice.status, StatusCode::BAD_REQUEST);
    assert!(twice.body.contains("given 2 times"), "{}", twice.body);
}

#[tokio::test]
async fn signed_out_visitor_is_sent_to_login() {
    let console = TestConsole::start().await;
    console.admin().await;
    let mut visitor = console.client();
    let reply = visitor.get("/").await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    assert_eq!(reply.location(), Some("/login?next=/"));
    let period = visitor.get("/?days=30").await;
    assert_eq!(period.status, StatusCode::SEE_OTHER);
    assert_eq!(period.location(), Some("/login?next=/%3Fdays%3D30"));
}

#[tokio::test]
async fn empty_database_has_no_charts() {
    let console = TestConsole::start().await;
    let mut client = console.admin().await;
    let reply = client.get("/").await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert!(
        reply.body.contains("<p class=\"empty\">No calls in this period.</p>"),
        "{}",
        reply.body
    );
    assert!(!reply.body.contains("<svg"), "{}", reply.body);
    assert_eq!(figure(&reply.body, "calls"), "0");
    assert_eq!(figure(&reply.body, "answered"), "0");
    assert_eq!(note(&reply.body, "answered"), "– of calls");
    assert_eq!(figure(&reply.body, "after-hours"), "0");
    assert_eq!(figure(&reply.body, "duration"), "–");
    assert_eq!(figure(&reply.body, "callbacks"), "0");
}

#[tokio::test]
async fn caller_values_are_escaped() {
    let console = TestConsole::start().await;
    store_calls(&console, business_calls());
    let mut client = console.admin().await;
    let reply = client.get("/").await;
    assert_eq!(reply.status, StatusCode::OK);
    assert!(!reply.body.contains(SCRIPT_REASON), "{}", reply.body);
    assert!(
        reply.body.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
        "{}",
        reply.body
    );
    assert!(!reply.body.contains(HTML_LANGUAGE), "{}", reply.body);
    assert!(
        reply
            .body
            .contains("<span class=\"label\">&lt;b&gt;xx&lt;/b&gt;</span>"),
        "{}",
        reply.body
    );
}

#[tokio::test]
async fn invalid_profile_leaves_after_hours_unavailable() {
    let console = TestConsole::start().await;
    store_calls(&console, business_calls());
    std::fs::write(
        &console.settings.profile,
        "name = \"Harbor\"\ngreeting = \"Hello\"\n[opening_hours]\nmonday = \"25:00-26:00\"\n",
    )
    .unwrap();
    let mut client = console.admin().await;
    let reply = client.get("/").await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert_eq!(figure(&reply.body, "after-hours"), "Unavailable");
    let explanation = note(&reply.body, "after-hours");
    assert!(explanation.contains("invalid business profile"), "{explanation}");
    assert!(explanation.contains("opening_hours.monday"), "{explanation}");
    assert_eq!(figure(&reply.body, "calls"), "7");
}
