//! Booking, cancelling and moving against a real SQLite file.

mod support;

use standardiste_booking::{
    book, busy, caller_key, cancel, cancel_by_owner, find_by_id, find_for_caller, find_free_slots,
    find_free_slots_on, list, reschedule, reschedule_by_owner, BookingError, Status,
};
use support::*;
use time::macros::datetime;

const CALLER: &str = "+33 6 12 34 56 78";
const SAME_CALLER_NATIONAL: &str = "06 12 34 56 78";
const OTHER_CALLER: &str = "07 98 76 54 32";

fn all(conn: &rusqlite::Connection) -> Vec<standardiste_booking::Booking> {
    list(
        conn,
        datetime!(2000-01-01 00:00),
        datetime!(2100-01-01 00:00),
    )
    .expect("list bookings")
}

#[test]
fn migrations_create_the_table() {
    let (_dir, conn) = temp_db();
    let version: i64 = conn
        .pragma_query_value(None, "user_version", |row| row.get(0))
        .expect("read user_version");
    assert_eq!(version, standardiste_booking::MIGRATIONS.len() as i64);
    assert_eq!(count_rows(&conn), 0);
}

#[test]
fn book_stores_every_field() {
    let (_dir, mut conn) = temp_db();
    let schedule = clinic_hours();
    let consult = kind(30, 10, &[]);
    let mut new = request(&schedule, &consult, datetime!(2026-12-07 09:00), CALLER);
    new.notes = "First visit".to_owned();
    let booked = book(&mut conn, &new).expect("book a free slot");

    assert_eq!(booked.appointment, "Consultation");
    assert_eq!(booked.staff, None);
    assert_eq!(booked.start, datetime!(2026-12-07 09:00));
    assert_eq!(booked.end, datetime!(2026-12-07 09:30));
    assert_eq!(booked.buffer_min, 10);
    assert_eq!(booked.caller_name, "Jeanne Martin");
    assert_eq!(booked.caller_number, CALLER);
    assert_eq!(booked.call_id, Some(42));
    assert_eq!(booked.status, Status::Booked);
    assert_eq!(booked.sequence, 0);
    assert_eq!(booked.notes, "First visit");
    assert_eq!(all(&conn), vec![booked.clone()]);

    let key: Option<String> = conn
        .query_row(
            "SELECT caller_key FROM bookings WHERE id = ?1",
            [booked.id],
            |row| row.get(0),
        )
        .expect("read caller_key");
    assert_eq!(key.as_deref(), Some("612345678"));
}

#[test]
fn same_slot_twice_is_taken() {
    let (_dir, mut conn) = temp_db();
    let schedule = clinic_hours();
    let consult = kind(30, 0, &[]);
    let new = request(&schedule, &consult, datetime!(2026-12-07 10:00), CALLER);
    book(&mut conn, &new).expect("first booking");
    let second = book(
        &mut conn,
        &request(
            &schedule,
            &consult,
            datetime!(2026-12-07 10:00),
            OTHER_CALLER,
        ),
    );
    assert!(matches!(second, Err(BookingError::Taken)), "got {second:?}");
    let overlapping = book(
        &mut conn,
        &request(
            &schedule,
            &consult,
            datetime!(2026-12-07 10:15),
            OTHER_CALLER,
        ),
    );
    assert!(
        matches!(overlapping, Err(BookingError::Taken)),
        "got {overlapping:?}"
    );
    assert_eq!(count_rows(&conn), 1);
}

