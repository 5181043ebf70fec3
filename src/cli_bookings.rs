//! `standardiste bookings`: the appointment book from the command line, and
//! its export as an iCalendar feed for Google Calendar, Outlook or Apple
//! Calendar.

use std::path::PathBuf;

use clap::Args;
use time::{Duration, PrimitiveDateTime};

use crate::config::Config;
use crate::profile::BusinessProfile;

/// Options of `standardiste bookings`.
#[derive(Debug, Args)]
pub struct BookingsArgs {
    /// Days before today to include.
    #[arg(long, default_value_t = 30)]
    pub past_days: u32,
    /// Days after today to include.
    #[arg(long, default_value_t = 180)]
    pub next_days: u32,
    /// Write the bookings as an iCalendar feed to this file (`-` for standard output)
    /// instead of listing them.
    #[arg(long, value_name = "FILE")]
    pub ical: Option<PathBuf>,
}

/// Lists the bookings around today, or writes them as an iCalendar feed.
pub fn run(config: &Config, args: &BookingsArgs) -> Result<(), String> {
    if args.past_days > 3_650 || args.next_days > 3_650 {
        return Err("--past-days and --next-days go up to 3650 (ten years)".to_string());
    }
    let database = config.database_path();
    if !database.is_file() {
        return Err(format!(
            "no call database at {}; it is created by the first call (`make demo` or `standardiste serve`)",
            database.display()
        ));
    }
    let conn = rusqlite::Connection::open_with_flags(&database, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
        .map_err(|e| format!("cannot open {}: {e}", database.display()))?;
    standardiste_booking::configure_connection(&conn).map_err(|e| e.to_string())?;
    let now = crate::agent::prompt::local_now();
    let from = PrimitiveDateTime::new(now.date(), time::Time::MIDNIGHT) - Duration::days(i64::from(args.past_days));
    let to = PrimitiveDateTime::new(now.date(), time::Time::MIDNIGHT) + Duration::days(i64::from(args.next_days) + 1);
    let bookings = match standardiste_booking::list(&conn, from, to) {
        Ok(bookings) => bookings,
        // A database from before the first booking has no appointment table yet.
        Err(error) if error.to_string().contains("no such table") => Vec::new(),
        Err(error) => return Err(format!("cannot read the appointment book: {error}")),
    };

    let Some(path) = &args.ical else {
        if bookings.is_empty() {
            println!("no bookings between {} and {}", from.date(), to.date());
        }
        for booking in &bookings {
            println!(
                "{:>5}  {} {}-{}  {:<10}  {:<24}  {}",
                booking.id,
                booking.start.date(),
                clock(booking.start),
                clock(booking.end),
                booking.status.as_str(),
                booking.appointment,
                booking.caller_name
            );
        }
        return Ok(());
    };
    let name = BusinessProfile::load(&config.profile).map_or_else(|_| "Standardiste".to_string(), |p| p.name);
    let feed = standardiste_booking::ical_feed(&bookings, &name, time::OffsetDateTime::now_utc());
    if path.as_os_str() == "-" {
        print!("{feed}");
        return Ok(());
    }
    // Written beside the target and renamed, so a calendar reading the file never gets half of it.
    let partial = path.with_extension("ics.partial");
    std::fs::write(&partial, feed.as_bytes())
        .and_then(|()| std::fs::rename(&partial, path))
        .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    eprintln!("{} bookings written to {}", bookings.len(), path.display());
    Ok(())
}

fn clock(at: PrimitiveDateTime) -> String {
    format!("{:02}:{:02}", at.hour(), at.minute())
}
