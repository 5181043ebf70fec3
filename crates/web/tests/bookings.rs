//! The bookings page over real HTTPS against the real SQLite file: the week
//! view, booking, moving and cancelling by hand, and the calendar feed with
//! its token. The console's clock is fixed at Friday 2026-12-04 10:00.

mod common;

use common::TestConsole;
use hyper::StatusCode;
use standardiste_booking::{Booking, NewBooking, Status};
use standardiste_profile::BusinessProfile;
use time::macros::datetime;
use time::PrimitiveDateTime;

fn book_connection(console: &TestConsole) -> rusqlite::Connection {
    let conn = rusqlite::Connection::open(&console.settings.database).unwrap();
    standardiste_booking::configure_connection(&conn).unwrap();
    conn
}

/// Returns every booking in the database, by start.
fn stored(console: &TestConsole) -> Vec<Booking> {
    let conn = book_connection(console);
    standardiste_booking::list(&conn, datetime!(2000-01-01 00:00), datetime!(2100-01-01 00:00)).unwrap()
}

/// Books `appointment` at `start` straight in the book, as a call would.
fn seed(console: &TestConsole, appointment: &str, start: PrimitiveDateTime, caller_name: &str) -> Booking {
    let profile = BusinessProfile::load(&console.settings.profile).unwrap();
    let kind = profile
        .appointment_types
        .iter()
        .find(|kind| kind.name == appointment)
        .unwrap()
        .booking_type();
    let schedule = profile.booking_schedule();
    let request = NewBooking {
        schedule: &schedule,
        kind: &kind,
        staff: None,
        start,
        caller_name: caller_name.to_string(),
        caller_number: "+44 7700 900111".to_string(),
        call_id: None,
        notes: String::new(),
    };
    standardiste_booking::book(&mut book_connection(console), &request).unwrap()
}

fn token_file(console: &TestConsole) -> std::path::PathBuf {
    console.settings.state_dir.join("calendar-token")
}

/// Returns the feed token shown on a bookings page.
fn token_in(page: &str) -> String {
    let marker = "/calendar.ics?token=";
    let start = page.find(marker).expect("the page shows no feed address") + marker.len();
    page[start..start + 64].to_string()
}

/// Returns the fields of a valid booking on Monday 7 December, with `changes` applied.
fn form<'a>(changes: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    let mut fields = vec![
        ("appointment", "Check-up"),
        ("date", "2026-12-07"),
        ("time", "09:00"),
        ("caller_name", "Ada Lovelace"),
        ("caller_number", "07700 900123"),
        ("notes", "First visit"),
        ("week", "2026-W49"),
    ];
    for (name, value) in changes {
        match fields.iter_mut().find(|(field, _)| field == name) {
            Some(field) => field.1 = value,
            None => fields.push((name, value)),
        }
    }
    fields
}

#[tokio::test]
async fn signed_out_visitors_are_sent_to_sign_in() {
    let console = TestConsole::start().await;
    console.admin().await;
    let booking = seed(&console, "Check-up", datetime!(2026-12-07 09:00), "Ada");
    let mut visitor = console.client();
    let page = visitor.get("/bookings?week=2026-W50").await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert_eq!(page.location(), Some("/login?next=/bookings%3Fweek%3D2026-W50"));

    // The visitor's own session token passes the CSRF check; the sign-in check still stops them.
    visitor.get("/login").await;
    let posts = [
        "/bookings".to_string(),
        format!("/bookings/{}/move", booking.id),
        format!("/bookings/{}/cancel", booking.id),
        "/bookings/feed-token".to_string(),
    ];
    for path in &posts {
        let reply = visitor.post(path, &form(&[("date", "2026-12-08")])).await;
        assert_eq!(reply.status, StatusCode::SEE_OTHER, "{path}");
        assert!(reply.location().unwrap().starts_with("/login"), "{path}");
    }
    assert_eq!(stored(&console), vec![booking]);
    assert!(!token_file(&console).exists(), "a visitor made the feed token");
}