#[test]
fn slot_inside_buffer_is_taken() {
    let (_dir, mut conn) = temp_db();
    let schedule = clinic_hours();
    let consult = kind(30, 15, &[]);
    book(
        &mut conn,
        &request(&schedule, &consult, datetime!(2026-12-07 10:00), CALLER),
    )
    .expect("first booking");

    // After: 10:30 is inside the 15-minute buffer, 10:45 is not.
    let after = book(
        &mut conn,
        &request(
            &schedule,
            &consult,
            datetime!(2026-12-07 10:30),
            OTHER_CALLER,
        ),
    );
    assert!(matches!(after, Err(BookingError::Taken)), "got {after:?}");
    // Before: 09:30-10:00 plus 15 minutes runs into 10:00, 09:15-09:45 plus 15 does not.
    let before = book(
        &mut conn,
        &request(
            &schedule,
            &consult,
            datetime!(2026-12-07 09:30),
            OTHER_CALLER,
        ),
    );
    assert!(matches!(before, Err(BookingError::Taken)), "got {before:?}");

    book(
        &mut conn,
        &request(
            &schedule,
            &consult,
            datetime!(2026-12-07 10:45),
            OTHER_CALLER,
        ),
    )
    .expect("10:45 is free");
    book(
        &mut conn,
        &request(
            &schedule,
            &consult,
            datetime!(2026-12-07 09:15),
            OTHER_CALLER,
        ),
    )
    .expect("09:15 is free");
    assert_eq!(count_rows(&conn), 3);
}

#[test]
fn any_staff_takes_first_free() {
    let (_dir, mut conn) = temp_db();
    let schedule = clinic_hours();
    let dentists = kind(30, 0, &["Alice", "Bob"]);
    let at = datetime!(2026-12-07 10:00);
    let first = book(&mut conn, &request(&schedule, &dentists, at, CALLER)).expect("Alice free");
    let second =
        book(&mut conn, &request(&schedule, &dentists, at, OTHER_CALLER)).expect("Bob free");
    assert_eq!(first.staff.as_deref(), Some("Alice"));
    assert_eq!(second.staff.as_deref(), Some("Bob"));
    let third = book(&mut conn, &request(&schedule, &dentists, at, "0611111111"));
    assert!(matches!(third, Err(BookingError::Taken)), "got {third:?}");

    let mut for_bob = request(&schedule, &dentists, datetime!(2026-12-07 11:00), CALLER);
    for_bob.staff = Some("Bob".to_owned());
    assert_eq!(
        book(&mut conn, &for_bob)
            .expect("Bob free at 11:00")
            .staff
            .as_deref(),
        Some("Bob")
    );
    let mut stranger = request(&schedule, &dentists, datetime!(2026-12-07 11:00), CALLER);
    stranger.staff = Some("Carol".to_owned());
    match book(&mut conn, &stranger) {
        Err(BookingError::Invalid(message)) => assert!(message.contains("Carol"), "{message}"),
        other => panic!("expected Invalid, got {other:?}"),
    }
}

#[test]
fn outside_hours_is_invalid_with_reason() {
    let (_dir, mut conn) = temp_db();
    let mut schedule = clinic_hours();
    schedule
        .blocked
        .push((datetime!(2026-12-07 15:00), datetime!(2026-12-07 16:00)));
    schedule
        .exceptions
        .insert(time::macros::date!(2026 - 12 - 08), vec![]);
    let consult = kind(60, 0, &[]);
    let cases = [
        (datetime!(2026-12-07 12:30), "12:30"),
        (datetime!(2026-12-07 11:30), "after closing time 12:00"),
        (datetime!(2026-12-07 14:30), "blocked period"),
        (
            datetime!(2026-12-08 10:00),
            "closed that day by an exception",
        ),
        (datetime!(2026-12-13 10:00), "closed that weekday"),
    ];
    for (start, expected) in cases {
        match book(&mut conn, &request(&schedule, &consult, start, CALLER)) {
            Err(BookingError::Invalid(message)) => {
                assert!(
                    message.contains(expected),
                    "{start}: {message:?} lacks {expected:?}"
                )
            }
            other => panic!("{start}: expected Invalid, got {other:?}"),
        }
    }
    let zero = kind(0, 0, &[]);
    let result = book(
        &mut conn,
        &request(&schedule, &zero, datetime!(2026-12-07 09:00), CALLER),
    );
    assert!(
        matches!(result, Err(BookingError::Invalid(_))),
        "got {result:?}"
    );
    assert_eq!(count_rows(&conn), 0);
}

