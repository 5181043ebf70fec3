//! Two connections booking the same time at the same instant: exactly one wins.

mod support;

use std::path::Path;
use std::sync::{Arc, Barrier};
use std::thread;

use standardiste_booking::{book, Booking, BookingError};
use support::*;
use time::macros::datetime;
use time::Duration;

const ROUNDS: i64 = 50;

fn race_once(path: &Path, start: time::PrimitiveDateTime) -> Vec<Result<Booking, BookingError>> {
    let barrier = Arc::new(Barrier::new(2));
    let handles: Vec<_> = ["0611111111", "0622222222"]
        .into_iter()
        .map(|number| {
            let barrier = Arc::clone(&barrier);
            let path = path.to_path_buf();
            thread::spawn(move || {
                let mut conn = open_db(&path);
                let schedule = always_open();
                let consult = kind(30, 0, &[]);
                barrier.wait();
                book(&mut conn, &request(&schedule, &consult, start, number))
            })
        })
        .collect();
    handles
        .into_iter()
        .map(|handle| handle.join().expect("booking thread panicked"))
        .collect()
}

fn race_rounds(journal_mode: &str) {
    let dir = tempfile::tempdir().expect("create a temporary directory");
    let path = dir.path().join("book.db");
    let conn = open_db(&path);
    conn.pragma_update(None, "journal_mode", journal_mode)
        .expect("set the journal mode");

    for round in 0..ROUNDS {
        let start = datetime!(2026-12-07 08:00) + Duration::minutes(30 * round);
        let results = race_once(&path, start);
        let won = results.iter().filter(|result| result.is_ok()).count();
        let taken = results
            .iter()
            .filter(|result| matches!(result, Err(BookingError::Taken)))
            .count();
        assert_eq!(won, 1, "round {round}: {results:?}");
        assert_eq!(taken, 1, "round {round}: {results:?}");

        let rows: i64 = conn
            .query_row(
                "SELECT count(*) FROM bookings WHERE start_at = ?1",
                [format!(
                    "{} {:02}:{:02}:00",
                    start.date(),
                    start.hour(),
                    start.minute()
                )],
                |row| row.get(0),
            )
            .expect("count the round's rows");
        assert_eq!(rows, 1, "round {round}");
    }
    assert_eq!(count_rows(&conn), ROUNDS);
}

#[test]
fn race_rollback_journal() {
    race_rounds("DELETE");
}

#[test]
fn race_wal() {
    race_rounds("WAL");
}