#[tokio::test]
async fn week_lists_days_and_bookings() {
    let console = TestConsole::start().await;
    let mut admin = console.admin().await;
    seed(&console, "Check-up", datetime!(2026-12-04 15:00), "Grace Hopper");
    seed(&console, "Check-up", datetime!(2026-12-04 13:30), "Alan Turing");
    let cancelled = seed(&console, "Cleaning", datetime!(2026-12-05 09:00), "Edsger Dijkstra");
    standardiste_booking::cancel_by_owner(&mut book_connection(&console), cancelled.id).unwrap();
    seed(&console, "Check-up", datetime!(2026-12-07 09:00), "Next Week");

    let page = admin.get("/bookings").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let body = &page.body;
    assert!(
        body.contains("Week 49: Monday 30 November 2026 to Sunday 6 December 2026"),
        "{body}"
    );
    assert!(body.contains("href=\"/bookings?week=2026-W48\""), "{body}");
    assert!(body.contains("href=\"/bookings?week=2026-W50\""), "{body}");
    assert!(body.contains("This week"));
    // Friday's hours, Sunday closed.
    assert!(body.contains("08:30-12:30, 13:30-17:00"), "{body}");
    assert!(body.contains("Closed"));
    // Friday's bookings in time order, with type, staff, caller, number and status.
    let turing = body.find("Alan Turing").unwrap();
    let hopper = body.find("Grace Hopper").unwrap();
    assert!(turing < hopper, "bookings are not in time order");
    assert!(body.contains("13:30–14:00"));
    assert!(body.contains("Dr. Patel"));
    assert!(body.contains("href=\"tel:+447700900111\""));
    assert!(body.contains("+44 7700 900111"));
    // The cancelled booking is shown struck through.
    let row = format!("<tr class=\"cancelled\" id=\"booking-{}\"", cancelled.id);
    assert!(body.contains(&row), "{body}");
    assert!(body.contains("Edsger Dijkstra"));
    assert!(!body.contains("Next Week"), "a booking of another week is listed");
}

#[tokio::test]
async fn other_weeks_show_closures() {
    let console = TestConsole::start().await;
    let mut admin = console.admin().await;
    let christmas = admin.get("/bookings?week=2026-W52").await;
    assert_eq!(christmas.status, StatusCode::OK);
    assert!(christmas.body.contains("Closed: Christmas"), "{}", christmas.body);
    assert!(
        christmas.body.contains("href=\"/bookings?week=2026-W49\""),
        "no link back to this week"
    );
    let new_year = admin.get("/bookings?week=2026-W53").await;
    assert!(
        new_year.body.contains("Special hours 09:00-12:00 (New Year's Eve)"),
        "{}",
        new_year.body
    );
    assert!(new_year.body.contains("href=\"/bookings?week=2027-W01\""));
}

#[tokio::test]
async fn invalid_week_is_a_400() {
    let console = TestConsole::start().await;
    let mut admin = console.admin().await;
    for week in ["2026-49", "next", "2025-W53"] {
        let reply = admin.get(&format!("/bookings?week={week}")).await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{week}");
        assert!(reply.body.contains(&format!("&quot;{week}&quot;")), "{}", reply.body);
    }
    let reply = admin.get("/bookings?week=2026-49").await;
    assert!(reply.body.contains("YYYY-Www"), "{}", reply.body);
}

#[tokio::test]
async fn booking_by_hand_is_saved() {
    let console = TestConsole::start().await;
    let mut admin = console.admin().await;
    admin.get("/bookings").await;
    let reply = admin.post("/bookings", &form(&[])).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    let saved = stored(&console);
    assert_eq!(saved.len(), 1);
    let booking = &saved[0];
    assert_eq!(
        reply.location(),
        Some(format!("/bookings?week=2026-W50#booking-{}", booking.id).as_str())
    );
    assert_eq!(booking.appointment, "Check-up");
    assert_eq!(booking.start, datetime!(2026-12-07 09:00));
    assert_eq!(booking.end, datetime!(2026-12-07 09:30));
    assert_eq!(booking.staff.as_deref(), Some("Dr. Patel"));
    assert_eq!(booking.caller_name, "Ada Lovelace");
    assert_eq!(booking.caller_number, "07700 900123");
    assert_eq!(booking.notes, "First visit");
    assert_eq!(booking.status, Status::Booked);
    assert_eq!(booking.call_id, None);

    let page = admin.get("/bookings?week=2026-W50").await;
    assert!(page.body.contains("Ada Lovelace"), "{}", page.body);
    assert!(page.body.contains("First visit"));
}