#[test]
fn find_for_caller_matches_last_nine_digits() {
    let (_dir, mut conn) = temp_db();
    let schedule = clinic_hours();
    let consult = kind(30, 0, &[]);
    let mine = book(
        &mut conn,
        &request(&schedule, &consult, datetime!(2026-12-08 09:00), CALLER),
    )
    .expect("book");
    let earlier = book(
        &mut conn,
        &request(
            &schedule,
            &consult,
            datetime!(2026-12-07 09:00),
            SAME_CALLER_NATIONAL,
        ),
    )
    .expect("book");
    book(
        &mut conn,
        &request(
            &schedule,
            &consult,
            datetime!(2026-12-07 10:00),
            OTHER_CALLER,
        ),
    )
    .expect("book");
    let cancelled = book(
        &mut conn,
        &request(&schedule, &consult, datetime!(2026-12-09 09:00), CALLER),
    )
    .expect("book");
    cancel(&mut conn, cancelled.id, CALLER).expect("cancel");

    let found =
        find_for_caller(&conn, SAME_CALLER_NATIONAL, datetime!(2026-12-07 00:00)).expect("find");
    let ids: Vec<i64> = found.iter().map(|booking| booking.id).collect();
    assert_eq!(
        ids,
        vec![earlier.id, mine.id],
        "ordered by start, no cancelled, no other caller"
    );

    let upcoming =
        find_for_caller(&conn, "0033612345678", datetime!(2026-12-07 12:00)).expect("find");
    let ids: Vec<i64> = upcoming.iter().map(|booking| booking.id).collect();
    assert_eq!(ids, vec![mine.id], "past appointment left out");
}

#[test]
fn short_number_matches_nothing() {
    let (_dir, mut conn) = temp_db();
    let schedule = clinic_hours();
    let consult = kind(30, 0, &[]);
    let booked = book(
        &mut conn,
        &request(&schedule, &consult, datetime!(2026-12-08 09:00), "12345"),
    )
    .expect("book");
    assert_eq!(caller_key("12345"), None);
    assert_eq!(caller_key("123456").as_deref(), Some("123456"));
    assert!(find_for_caller(&conn, "12345", datetime!(2026-12-01 00:00))
        .expect("find")
        .is_empty());
    assert!(find_for_caller(&conn, "", datetime!(2026-12-01 00:00))
        .expect("find")
        .is_empty());
    let result = cancel(&mut conn, booked.id, "12345");
    assert!(
        matches!(result, Err(BookingError::NotFound(_))),
        "got {result:?}"
    );
}

#[test]
fn cancel_by_wrong_number_is_not_found() {
    let (_dir, mut conn) = temp_db();
    let schedule = clinic_hours();
    let consult = kind(30, 0, &[]);
    let booked = book(
        &mut conn,
        &request(&schedule, &consult, datetime!(2026-12-07 09:00), CALLER),
    )
    .expect("book");

    let wrong = cancel(&mut conn, booked.id, OTHER_CALLER);
    let missing = cancel(&mut conn, booked.id + 1000, OTHER_CALLER);
    let wrong_message = match wrong {
        Err(error @ BookingError::NotFound(_)) => error.to_string(),
        other => panic!("expected NotFound, got {other:?}"),
    };
    let missing_message = match missing {
        Err(error @ BookingError::NotFound(_)) => error.to_string(),
        other => panic!("expected NotFound, got {other:?}"),
    };
    assert_eq!(
        wrong_message.replace(&booked.id.to_string(), "ID"),
        missing_message.replace(&(booked.id + 1000).to_string(), "ID"),
        "someone else's booking must look like a missing one"
    );
    assert_eq!(all(&conn)[0].status, Status::Booked);

    let cancelled = cancel(&mut conn, booked.id, SAME_CALLER_NATIONAL).expect("owner cancels");
    assert_eq!(cancelled.status, Status::Cancelled);
    assert_eq!(cancelled.sequence, 1);
    let again = cancel(&mut conn, booked.id, CALLER).expect("second cancel is a no-op");
    assert_eq!(again, cancelled);
    assert!(busy(
        &conn,
        datetime!(2026-12-07 00:00),
        datetime!(2026-12-08 00:00)
    )
    .expect("busy")
    .is_empty());
    book(
        &mut conn,
        &request(
            &schedule,
            &consult,
            datetime!(2026-12-07 09:00),
            OTHER_CALLER,
        ),
    )
    .expect("freed slot books again");
}

