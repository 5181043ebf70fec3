//! When the caller would like to come, from the day and time the model
//! extracted ("tuesday", "afternoon") and the time of the call.

use time::{Date, Duration, PrimitiveDateTime, Time, Weekday};

/// A caller's wish for an appointment time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Preference {
    pub date: Option<Date>,
    /// Earliest and latest start, in minutes from midnight.
    pub window: Option<(u16, u16)>,
}

const MORNING: (u16, u16) = (6 * 60, 12 * 60);
const AFTERNOON: (u16, u16) = (13 * 60, 18 * 60);
const EVENING: (u16, u16) = (17 * 60, 22 * 60);

/// Reads the model's `day` and `time` fields. A weekday means its next
/// occurrence after today ("Monday" said on a Monday is next week's);
/// a date in the past is ignored. An exact time allows starts up to an hour later.
pub fn resolve(day: Option<&str>, time: Option<&str>, now: PrimitiveDateTime) -> Preference {
    let today = now.date();
    let date = day.and_then(|day| match day {
        "today" => Some(today),
        "tomorrow" => today.next_day(),
        _ => match weekday(day) {
            Some(weekday) => Some(next_weekday(today, weekday)),
            None => Date::parse(day, time::macros::format_description!("[year]-[month]-[day]"))
                .ok()
                .filter(|date| *date >= today),
        },
    });
    let window = time.and_then(|time| match time {
        "morning" => Some(MORNING),
        "afternoon" => Some(AFTERNOON),
        "evening" => Some(EVENING),
        clock => {
            let (hours, minutes) = clock.split_once(':')?;
            let start = hours.parse::<u16>().ok()? * 60 + minutes.parse::<u16>().ok()?;
            (start < 24 * 60).then_some((start, (start + 60).min(24 * 60 - 1)))
        }
    });
    Preference { date, window }
}

impl Preference {
    /// The earliest moment worth searching from.
    pub fn search_from(&self, now: PrimitiveDateTime) -> PrimitiveDateTime {
        let Some(date) = self.date else {
            return now;
        };
        let start = self.window.map_or(0, |(start, _)| start);
        let time = Time::from_hms(u8::try_from(start / 60).unwrap_or(0), (start % 60) as u8, 0).unwrap_or(Time::MIDNIGHT);
        PrimitiveDateTime::new(date, time).max(now)
    }

    /// Whether a start time matches the wish.
    pub fn accepts(&self, start: PrimitiveDateTime) -> bool {
        if self.date.is_some_and(|date| date != start.date()) {
            return false;
        }
        let minutes = u16::from(start.hour()) * 60 + u16::from(start.minute());
        self.window.is_none_or(|(from, to)| (from..=to).contains(&minutes))
    }

    pub fn is_empty(&self) -> bool {
        self.date.is_none() && self.window.is_none()
    }
}

/// Returns the weekday of a lowercase English name ("monday").
pub(super) fn weekday(name: &str) -> Option<Weekday> {
    Some(match name {
        "monday" => Weekday::Monday,
        "tuesday" => Weekday::Tuesday,
        "wednesday" => Weekday::Wednesday,
        "thursday" => Weekday::Thursday,
        "friday" => Weekday::Friday,
        "saturday" => Weekday::Saturday,
        "sunday" => Weekday::Sunday,
        _ => return None,
    })
}

fn next_weekday(today: Date, weekday: Weekday) -> Date {
    let ahead = (weekday.number_days_from_monday() + 7 - today.weekday().number_days_from_monday()) % 7;
    let ahead = if ahead == 0 { 7 } else { ahead };
    today.saturating_add(Duration::days(i64::from(ahead)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{date, datetime};

    // Friday 4 December 2026, 16:00.
    const NOW: PrimitiveDateTime = datetime!(2026-12-04 16:00);

    #[test]
    fn days_resolve_from_the_call_date() {
        let cases = [
            (Some("today"), date!(2026-12-04)),
            (Some("tomorrow"), date!(2026-12-05)),
            (Some("tuesday"), date!(2026-12-08)),
            (Some("friday"), date!(2026-12-11)),
            (Some("2026-12-21"), date!(2026-12-21)),
        ];
        for (day, expected) in cases {
            assert_eq!(resolve(day, None, NOW).date, Some(expected), "{day:?}");
        }
        assert_eq!(resolve(Some("2026-01-02"), None, NOW).date, None, "a past date is ignored");
        assert_eq!(resolve(Some("someday"), None, NOW).date, None);
    }

    #[test]
    fn times_become_windows() {
        assert_eq!(resolve(None, Some("morning"), NOW).window, Some(MORNING));
        assert_eq!(resolve(None, Some("14:30"), NOW).window, Some((870, 930)));
        assert_eq!(resolve(None, Some("99:99"), NOW).window, None);
        assert_eq!(resolve(None, Some("soon"), NOW).window, None);
    }

    #[test]
    fn a_preference_filters_start_times() {
        let tuesday_afternoon = resolve(Some("tuesday"), Some("afternoon"), NOW);
        assert!(tuesday_afternoon.accepts(datetime!(2026-12-08 14:00)));
        assert!(!tuesday_afternoon.accepts(datetime!(2026-12-08 09:00)));
        assert!(!tuesday_afternoon.accepts(datetime!(2026-12-09 14:00)));
        assert_eq!(tuesday_afternoon.search_from(NOW), datetime!(2026-12-08 13:00));
        assert_eq!(Preference::default().search_from(NOW), NOW);
    }
}