#[tokio::test]
async fn invalid_booking_is_a_422() {
    let console = TestConsole::start().await;
    let mut admin = console.admin().await;
    let cases: &[(&[(&str, &str)], &str)] = &[
        (
            &[("appointment", "Massage")],
            "appointment type &quot;Massage&quot; is not in the profile",
        ),
        (&[("date", "07/12/2026")], "date &quot;07/12/2026&quot; is invalid"),
        (&[("time", "9h")], "time &quot;9h&quot; is invalid"),
        (&[("caller_name", "  ")], "the caller's name is missing"),
        (&[("caller_number", "12")], "phone number &quot;12&quot; is invalid"),
        (&[("date", "2026-12-03")], "2026-12-03 09:00 is in the past"),
        (
            &[("date", "2026-12-04"), ("time", "09:30")],
            "2026-12-04 09:30 is in the past",
        ),
        (&[("date", "2026-12-06")], "the business is closed on Sundays"),
        (&[("date", "2026-12-24")], "closed that day (Christmas)"),
        (&[("time", "07:00")], "outside the opening hours"),
        (&[("time", "12:15")], "after closing time 12:30"),
    ];
    admin.get("/bookings").await;
    for (changes, message) in cases {
        let reply = admin.post("/bookings", &form(changes)).await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{changes:?}");
        assert!(reply.body.contains(message), "{changes:?}: {}", reply.body);
        assert!(reply.body.contains("class=\"field-error\""), "{changes:?}");
        // The typed values are kept, the wrong ones too, except an appointment
        // type that the list of choices does not contain.
        for (name, value) in changes.iter().filter(|(name, _)| *name != "appointment") {
            assert!(
                reply.body.contains(&format!("value=\"{value}\"")),
                "{name} {value:?} was not kept"
            );
        }
        assert!(reply.body.contains("First visit</textarea>"), "{changes:?}");
    }
    assert!(stored(&console).is_empty(), "a rejected form saved a booking");
}

#[tokio::test]
async fn double_booking_is_rejected() {
    let console = TestConsole::start().await;
    let mut admin = console.admin().await;
    admin.get("/bookings").await;
    // Cleaning has one hygienist, so a second cleaning at 09:00 finds no free staff.
    let cleaning = form(&[("appointment", "Cleaning")]);
    assert_eq!(admin.post("/bookings", &cleaning).await.status, StatusCode::SEE_OTHER);
    let second = admin.post("/bookings", &cleaning).await;
    assert_eq!(second.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        second.body.contains("2026-12-07 09:00 is already booked for Cleaning"),
        "{}",
        second.body
    );
    // The 45-minute cleaning has no buffer, so the hygienist is free again at 09:45.
    assert!(second.body.contains("free times that day: 09:45"), "{}", second.body);
    assert_eq!(stored(&console).len(), 1);

    // Check-ups have two dentists: two at 10:00, and the third is rejected.
    let checkup = form(&[("time", "10:00")]);
    assert_eq!(admin.post("/bookings", &checkup).await.status, StatusCode::SEE_OTHER);
    assert_eq!(admin.post("/bookings", &checkup).await.status, StatusCode::SEE_OTHER);
    let third = admin.post("/bookings", &checkup).await;
    assert_eq!(third.status, StatusCode::UNPROCESSABLE_ENTITY);
    let staff: Vec<Option<String>> = stored(&console).into_iter().map(|booking| booking.staff).collect();
    assert_eq!(
        staff,
        vec![
            Some("Sarah Jones".into()),
            Some("Dr. Patel".into()),
            Some("Dr. Moreau".into())
        ]
    );
}

#[tokio::test]
async fn caller_name_is_escaped() {
    let console = TestConsole::start().await;
    let mut admin = console.admin().await;
    admin.get("/bookings").await;
    let name = "<script>alert(1)</script>";
    let rejected = admin
        .post("/bookings", &form(&[("caller_name", name), ("time", "07:00")]))
        .await;
    assert_eq!(rejected.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(!rejected.body.contains(name), "{}", rejected.body);
    assert!(rejected.body.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));

    let saved = admin.post("/bookings", &form(&[("caller_name", name)])).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER);
    let page = admin.get("/bookings?week=2026-W50").await;
    assert!(!page.body.contains(name), "{}", page.body);
    assert!(page.body.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
}

