//! Questions about when the business is open, with closures applied.

use time::{Date, Duration, PrimitiveDateTime, Time};

use crate::hours::Interval;
use crate::BusinessProfile;

/// How far ahead [`BusinessProfile::next_opening`] looks: two years covers any weekly
/// timetable plus a long closure.
const SEARCH_DAYS: i64 = 731;

impl BusinessProfile {
    /// Opening intervals on `date`: a closure's special hours (or none) when a closure covers
    /// the date, the weekly timetable otherwise.
    pub fn hours_on(&self, date: Date) -> Vec<Interval> {
        match self.closure_on(date) {
            Some(closure) => closure.hours.clone(),
            None => self.opening_hours.on(date.weekday()).intervals.clone(),
        }
    }

    /// Returns the closure that covers `date`, if any. Validation rejects overlapping closures, so there is at most one.
    pub fn closure_on(&self, date: Date) -> Option<&crate::Closure> {
        self.closures.iter().find(|closure| closure.covers(date))
    }

    /// Tells whether the business is open at `at`, local time.
    pub fn is_open_at(&self, at: PrimitiveDateTime) -> bool {
        let minute = minute_of_day(at.time());
        self.hours_on(at.date())
            .iter()
            .any(|interval| interval.contains(minute))
    }

    /// Returns the start of the first opening interval at or after `after`.
    ///
    /// While the business is open this is the next interval's start (after lunch, say), not
    /// `after`. Returns `None` when the business never opens in the next two years.
    pub fn next_opening(&self, after: PrimitiveDateTime) -> Option<PrimitiveDateTime> {
        let mut date = after.date();
        for _ in 0..SEARCH_DAYS {
            for interval in self.hours_on(date) {
                let start = date.midnight() + Duration::minutes(i64::from(interval.open));
                if start >= after {
                    return Some(start);
                }
            }
            date = date.next_day()?;
        }
        None
    }
}

fn minute_of_day(time: Time) -> u16 {
    u16::from(time.hour()) * 60 + u16::from(time.minute())
}
