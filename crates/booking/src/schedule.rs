//! Opening hours, exception days, blocked periods and appointment types: the
//! business's rules that every offered slot and every booking must satisfy.

use std::collections::BTreeMap;

use time::{Date, PrimitiveDateTime};

/// Minutes in a day: the latest closing time that [`Schedule::hours_on`] keeps.
pub const MINUTES_PER_DAY: u16 = 24 * 60;

/// Spacing of slot start times when [`Schedule::slot_step_min`] is 0.
pub const DEFAULT_SLOT_STEP_MIN: u16 = 15;

/// An opening interval of one day, in minutes from midnight: open at `open`,
/// closed from `close` on. `{ open: 540, close: 720 }` is 09:00 to 12:00.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Interval {
    pub open: u16,
    pub close: u16,
}

impl Interval {
    /// Builds an interval from wall-clock hours and minutes:
    /// `Interval::hm(9, 0, 12, 30)` is 09:00 to 12:30.
    pub fn hm(open_hour: u8, open_minute: u8, close_hour: u8, close_minute: u8) -> Interval {
        Interval {
            open: u16::from(open_hour) * 60 + u16::from(open_minute),
            close: u16::from(close_hour) * 60 + u16::from(close_minute),
        }
    }
}

impl std::fmt::Display for Interval {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
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

/// The business's opening hours in local wall-clock time (no time zone).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Schedule {
    /// Opening intervals of each weekday, index 0 = Monday, 6 = Sunday.
    /// An empty list means closed that weekday.
    pub weekly: [Vec<Interval>; 7],
    /// Dates whose intervals replace the weekly ones. An empty list means
    /// closed all day (a public holiday, a vacation day).
    pub exceptions: BTreeMap<Date, Vec<Interval>>,
    /// Periods closed to all bookings (staff training, a mid-day closure),
    /// as `(start, end)` with the end excluded. A period with `end <= start`
    /// blocks nothing.
    pub blocked: Vec<(PrimitiveDateTime, PrimitiveDateTime)>,
    /// Spacing of offered start times in minutes, counted from midnight, so
    /// 15 offers 09:00, 09:15, 09:30. 0 means [`DEFAULT_SLOT_STEP_MIN`].
    /// [`crate::book`] does not enforce this grid, so the owner can still
    /// book 09:05 by hand.
    pub slot_step_min: u16,
}

impl Schedule {
    /// Returns the opening intervals of `date`, sorted, with overlapping or
    /// touching intervals merged (09:00-12:00 and 12:00-14:00 become
    /// 09:00-14:00), closing times past 24:00 cut to 24:00 and empty or
    /// reversed intervals dropped. An exception for `date` replaces the
    /// weekly hours.
    pub fn hours_on(&self, date: Date) -> Vec<Interval> {
        let listed = match self.exceptions.get(&date) {
            Some(intervals) => intervals,
            None => &self.weekly[usize::from(date.weekday().number_days_from_monday())],
        };
        let mut intervals: Vec<Interval> = listed
            .iter()
            .map(|interval| Interval {
                open: interval.open.min(MINUTES_PER_DAY),
                close: interval.close.min(MINUTES_PER_DAY),
            })
            .filter(|interval| interval.open < interval.close)
            .collect();
        intervals.sort();

        let mut merged: Vec<Interval> = Vec::with_capacity(intervals.len());
        for interval in intervals {
            match merged.last_mut() {
                Some(last) if interval.open <= last.close => {
                    last.close = last.close.max(interval.close);
                }
                _ => merged.push(interval),
            }
        }
        merged
    }

    /// Returns the slot step in minutes, never 0.
    pub fn step_min(&self) -> u16 {
        if self.slot_step_min == 0 {
            DEFAULT_SLOT_STEP_MIN
        } else {
            self.slot_step_min
        }
    }

    /// Returns the first blocked period that overlaps `[start, end)`.
    pub fn blocked_overlap(
        &self,
        start: PrimitiveDateTime,
        end: PrimitiveDateTime,
    ) -> Option<(PrimitiveDateTime, PrimitiveDateTime)> {
        self.blocked
            .iter()
            .copied()
            .find(|&(blocked_start, blocked_end)| start < blocked_end && blocked_start < end)
    }
}

/// A kind of appointment the business offers ("Consultation", "Boiler repair").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppointmentType {
    /// Name stored in each booking and shown in the calendar.
    pub name: String,
    /// Length of the appointment in minutes. 0 makes the type unbookable.
    pub duration_min: u16,
    /// Minutes kept free after each appointment of this type (cleaning,
    /// travel, notes) before the same staff member can start another one.
    pub buffer_min: u16,
    /// Staff members who can take this appointment, in order of preference.
    /// Each is an independent resource. Empty means a single shared resource,
    /// the business itself, stored as staff `None`.
    pub staff: Vec<String>,
}

/// A free time that can be offered to a caller.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Slot {
    pub start: PrimitiveDateTime,
    /// End of the appointment, without the buffer.
    pub end: PrimitiveDateTime,
    /// The first free staff member in [`AppointmentType::staff`] order, or
    /// `None` when the type has no staff list.
    pub staff: Option<String>,
}
