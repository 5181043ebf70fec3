//! Opening hours: the weekly timetable, closures and the `HH:MM-HH:MM` format.

use std::fmt;

use time::{Date, Weekday};

/// Days of the week as the profile spells them, Monday first.
pub const WEEKDAYS: [&str; 7] = [
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
];

/// An opening interval in minutes from midnight; `close` is at most 1440 (24:00).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Interval {
    pub open: u16,
    pub close: u16,
}

impl Interval {
    /// Tells whether the minute of the day `minute` falls in the interval (`close` excluded).
    pub fn contains(&self, minute: u16) -> bool {
        self.open <= minute && minute < self.close
    }
}

impl fmt::Display for Interval {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:02}:{:02}-{:02}:{:02}",
            self.open / 60,
            self.open % 60,
            self.close / 60,
            self.close % 60
        )
    }
}

/// Hours of one weekday: the text as written and the intervals parsed from it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DayHours {
    /// The text from the profile, trimmed; `None` when the day is not listed (closed).
    pub text: Option<String>,
    /// Opening intervals in time order; empty when closed.
    pub intervals: Vec<Interval>,
}

/// The weekly timetable, indexed Monday first.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WeeklyHours {
    pub days: [DayHours; 7],
}

impl WeeklyHours {
    /// Hours of `weekday` before closures apply.
    pub fn on(&self, weekday: Weekday) -> &DayHours {
        &self.days[usize::from(weekday.number_days_from_monday())]
    }
}

/// A date or range of dates when the usual hours do not apply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Closure {
    /// First day of the closure.
    pub first: Date,
    /// Last day of the closure, included; equal to `first` for a single day.
    pub last: Date,
    /// Special hours on these days; empty when the business is closed all day.
    pub hours: Vec<Interval>,
    /// Why, as callers may be told (`"Christmas"`).
    pub reason: Option<String>,
}

impl Closure {
    /// Tells whether `date` falls in the closure.
    pub fn covers(&self, date: Date) -> bool {
        self.first <= date && date <= self.last
    }
}

/// Parses `"closed"` or comma-separated `HH:MM-HH:MM` intervals in time order.
///
/// The error is the problem as a sentence, without the field name.
pub fn parse_hours(text: &str) -> Result<Vec<Interval>, String> {
    let text = text.trim();
    if text.eq_ignore_ascii_case("closed") {
        return Ok(Vec::new());
    }
    let mut intervals: Vec<Interval> = Vec::new();
    for part in text.split(',') {
        let part = part.trim();
        let (open, close) = part
            .split_once('-')
            .ok_or_else(|| format!("`{part}` is not an interval of the form HH:MM-HH:MM"))?;
        let open = parse_clock(open)?;
        let close = parse_clock(close)?;
        if close <= open {
            return Err(format!("the interval `{part}` closes before it opens"));
        }
        if let Some(last) = intervals.last() {
            if close <= last.open {
                return Err(format!(
                    "the interval `{part}` is listed after the later interval `{last}`"
                ));
            }
            if open < last.close {
                return Err(format!("the interval `{part}` overlaps `{last}`"));
            }
        }
        intervals.push(Interval { open, close });
    }
    Ok(intervals)
}

/// Parses `HH:MM`, 24-hour, into minutes from midnight; `24:00` is allowed as a closing time.
pub fn parse_clock(text: &str) -> Result<u16, String> {
    let text = text.trim();
    let invalid = || format!("`{text}` is not a time of the form HH:MM, 24-hour");
    let (hours, minutes) = text.split_once(':').ok_or_else(invalid)?;
    if minutes.len() != 2 {
        return Err(invalid());
    }
    let hours: u16 = hours.parse().map_err(|_| invalid())?;
    let minutes: u16 = minutes.parse().map_err(|_| invalid())?;
    if hours > 24 || minutes > 59 || (hours == 24 && minutes > 0) {
        return Err(invalid());
    }
    Ok(hours * 60 + minutes)
}

/// Returns the weekday's name capitalized (`Monday`).
pub(crate) fn capitalized(day: &str) -> String {
    let mut name = day.to_string();
    if let Some(first) = name.get_mut(..1) {
        first.make_ascii_uppercase();
    }
    name
}
