//! The profile as the appointment book reads it: opening hours with closures
//! as a [`standardiste_booking::Schedule`], and appointment types as
//! [`standardiste_booking::AppointmentType`].

use crate::hours::Interval;
use crate::profile::{AppointmentType, BusinessProfile};

impl BusinessProfile {
    /// Builds the appointment book's schedule: the weekly hours, and one
    /// exception per day of each closure with the closure's special hours
    /// (none when the business is closed all day). It sets no blocked
    /// periods and keeps the book's default slot step.
    pub fn booking_schedule(&self) -> standardiste_booking::Schedule {
        let mut schedule = standardiste_booking::Schedule::default();
        for (day, hours) in schedule.weekly.iter_mut().zip(&self.opening_hours.days) {
            *day = book_intervals(&hours.intervals);
        }
        for closure in &self.closures {
            let hours = book_intervals(&closure.hours);
            let mut date = closure.first;
            while date <= closure.last {
                schedule.exceptions.insert(date, hours.clone());
                match date.next_day() {
                    Some(next) => date = next,
                    None => break,
                }
            }
        }
        schedule
    }
}

impl AppointmentType {
    /// Builds the appointment book's type, without the description and
    /// aliases, which only the dialogue uses. Validation keeps the duration
    /// within a day, and a hand-built duration or buffer above 65535 minutes
    /// becomes 65535, which no opening interval can hold.
    pub fn booking_type(&self) -> standardiste_booking::AppointmentType {
        standardiste_booking::AppointmentType {
            name: self.name.clone(),
            duration_min: u16::try_from(self.duration_min).unwrap_or(u16::MAX),
            buffer_min: u16::try_from(self.buffer_min).unwrap_or(u16::MAX),
            staff: self.staff.clone(),
        }
    }
}

fn book_intervals(intervals: &[Interval]) -> Vec<standardiste_booking::Interval> {
    intervals
        .iter()
        .map(|interval| standardiste_booking::Interval {
            open: interval.open,
            close: interval.close,
        })
        .collect()
}
