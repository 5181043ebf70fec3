//! Two calls confirm the same slot at the same moment, each through its own
//! connection to the same SQLite file, as two lines would. Exactly one gets
//! the booking, and the other hears that the slot was just taken before the
//! dialogue offers the next free slots (which this test does not check).

mod common;

use std::sync::{Arc, Barrier};

use standardiste::agent::desk::BookDesk;
use standardiste::agent::dialogue::{Dialogue, Effect};
use standardiste::agent::understand::Understanding;
use standardiste::profile;
use standardiste::store::Store;
use time::macros::datetime;

fn reading(intent: &str, name: &str) -> Understanding {
    let text = format!(
        r#"{{"intent":"{intent}","name":{name},"phone":null,"reason":null,"service":null,"day":null,"time":null,"urgency":"normal","angry":false,"language":"en","reply":"Okay."}}"#
    );
    Understanding::parse(&text).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn two_calls_confirming_one_slot_book_it_once() {
    let dir = tempfile::tempdir().expect("a temp folder");
    let database = dir.path().join("calls.db");
    Store::open(&database).unwrap_or_else(|e| panic!("{e}"));
    let profile = Arc::new(common::profile());
    let now = datetime!(2026-12-04 10:00);

    for round in 0..20 {
        let barrier = Arc::new(Barrier::new(2));
        let callers: Vec<_> = (0..2)
            .map(|line| {
                let barrier = barrier.clone();
                let profile = profile.clone();
                let database = database.clone();
                std::thread::spawn(move || {
                    let mut desk = BookDesk::open(&database, profile::schedule(&profile), profile::services(&profile), None)
                        .unwrap_or_else(|e| panic!("{e}"));
                    let number = format!("07700 90{round:02}{line:02}");
                    let mut dialogue = Dialogue::new(profile::rules(&profile, false), Some(number), false, "en");
                    // Both ask for the nearest cleaning: one hygienist, so one slot.
                    dialogue.respond(&reading("book", "null"), "I'd like a cleaning", now, &mut desk);
                    dialogue.respond(&reading("yes", "null"), "the first one", now, &mut desk);
                    dialogue.respond(&reading("yes", "null"), "yes", now, &mut desk);
                    dialogue.respond(&reading("details", "\"Sam Lee\""), "Sam Lee", now, &mut desk);
                    barrier.wait();
                    dialogue.respond(&reading("yes", "null"), "yes", now, &mut desk)
                })
            })
            .collect();
        let responses: Vec<_> = callers.into_iter().map(|c| c.join().expect("a caller thread")).collect();
        let booked = responses.iter().filter(|r| r.effects.iter().any(|e| matches!(e, Effect::Booked(_)))).count();
        assert_eq!(booked, 1, "round {round}: {responses:#?}");
        let loser = responses.iter().find(|r| r.effects.is_empty()).expect("one call without a booking");
        assert!(loser.spoken().starts_with("I'm sorry, that time has just been taken."), "round {round}: {}", loser.spoken());
    }
    let conn = rusqlite::Connection::open(&database).expect("the database");
    let per_slot: Vec<(String, i64)> = conn
        .prepare("SELECT start_at, COUNT(*) FROM bookings WHERE status = 'booked' GROUP BY staff, start_at")
        .and_then(|mut statement| statement.query_map([], |row| Ok((row.get(0)?, row.get(1)?)))?.collect())
        .expect("the bookings");
    assert_eq!(per_slot.len(), 20, "one new slot taken per round: {per_slot:?}");
    assert!(per_slot.iter().all(|(_, count)| *count == 1), "a slot was booked twice: {per_slot:?}");
}
