//! The crate's tables and the connection settings its functions rely on.

use std::time::Duration;

use rusqlite::Connection;

/// Schema steps of the booking tables. Entry `i` upgrades the component's
/// version `i` to `i + 1`. The application's store applies the entries the
/// database has not seen and records the version. A released entry never
/// changes, so a schema change gets a new entry.
///
/// Times are stored as `YYYY-MM-DD HH:MM:SS` text, local wall-clock time for
/// `start_at` and `end_at` and UTC for `created_at` and `updated_at`. That
/// format sorts in time order and is the one SQLite's `datetime()` returns.
pub const MIGRATIONS: &[&str] = &[
    // 0 -> 1: the bookings table.
    "CREATE TABLE bookings (
        id            INTEGER PRIMARY KEY,
        appointment   TEXT    NOT NULL,
        staff         TEXT,
        start_at      TEXT    NOT NULL,
        end_at        TEXT    NOT NULL,
        buffer_min    INTEGER NOT NULL DEFAULT 0 CHECK (buffer_min BETWEEN 0 AND 65535),
        caller_name   TEXT    NOT NULL,
        caller_number TEXT    NOT NULL,
        caller_key    TEXT,
        call_id       INTEGER,
        status        TEXT    NOT NULL DEFAULT 'booked' CHECK (status IN ('booked', 'cancelled')),
        created_at    TEXT    NOT NULL,
        updated_at    TEXT    NOT NULL,
        sequence      INTEGER NOT NULL DEFAULT 0,
        notes         TEXT    NOT NULL DEFAULT '',
        CHECK (end_at > start_at)
    );
    CREATE INDEX bookings_start ON bookings(start_at);
    CREATE INDEX bookings_staff_start ON bookings(staff, start_at) WHERE status = 'booked';
    CREATE INDEX bookings_caller ON bookings(caller_key, start_at) WHERE status = 'booked';
    CREATE INDEX bookings_call ON bookings(call_id) WHERE call_id IS NOT NULL;
    -- Last line of defence against a double booking written around book():
    -- two booked rows of one resource cannot share a start time.
    CREATE UNIQUE INDEX bookings_one_per_start
        ON bookings(ifnull(staff, ''), start_at) WHERE status = 'booked';",
];

/// How long a connection waits for another writer's lock before
/// [`crate::BookingError::Busy`].
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// Sets the connection options the booking functions need: a busy timeout of
/// [`BUSY_TIMEOUT`], so that a writer that finds the database locked by
/// another connection waits for it instead of failing at once. Each write
/// takes the write lock when its transaction begins (`BEGIN IMMEDIATE`), so
/// two concurrent bookings run one after the other and the second reads the
/// first one's row. Call this on every connection passed to this crate.
pub fn configure_connection(conn: &Connection) -> rusqlite::Result<()> {
    conn.busy_timeout(BUSY_TIMEOUT)
}
