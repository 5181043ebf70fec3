//! Checks shared by the slot search and by booking: does a time fit the
//! opening hours, and does it collide with another appointment's time or buffer.

use time::{Date, Duration, PrimitiveDateTime, Time};

use crate::booking::{Booking, Status};
use crate::schedule::{Interval, Schedule};

/// Adds `minutes` to `at`, or returns `None` past the last date `time` supports.
pub(crate) fn plus_minutes(at: PrimitiveDateTime, minutes: u32) -> Option<PrimitiveDateTime> {
    at.checked_add(Duration::minutes(i64::from(minutes)))
}

/// Returns whether `a < b + minutes`, counting a sum past the last supported date as later than any `a`.
fn before_plus(a: PrimitiveDateTime, b: PrimitiveDateTime, minutes: u16) -> bool {
    match plus_minutes(b, u32::from(minutes)) {
        Some(limit) => a < limit,
        None => true,
    }
}

/// Returns whether a new appointment `[start, end)` followed by `buffer_min` minutes
/// collides with `existing`, a booked appointment followed by its own buffer.
/// Cancelled bookings and other staff members never collide.
pub(crate) fn collides(
    start: PrimitiveDateTime,
    end: PrimitiveDateTime,
    buffer_min: u16,
    staff: Option<&str>,
    existing: &Booking,
) -> bool {
    existing.status == Status::Booked
        && existing.staff.as_deref() == staff
        && before_plus(start, existing.end, existing.buffer_min)
        && before_plus(existing.start, end, buffer_min)
}

/// Seconds from midnight of `time`.
fn seconds_of_day(time: Time) -> i64 {
    i64::from(time.hour()) * 3600 + i64::from(time.minute()) * 60 + i64::from(time.second())
}

/// Formats `HH:MM` for messages.
pub(crate) fn clock(time: Time) -> String {
    format!("{:02}:{:02}", time.hour(), time.minute())
}

/// Formats `YYYY-MM-DD HH:MM` for messages.
pub(crate) fn date_clock(at: PrimitiveDateTime) -> String {
    format!("{} {}", at.date(), clock(at.time()))
}

fn describe_day(date: Date) -> String {
    format!("{date} ({})", date.weekday())
}

fn list_hours(hours: &[Interval]) -> String {
    hours
        .iter()
        .map(Interval::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

/// Checks that `[start, end)` lies inside one opening interval of
/// `start`'s date and overlaps no blocked period. The error is a sentence that
/// names the time and the rule it breaks.
pub(crate) fn check_fits_schedule(
    schedule: &Schedule,
    start: PrimitiveDateTime,
    end: PrimitiveDateTime,
) -> Result<(), String> {
    if end <= start {
        return Err(format!(
            "the appointment at {} ends at {}, not after its start; use an appointment type with a duration above 0",
            date_clock(start),
            date_clock(end)
        ));
    }
    let date = start.date();
    let hours = schedule.hours_on(date);
    if hours.is_empty() {
        let reason = if schedule.exceptions.contains_key(&date) {
            "closed that day by an exception"
        } else {
            "closed that weekday"
        };
        return Err(format!(
            "{} is outside the opening hours: the business is {reason}; pick another day",
            describe_day(date)
        ));
    }

    let start_second = seconds_of_day(start.time());
    let end_second = start_second + (end - start).whole_seconds();
    let fits = hours.iter().any(|interval| {
        i64::from(interval.open) * 60 <= start_second
            && end_second <= i64::from(interval.close) * 60
    });
    if !fits {
        let opened = hours.iter().find(|interval| {
            i64::from(interval.open) * 60 <= start_second
                && start_second < i64::from(interval.close) * 60
        });
        return Err(match opened {
            Some(interval) => format!(
                "an appointment starting at {} on {} would end at {}, after closing time {:02}:{:02}; pick an earlier start",
                clock(start.time()),
                describe_day(date),
                clock(end.time()),
                interval.close / 60,
                interval.close % 60
            ),
            None => format!(
                "{} on {} is outside the opening hours ({}); pick a time inside them",
                clock(start.time()),
                describe_day(date),
                list_hours(&hours)
            ),
        });
    }

    if let Some((blocked_start, blocked_end)) = schedule.blocked_overlap(start, end) {
        return Err(format!(
            "the appointment {} to {} overlaps the blocked period {} to {}; pick a time outside it",
            date_clock(start),
            date_clock(end),
            date_clock(blocked_start),
            date_clock(blocked_end)
        ));
    }
    Ok(())
}
