//! The dashboard at `/`: for the owner of the business, how many calls the
//! box took over the last 7, 30 or 90 days, how they ended, what callers
//! wanted, and how many callbacks still wait.
//!
//! The period is `?days=7|30|90` (7 when absent) and ends today, local time.

mod charts;
mod page;
mod stats;
#[cfg(test)]
mod stats_tests;

use std::path::Path;
use std::sync::Arc;

use axum::extract::{RawQuery, State};
use axum::response::Html;
use axum::routing::get;
use axum::Router;
use rusqlite::{Connection, OpenFlags};
use standardiste_profile::BusinessProfile;

use crate::error::PageError;
use crate::guard::{form_urlencoded_pairs, Admin};
use crate::pages::format;
use crate::server::Console;
use page::{AfterHours, Dashboard};
use stats::{Period, PERIOD_DAYS};

/// Period shown when the address names none, in days.
const DEFAULT_DAYS: u32 = 7;

pub fn routes() -> Router<Arc<Console>> {
    Router::new().route("/", get(show))
}

async fn show(
    State(console): State<Arc<Console>>,
    Admin(session): Admin,
    RawQuery(query): RawQuery,
) -> Result<Html<String>, PageError> {
    let days = period_days(query.as_deref().unwrap_or(""))?;
    let today = format::local_now(console.settings.fixed_now).date();
    let period = Period::ending(today, days, format::local_offset());
    let database = console.settings.database.clone();
    let profile = console.settings.profile.clone();
    let dashboard = tokio::task::spawn_blocking(move || load(&database, &profile, period)).await??;
    Ok(page::render(&session, &dashboard))
}

/// Reads the period's length from the query string: one of [`PERIOD_DAYS`].
fn period_days(query: &str) -> Result<u32, PageError> {
    let pairs = form_urlencoded_pairs(query.as_bytes());
    let values: Vec<&str> = pairs
        .iter()
        .filter(|(name, _)| name == "days")
        .map(|(_, value)| value.as_str())
        .collect();
    let offered = "use days=7, days=30 or days=90";
    match values.as_slice() {
        [] => Ok(DEFAULT_DAYS),
        [value] => PERIOD_DAYS
            .into_iter()
            .find(|days| days.to_string() == *value)
            .ok_or_else(|| PageError::BadRequest(format!("the period days={value} is invalid; {offered}"))),
        several => Err(PageError::BadRequest(format!(
            "the period is given {} times (days={}); give it once: {offered}",
            several.len(),
            several.join(", days=")
        ))),
    }
}

/// Computes the dashboard from the call database and the business profile.
/// Runs on a blocking thread.
fn load(database: &Path, profile: &Path, period: Period) -> Result<Dashboard, PageError> {
    let mut conn = open_database(database)?;
    // A single read transaction gives every figure the same snapshot while
    // the daemon writes.
    let snapshot = conn.transaction()?;
    let stats = stats::collect(&snapshot, &period)?;
    let after_hours = match BusinessProfile::load(profile) {
        Ok(profile) => AfterHours::Counted(stats::after_hours(&snapshot, &period, &profile)?),
        Err(error) => {
            tracing::debug!(%error, "the dashboard cannot count after-hours calls");
            AfterHours::Unavailable(error.to_string())
        }
    };
    snapshot.finish()?;
    Ok(Dashboard {
        period,
        stats,
        after_hours,
    })
}

/// Opens the call database that the daemon made. A missing file is an error
/// rather than a new empty database.
fn open_database(path: &Path) -> Result<Connection, PageError> {
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = Connection::open_with_flags(path, flags).map_err(|error| {
        PageError::Database(format!(
            "cannot open {} ({error}); the daemon creates it on its first start, so start standardiste once",
            path.display()
        ))
    })?;
    standardiste_booking::configure_connection(&conn)?;
    Ok(conn)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn period_comes_from_days() {
        assert_eq!(period_days("").unwrap(), 7);
        assert_eq!(period_days("days=30").unwrap(), 30);
        assert_eq!(period_days("other=1&days=90").unwrap(), 90);
    }

    #[test]
    fn invalid_period_is_named() {
        let message = period_days("days=14").unwrap_err().to_string();
        assert_eq!(message, "the period days=14 is invalid; use days=7, days=30 or days=90");
        let message = period_days("days=").unwrap_err().to_string();
        assert!(message.contains("days= is invalid"), "{message}");
        let message = period_days("days=7&days=30").unwrap_err().to_string();
        assert!(message.contains("given 2 times (days=7, days=30)"), "{message}");
    }
}