#[test]
fn owner_cancels_any_booking() {
    let (_dir, mut conn) = temp_db();
    let schedule = clinic_hours();
    let consult = kind(30, 0, &[]);
    let booked = book(
        &mut conn,
        &request(&schedule, &consult, datetime!(2026-12-07 09:00), CALLER),
    )
    .expect("book");
    assert_eq!(
        cancel_by_owner(&mut conn, booked.id)
            .expect("cancel")
            .status,
        Status::Cancelled
    );
    let missing = cancel_by_owner(&mut conn, 9999);
    assert!(
        matches!(missing, Err(BookingError::NotFound(9999))),
        "got {missing:?}"
    );
}

#[test]
fn reschedule_to_taken_slot_keeps_old() {
    let (_dir, mut conn) = temp_db();
    let schedule = clinic_hours();
    let consult = kind(30, 15, &[]);
    let mine = book(
        &mut conn,
        &request(&schedule, &consult, datetime!(2026-12-07 09:00), CALLER),
    )
    .expect("book");
    book(
        &mut conn,
        &request(
            &schedule,
            &consult,
            datetime!(2026-12-07 11:00),
            OTHER_CALLER,
        ),
    )
    .expect("book");

    for target in [
        datetime!(2026-12-07 11:00),
        datetime!(2026-12-07 10:45),
        datetime!(2026-12-07 11:30),
    ] {
        let result = reschedule(&mut conn, &schedule, mine.id, CALLER, target);
        assert!(
            matches!(result, Err(BookingError::Taken)),
            "{target}: got {result:?}"
        );
    }
    let outside = reschedule(
        &mut conn,
        &schedule,
        mine.id,
        CALLER,
        datetime!(2026-12-07 12:30),
    );
    assert!(
        matches!(outside, Err(BookingError::Invalid(_))),
        "got {outside:?}"
    );
    let stranger = reschedule(
        &mut conn,
        &schedule,
        mine.id,
        OTHER_CALLER,
        datetime!(2026-12-08 09:00),
    );
    assert!(
        matches!(stranger, Err(BookingError::NotFound(_))),
        "got {stranger:?}"
    );

    let stored = all(&conn)
        .into_iter()
        .find(|booking| booking.id == mine.id)
        .expect("still stored");
    assert_eq!(stored, mine, "failed moves change nothing");
}

#[test]
fn reschedule_moves_and_frees_old_slot() {
    let (_dir, mut conn) = temp_db();
    let schedule = clinic_hours();
    let consult = kind(30, 15, &[]);
    let mine = book(
        &mut conn,
        &request(&schedule, &consult, datetime!(2026-12-07 09:00), CALLER),
    )
    .expect("book");

    // Overlapping its own old time is allowed.
    let moved = reschedule(
        &mut conn,
        &schedule,
        mine.id,
        SAME_CALLER_NATIONAL,
        datetime!(2026-12-07 09:15),
    )
    .expect("move");
    assert_eq!(moved.start, datetime!(2026-12-07 09:15));
    assert_eq!(moved.end, datetime!(2026-12-07 09:45));
    assert_eq!(moved.sequence, 1);
    assert_eq!(moved.created_at, mine.created_at);

    let moved = reschedule_by_owner(&mut conn, &schedule, mine.id, datetime!(2026-12-08 14:00))
        .expect("owner moves");
    assert_eq!(moved.start, datetime!(2026-12-08 14:00));
    assert_eq!(moved.sequence, 2);
    book(
        &mut conn,
        &request(
            &schedule,
            &consult,
            datetime!(2026-12-07 09:00),
            OTHER_CALLER,
        ),
    )
    .expect("old slot free");

    cancel(&mut conn, mine.id, CALLER).expect("cancel");
    let cancelled_move = reschedule(
        &mut conn,
        &schedule,
        mine.id,
        CALLER,
        datetime!(2026-12-09 09:00),
    );
    assert!(
        matches!(cancelled_move, Err(BookingError::Invalid(_))),
        "got {cancelled_move:?}"
    );
}

