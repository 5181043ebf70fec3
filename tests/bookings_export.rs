//! `standardiste bookings`: the appointment book listed and exported as an
//! iCalendar feed by the real binary, from a real SQLite file.

use std::path::Path;
use std::process::Command;

use standardiste::profile::{self, BusinessProfile};
use standardiste::store::Store;
use standardiste_booking as booking;
use time::{OffsetDateTime, PrimitiveDateTime, Time, Weekday};

fn workspace() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn run(config: &Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_standardiste"))
        .arg("--config")
        .arg(config)
        .arg("bookings")
        .args(args)
        .output()
        .expect("the binary runs")
}

/// Returns the first Tuesday after today at 10:00, inside the example profile's hours.
fn next_tuesday() -> PrimitiveDateTime {
    let mut day = OffsetDateTime::now_utc().date().next_day().unwrap();
    while day.weekday() != Weekday::Tuesday {
        day = day.next_day().unwrap();
    }
    PrimitiveDateTime::new(day, Time::from_hms(10, 0, 0).unwrap())
}

#[test]
fn bookings_are_listed_and_exported_as_icalendar() {
    let dir = tempfile::tempdir().unwrap();
    let profile_path = workspace().join("config/profile.toml");
    let config = dir.path().join("standardiste.toml");
    std::fs::write(
        &config,
        format!("data_dir = {:?}\nprofile = {:?}\n", dir.path().join("var"), profile_path),
    )
    .unwrap();

    let missing = run(&config, &[]);
    assert!(!missing.status.success());
    let error = String::from_utf8_lossy(&missing.stderr);
    assert!(error.contains("no call database at"), "{error}");

    std::fs::create_dir_all(dir.path().join("var")).unwrap();
    let database = dir.path().join("var/calls.db");
    drop(Store::open(&database).unwrap());
    let business = BusinessProfile::load(&profile_path).unwrap();
    let schedule = profile::schedule(&business);
    let services = profile::services(&business);
    let start = next_tuesday();
    let mut conn = rusqlite::Connection::open(&database).unwrap();
    booking::book(
        &mut conn,
        &booking::NewBooking {
            schedule: &schedule,
            kind: &services[0].kind,
            staff: None,
            start,
            caller_name: "Tom <b>Baker</b>".to_string(),
            caller_number: "+44 7700 900301".to_string(),
            call_id: None,
            notes: String::new(),
        },
    )
    .unwrap();

    let listed = run(&config, &[]);
    assert!(listed.status.success(), "{}", String::from_utf8_lossy(&listed.stderr));
    let listing = String::from_utf8_lossy(&listed.stdout);
    assert!(listing.contains(&start.date().to_string()), "{listing}");
    assert!(listing.contains("10:00-10:30"), "{listing}");
    assert!(listing.contains("Check-up"), "{listing}");

    let feed_path = dir.path().join("bookings.ics");
    let exported = run(&config, &["--ical", feed_path.to_str().unwrap()]);
    assert!(exported.status.success(), "{}", String::from_utf8_lossy(&exported.stderr));
    let feed = std::fs::read_to_string(&feed_path).unwrap();
    assert!(feed.starts_with("BEGIN:VCALENDAR\r\n"), "{feed}");
    assert!(feed.trim_end().ends_with("END:VCALENDAR"), "{feed}");
    assert_eq!(feed.matches("BEGIN:VEVENT").count(), 1, "{feed}");
    let dtstart = format!("DTSTART:{}", start.format(time::macros::format_description!("[year][month][day]T[hour][minute][second]")).unwrap());
    assert!(feed.contains(&dtstart), "{feed}");
    assert!(feed.contains("Harbor Dental Clinic"), "{feed}");
    assert!(!dir.path().join("bookings.ics.partial").exists(), "the partial file is renamed");

    let stdout = run(&config, &["--ical", "-", "--next-days", "0", "--past-days", "0"]);
    assert!(stdout.status.success());
    let today_only = String::from_utf8_lossy(&stdout.stdout);
    assert!(today_only.starts_with("BEGIN:VCALENDAR"), "{today_only}");
    assert!(!today_only.contains("BEGIN:VEVENT"), "the booking is after today: {today_only}");

    let too_far = run(&config, &["--next-days", "4000"]);
    assert!(!too_far.status.success());
    assert!(String::from_utf8_lossy(&too_far.stderr).contains("--next-days"));
}