#[tokio::test]
async fn posts_without_csrf_change_nothing() {
    let console = TestConsole::start().await;
    let mut admin = console.admin().await;
    let booking = seed(&console, "Check-up", datetime!(2026-12-07 09:00), "Ada");
    let page = admin.get("/bookings").await;
    let token = token_in(&page.body);
    let body = common::encode_form(&form(&[("date", "2026-12-08")]));
    let posts = [
        "/bookings".to_string(),
        format!("/bookings/{}/move", booking.id),
        format!("/bookings/{}/cancel", booking.id),
        "/bookings/feed-token".to_string(),
    ];
    for path in &posts {
        let reply = admin.post_raw(path, &body).await;
        assert_eq!(reply.status, StatusCode::FORBIDDEN, "{path}");
    }
    assert_eq!(stored(&console), vec![booking]);
    assert_eq!(std::fs::read_to_string(token_file(&console)).unwrap(), token);
}

#[tokio::test]
async fn booking_moves() {
    let console = TestConsole::start().await;
    let mut admin = console.admin().await;
    let booking = seed(&console, "Cleaning", datetime!(2026-12-04 14:00), "Ada");
    let other = seed(&console, "Cleaning", datetime!(2026-12-08 10:00), "Grace");
    admin.get("/bookings").await;
    let path = format!("/bookings/{}/move", booking.id);

    let rejected: &[(&str, &str, &str)] = &[
        ("2026-12-08", "07:00", "outside the opening hours"),
        ("2026-12-08", "10:00", "2026-12-08 10:00 is already taken"),
        ("2026-12-03", "14:00", "is in the past"),
        ("2026-12-08", "soon", "time &quot;soon&quot; is invalid"),
    ];
    for (date, time, message) in rejected {
        let reply = admin
            .post(&path, &[("date", date), ("time", time), ("week", "2026-W49")])
            .await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{date} {time}");
        assert!(reply.body.contains(message), "{date} {time}: {}", reply.body);
        // The row's move form is open with the typed values.
        assert!(reply.body.contains("<details class=\"move\" open"), "{date} {time}");
        assert!(reply.body.contains(&format!("value=\"{time}\"")), "{date} {time}");
    }
    assert_eq!(stored(&console), vec![booking.clone(), other.clone()]);

    let moved = admin
        .post(
            &path,
            &[("date", "2026-12-08"), ("time", "11:00"), ("week", "2026-W49")],
        )
        .await;
    assert_eq!(moved.status, StatusCode::SEE_OTHER, "{}", moved.body);
    assert_eq!(
        moved.location(),
        Some(format!("/bookings?week=2026-W50#booking-{}", booking.id).as_str())
    );
    let now = stored(&console);
    let after = now.iter().find(|stored| stored.id == booking.id).unwrap();
    assert_eq!(after.start, datetime!(2026-12-08 11:00));
    assert_eq!(after.end, datetime!(2026-12-08 11:45));
    assert_eq!(after.sequence, 1);

    // An unknown id is a 404, whether the form is right or wrong.
    for (unknown, time) in [
        ("/bookings/999/move", "15:00"),
        ("/bookings/999/move", "soon"),
        ("/bookings/abc/move", "15:00"),
    ] {
        let reply = admin.post(unknown, &[("date", "2026-12-08"), ("time", time)]).await;
        assert_eq!(reply.status, StatusCode::NOT_FOUND, "{unknown}");
        assert!(reply.body.contains("booking"), "{}", reply.body);
    }
    let reply = admin
        .post("/bookings/999/move", &[("date", "2026-12-08"), ("time", "15:00")])
        .await;
    assert!(reply.body.contains("booking 999 not found"), "{}", reply.body);
}

#[tokio::test]
async fn booking_cancels() {
    let console = TestConsole::start().await;
    let mut admin = console.admin().await;
    let booking = seed(&console, "Check-up", datetime!(2026-12-04 14:00), "Ada");
    let page = admin.get("/bookings").await;
    assert!(
        page.body.contains("data-confirm=\"Cancel this booking?\""),
        "{}",
        page.body
    );
    let reply = admin.post(&format!("/bookings/{}/cancel", booking.id), &[]).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    assert_eq!(
        reply.location(),
        Some(format!("/bookings?week=2026-W49#booking-{}", booking.id).as_str())
    );
    assert_eq!(stored(&console)[0].status, Status::Cancelled);
    let page = admin.get("/bookings").await;
    assert!(page
        .body
        .contains(&format!("<tr class=\"cancelled\" id=\"booking-{}\"", booking.id)));

    // A cancelled booking cannot be moved, and the page says so above the week.
    let moved = admin
        .post(
            &format!("/bookings/{}/move", booking.id),
            &[("date", "2026-12-08"), ("time", "10:00")],
        )
        .await;
    assert_eq!(moved.status, StatusCode::UNPROCESSABLE_ENTITY);
    let message = format!(
        "Booking {} was not moved: booking {} is cancelled",
        booking.id, booking.id
    );
    assert!(moved.body.contains(&message), "{}", moved.body);
    assert_eq!(stored(&console)[0].start, datetime!(2026-12-04 14:00));

    let unknown = admin.post("/bookings/999/cancel", &[]).await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    assert!(unknown.body.contains("booking 999 not found"), "{}", unknown.body);
}