#[test]
fn free_slots_from_database() {
    let (_dir, mut conn) = temp_db();
    let schedule = clinic_hours();
    let consult = kind(30, 15, &[]);
    book(
        &mut conn,
        &request(&schedule, &consult, datetime!(2026-12-07 09:00), CALLER),
    )
    .expect("book");
    book(
        &mut conn,
        &request(&schedule, &consult, datetime!(2026-12-08 09:45), CALLER),
    )
    .expect("book");

    let slots = find_free_slots(
        &conn,
        &schedule,
        &consult,
        datetime!(2026-12-07 08:00),
        2,
        14,
    )
    .expect("slots");
    assert_eq!(
        starts(&slots),
        vec!["2026-12-07 09:45".to_owned(), "2026-12-07 10:00".to_owned()]
    );

    let tuesday = find_free_slots_on(
        &conn,
        &schedule,
        &consult,
        time::macros::date!(2026 - 12 - 08),
        datetime!(2026-12-07 08:00),
    )
    .expect("slots");
    // 09:00 ends 09:30, plus buffer 09:45 which touches the 09:45 booking but does not overlap.
    assert_eq!(
        clocks(&tuesday)[..3],
        ["09:00".to_owned(), "10:30".to_owned(), "10:45".to_owned()][..]
    );

    // A booking that starts just after the searched day still limits its last slot through the buffer.
    let late_schedule = always_open();
    book(
        &mut conn,
        &request(
            &late_schedule,
            &consult,
            datetime!(2026-12-11 00:00),
            CALLER,
        ),
    )
    .expect("book");
    let thursday = find_free_slots_on(
        &conn,
        &late_schedule,
        &consult,
        time::macros::date!(2026 - 12 - 10),
        datetime!(2026-12-10 00:00),
    )
    .expect("slots");
    assert_eq!(clocks(&thursday).last().map(String::as_str), Some("23:15"));
}

#[test]
fn raw_duplicate_insert_is_rejected() {
    let (_dir, conn) = temp_db();
    let insert = "INSERT INTO bookings (appointment, staff, start_at, end_at, caller_name, caller_number,
                      created_at, updated_at)
                  VALUES ('Consultation', NULL, '2026-12-07 09:00:00', '2026-12-07 09:30:00', 'A', '0600000000',
                      '2026-12-01 00:00:00', '2026-12-01 00:00:00')";
    conn.execute(insert, []).expect("first insert");
    assert!(
        conn.execute(insert, []).is_err(),
        "the unique index must refuse a second booked row"
    );
}

#[test]
fn find_by_id_sees_every_status() {
    let (_dir, mut conn) = temp_db();
    let schedule = clinic_hours();
    let consult = kind(30, 0, &[]);
    let booked = book(
        &mut conn,
        &request(&schedule, &consult, datetime!(2026-12-07 09:00), CALLER),
    )
    .expect("book");
    assert_eq!(
        find_by_id(&conn, booked.id).expect("find"),
        Some(booked.clone())
    );
    let cancelled = cancel_by_owner(&mut conn, booked.id).expect("cancel");
    assert_eq!(find_by_id(&conn, booked.id).expect("find"), Some(cancelled));
    assert_eq!(find_by_id(&conn, 9999).expect("find"), None);
}
