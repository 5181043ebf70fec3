//! ISO 8601 weeks as the bookings page names them in its address
//! (`2026-W49`): Monday to Sunday, numbered within their ISO year.

use std::fmt;

use time::{Date, Duration, Weekday};

/// First and last years a week may fall in: the appointment book stores
/// years 1 to 9998.
const YEARS: std::ops::RangeInclusive<i32> = 1..=9998;

/// One Monday-to-Sunday week.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IsoWeek {
    monday: Date,
}

impl IsoWeek {
    /// Returns the week that contains `date`.
    pub fn containing(date: Date) -> IsoWeek {
        let back = i64::from(date.weekday().number_days_from_monday());
        // Only the first days of year -9999 have no Monday in the range of
        // `time`. They stand in for their own Monday, and no page reaches them.
        let monday = date.checked_sub(Duration::days(back)).unwrap_or(date);
        IsoWeek { monday }
    }

    /// Parses `YYYY-Www`, such as `2026-W49`. The error names the value and the expected form.
    pub fn parse(text: &str) -> Result<IsoWeek, String> {
        let invalid = || format!("week {text:?} is not an ISO week; write it as YYYY-Www, such as 2026-W49");
        let (year, week) = text.split_once("-W").ok_or_else(invalid)?;
        let all_digits = |part: &str, length: usize| part.len() == length && part.bytes().all(|b| b.is_ascii_digit());
        if !all_digits(year, 4) || !all_digits(week, 2) {
            return Err(invalid());
        }
        let year: i32 = year.parse().map_err(|_| invalid())?;
        let week: u8 = week.parse().map_err(|_| invalid())?;
        if !YEARS.contains(&year) {
            return Err(format!(
                "week {text:?} is in year {year}, outside the years {} to {} that bookings can have",
                YEARS.start(),
                YEARS.end()
            ));
        }
        let weeks = time::util::weeks_in_year(year);
        if week == 0 || week > weeks {
            return Err(format!("week {text:?} does not exist: {year} has weeks 01 to {weeks}"));
        }
        let monday = Date::from_iso_week_date(year, week, Weekday::Monday).map_err(|_| invalid())?;
        Ok(IsoWeek { monday })
    }

    pub fn monday(self) -> Date {
        self.monday
    }

    /// Returns the seven days of the week, Monday first.
    pub fn days(self) -> Vec<Date> {
        (0..7)
            .filter_map(|offset| self.monday.checked_add(Duration::days(offset)))
            .collect()
    }

    /// Returns the week before, or `None` before the first supported year.
    pub fn previous(self) -> Option<IsoWeek> {
        self.shifted(-7)
    }

    /// Returns the week after, or `None` after the last supported year.
    pub fn next(self) -> Option<IsoWeek> {
        self.shifted(7)
    }

    /// Returns whether `date` falls in this week.
    pub fn contains(self, date: Date) -> bool {
        IsoWeek::containing(date) == self
    }

    fn shifted(self, days: i64) -> Option<IsoWeek> {
        let monday = self.monday.checked_add(Duration::days(days))?;
        let week = IsoWeek { monday };
        YEARS.contains(&week.year()).then_some(week)
    }

    fn year(self) -> i32 {
        self.monday.to_iso_week_date().0
    }

    /// Returns the week number, 1 to 53.
    pub fn number(self) -> u8 {
        self.monday.to_iso_week_date().1
    }
}

impl fmt::Display for IsoWeek {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-W{:02}", self.year(), self.number())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn week_of_a_friday() {
        let week = IsoWeek::containing(date!(2026 - 12 - 04));
        assert_eq!(week.to_string(), "2026-W49");
        assert_eq!(week.monday(), date!(2026 - 11 - 30));
        assert_eq!(week.days().len(), 7);
        assert_eq!(week.days()[6], date!(2026 - 12 - 06));
        assert!(week.contains(date!(2026 - 12 - 06)));
        assert!(!week.contains(date!(2026 - 12 - 07)));
    }

    #[test]
    fn parse_round_trips() {
        for text in ["2026-W49", "2026-W01", "2026-W53", "2027-W52", "0001-W01"] {
            assert_eq!(IsoWeek::parse(text).unwrap().to_string(), text);
        }
    }

    #[test]
    fn weeks_cross_year_ends() {
        // 2026 has 53 weeks; its week 1 starts on Monday 29 December 2025.
        let first = IsoWeek::parse("2026-W01").unwrap();
        assert_eq!(first.monday(), date!(2025 - 12 - 29));
        assert_eq!(first.previous().unwrap().to_string(), "2025-W52");
        let last = IsoWeek::parse("2026-W53").unwrap();
        assert_eq!(last.next().unwrap().to_string(), "2027-W01");
        assert_eq!(IsoWeek::containing(date!(2027 - 01 - 03)), last);
    }

    #[test]
    fn range_ends_have_no_neighbour() {
        assert_eq!(IsoWeek::parse("0001-W01").unwrap().previous(), None);
        let text = format!("9998-W{:02}", time::util::weeks_in_year(9998));
        let last = IsoWeek::parse(&text).unwrap();
        assert_eq!(last.next(), None);
    }

    #[test]
    fn invalid_weeks_are_named() {
        for text in [
            "",
            "2026",
            "2026-49",
            "2026-W4",
            "2026-W049",
            "26-W49",
            "2026-w49",
            "+026-W49",
            "2026-W4a",
        ] {
            let error = IsoWeek::parse(text).unwrap_err();
            assert!(error.contains(&format!("{text:?}")), "{error}");
            assert!(error.contains("YYYY-Www"), "{error}");
        }
        let missing = IsoWeek::parse("2025-W53").unwrap_err();
        assert!(missing.contains("2025 has weeks 01 to 52"), "{missing}");
        assert!(IsoWeek::parse("2026-W00").unwrap_err().contains("does not exist"));
        assert!(IsoWeek::parse("9999-W01").unwrap_err().contains("outside the years"));
        assert!(IsoWeek::parse("0000-W10").unwrap_err().contains("outside the years"));
    }
}
