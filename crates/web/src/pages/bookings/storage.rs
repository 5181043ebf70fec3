//! Access to the appointment book in the call database and to the business
//! profile, for the bookings handlers to run on a blocking thread.

use std::sync::Arc;

use rusqlite::{Connection, OpenFlags};
use standardiste_booking::BookingError;
use standardiste_profile::BusinessProfile;

use crate::error::PageError;
use crate::server::Console;

/// Runs `work` on tokio's blocking pool, since SQLite and file reads block.
pub async fn blocking<T, F>(console: &Arc<Console>, work: F) -> Result<T, PageError>
where
    T: Send + 'static,
    F: FnOnce(&Console) -> Result<T, PageError> + Send + 'static,
{
    let console = console.clone();
    tokio::task::spawn_blocking(move || work(&console)).await?
}

/// Opens the call database for reading and writing bookings. It never
/// creates the file, because only the daemon creates the tables.
pub fn open_book(console: &Console) -> Result<Connection, PageError> {
    let path = &console.settings.database;
    let failed = |error: rusqlite::Error| {
        PageError::Database(format!(
            "cannot open {}: {error}; check the database path in the configuration, or start the daemon once to create it",
            path.display()
        ))
    };
    let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_WRITE).map_err(failed)?;
    standardiste_booking::configure_connection(&conn).map_err(failed)?;
    Ok(conn)
}

/// Reads the business profile. The error is a sentence naming the file and
/// every invalid field.
pub fn load_profile(console: &Console) -> Result<BusinessProfile, String> {
    BusinessProfile::load(&console.settings.profile).map_err(|error| error.to_string())
}

/// Reads the business profile for a change to the book, which needs its
/// opening hours and appointment types.
pub fn profile_for_change(console: &Console) -> Result<BusinessProfile, PageError> {
    load_profile(console).map_err(|problem| {
        PageError::Internal(format!(
            "no booking can be changed while the profile is invalid: {problem}; fix it on the Settings page"
        ))
    })
}

/// Converts a failure of the book that no form field explains.
pub fn book_failure(error: BookingError) -> PageError {
    PageError::Database(format!("the appointment book failed: {error}"))
}