#[tokio::test]
async fn feed_token_lifecycle() {
    let console = TestConsole::start().await;
    let recent = seed(&console, "Check-up", datetime!(2026-11-20 09:00), "Recent Past");
    seed(&console, "Check-up", datetime!(2026-10-01 09:00), "Long Ago");
    let soon = seed(&console, "Check-up", datetime!(2026-12-07 09:00), "Next Monday");
    seed(&console, "Check-up", datetime!(2027-12-20 09:00), "Far Ahead");

    // No token exists before the bookings page makes one.
    let mut calendar = console.client();
    assert_eq!(
        calendar.get("/calendar.ics?token=abc").await.status,
        StatusCode::NOT_FOUND
    );
    assert!(!token_file(&console).exists());

    let mut admin = console.admin().await;
    let page = admin.get("/bookings").await;
    let token = token_in(&page.body);
    let address = format!(
        "https://localhost:{}/calendar.ics?token={token}",
        console.address.port()
    );
    assert!(page.body.contains(&address), "{}", page.body);
    assert!(page.body.contains("Google Calendar"));
    let stored_token = std::fs::read_to_string(token_file(&console)).unwrap();
    assert_eq!(stored_token, token);
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(token_file(&console)).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600);
    // Reloading the page keeps the address.
    assert_eq!(token_in(&admin.get("/bookings").await.body), token);

    // A calendar app fetches the feed without signing in.
    let feed = calendar.get(&format!("/calendar.ics?token={token}")).await;
    assert_eq!(feed.status, StatusCode::OK, "{}", feed.body);
    assert_eq!(
        feed.headers.get("content-type").unwrap(),
        "text/calendar; charset=utf-8"
    );
    assert!(feed.body.starts_with("BEGIN:VCALENDAR\r\n"), "{}", feed.body);
    assert!(feed.body.contains("X-WR-CALNAME:Harbor Dental Clinic"));
    assert!(feed.body.contains(&format!("UID:booking-{}@standardiste", recent.id)));
    assert!(feed.body.contains(&format!("UID:booking-{}@standardiste", soon.id)));
    assert!(
        !feed.body.contains("Long Ago"),
        "the feed reaches more than 30 days back"
    );
    assert!(
        !feed.body.contains("Far Ahead"),
        "the feed reaches more than a year ahead"
    );

    let mut wrong = token.clone().into_bytes();
    wrong[10] = if wrong[10] == b'a' { b'b' } else { b'a' };
    let wrong = String::from_utf8(wrong).unwrap();
    for path in [
        format!("/calendar.ics?token={wrong}"),
        "/calendar.ics".to_string(),
        "/calendar.ics?token=".to_string(),
    ] {
        let reply = calendar.get(&path).await;
        assert_eq!(reply.status, StatusCode::NOT_FOUND, "{path}");
        assert!(!reply.body.contains("BEGIN:VCALENDAR"), "{path}");
    }

    // A new token closes the old address.
    let reply = admin.post("/bookings/feed-token", &[("week", "2026-W50")]).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    assert_eq!(reply.location(), Some("/bookings?week=2026-W50#feed"));
    let new_token = std::fs::read_to_string(token_file(&console)).unwrap();
    assert_ne!(new_token, token);
    assert_eq!(new_token.len(), 64);
    assert_eq!(
        calendar.get(&format!("/calendar.ics?token={token}")).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        calendar.get(&format!("/calendar.ics?token={new_token}")).await.status,
        StatusCode::OK
    );
    assert_eq!(token_in(&admin.get("/bookings").await.body), new_token);
}
