//! Opening-hours replies, built from the profile's timetable.
//!
//! The model is not asked: the small one confuses the time now, which its
//! prompt states, with an opening time ("we open on Saturday at 13:51"
//! asked on a Saturday afternoon), and such an answer can only be declined.
//! The timetable already contains the reply, closures included.

use standardiste_booking::Schedule;
use time::{Date, Duration, PrimitiveDateTime, Time, Weekday};

use super::words::{self, Tongue};

/// Days searched for the next opening when the business is closed now: two
/// weeks cover a closure over the holidays.
const LOOK_AHEAD_DAYS: i64 = 14;

/// Builds the reply to a question about opening hours. `day` is the day the
/// caller named, spelled as in the understanding ("today", "tomorrow", a
/// lowercase English weekday). Without one, the reply covers today, or the
/// next opening once today's hours are over. Returns `None` when the profile
/// gives no hours at all, so that the model replies from the facts.
pub fn answer(tongue: Tongue, schedule: &Schedule, day: Option<&str>, now: PrimitiveDateTime) -> Option<String> {
    let has_hours = schedule.weekly.iter().any(|day| !day.is_empty())
        || schedule.exceptions.values().any(|day| !day.is_empty());
    if !has_hours {
        return None;
    }

    let today = now.date();
    let date = match day {
        None => return Some(from_now(tongue, schedule, now)),
        Some("today") => today,
        Some("tomorrow") => today.next_day()?,
        Some(name) => next_on_or_after(today, super::when::weekday(name)?),
    };
    let periods = periods(schedule, date);

    if date == today {
        let reply = if periods.is_empty() {
            words::closed_on(tongue, &words::day(tongue, date, false))
        } else if periods.iter().all(|&(_, close)| close <= minute_of_day(now)) {
            // Over for today: the hours, and when the caller can come next.
            let spoken = words::periods(tongue, &periods);
            format!("{} {}", words::was_open_today(tongue, &spoken), closed_now(tongue, schedule, now))
        } else {
            words::open_today(tongue, &words::periods(tongue, &periods))
        };
        return Some(reply);
    }

    // A closure or special hours are spoken with the date, so the caller
    // does not take them for every such weekday.
    let special = schedule.exceptions.contains_key(&date);
    let named = words::day(tongue, date, special);
    Some(if periods.is_empty() {
        words::closed_on(tongue, &named)
    } else {
        words::open_on(tongue, &named, &words::periods(tongue, &periods))
    })
}

/// Builds today's hours while some are still to come, else the next opening.
fn from_now(tongue: Tongue, schedule: &Schedule, now: PrimitiveDateTime) -> String {
    let today = periods(schedule, now.date());
    if today.iter().any(|&(_, close)| close > minute_of_day(now)) {
        words::open_today(tongue, &words::periods(tongue, &today))
    } else {
        closed_now(tongue, schedule, now)
    }
}

/// Builds "closed now" with the next opening in the coming two weeks, or
/// "closed today" when there is none.
fn closed_now(tongue: Tongue, schedule: &Schedule, now: PrimitiveDateTime) -> String {
    let next = (1..=LOOK_AHEAD_DAYS).find_map(|ahead| {
        let date = now.date().checked_add(Duration::days(ahead))?;
        let &(open, _) = periods(schedule, date).first()?;
        let time = Time::from_hms(u8::try_from(open / 60).ok()?, u8::try_from(open % 60).ok()?, 0).ok()?;
        Some(PrimitiveDateTime::new(date, time))
    });
    match next {
        Some(at) => words::closed_until(tongue, &words::when(tongue, at)),
        None => words::closed_on(tongue, &words::day(tongue, now.date(), false)),
    }
}

fn minute_of_day(now: PrimitiveDateTime) -> u16 {
    u16::from(now.hour()) * 60 + u16::from(now.minute())
}

/// Returns the opening periods of one date, closures applied, as minutes from midnight.
fn periods(schedule: &Schedule, date: Date) -> Vec<(u16, u16)> {
    schedule.hours_on(date).iter().map(|interval| (interval.open, interval.close)).collect()
}

/// Returns the date of `weekday` from today on: "Saturday" asked on a Saturday is today.
fn next_on_or_after(today: Date, weekday: Weekday) -> Date {
    let ahead = (weekday.number_days_from_monday() + 7 - today.weekday().number_days_from_monday()) % 7;
    today.saturating_add(Duration::days(i64::from(ahead)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use standardiste_booking::Interval;
    use time::macros::{date, datetime};

    /// Config/profile.toml's week, with the clinic closed on 24 December.
    fn clinic() -> Schedule {
        let mut schedule = Schedule::default();
        let day = [Interval::hm(8, 30, 12, 30), Interval::hm(13, 30, 18, 0)];
        for weekday in [0, 1, 3] {
            schedule.weekly[weekday] = day.to_vec();
        }
        schedule.weekly[2] = vec![Interval::hm(8, 30, 12, 30)];
        schedule.weekly[4] = vec![Interval::hm(8, 30, 12, 30), Interval::hm(13, 30, 17, 0)];
        schedule.weekly[5] = vec![Interval::hm(9, 0, 12, 0)];
        schedule.exceptions.insert(date!(2026-12-24), Vec::new());
        schedule
    }

    #[test]
    fn named_day_gets_its_periods() {
        // Friday 4 December 2026.
        let now = datetime!(2026-12-04 10:00);
        let reply = |tongue, day| answer(tongue, &clinic(), Some(day), now).unwrap();
        assert_eq!(reply(Tongue::En, "saturday"), "On Saturday we are open from 09:00 to 12:00.");
        assert_eq!(reply(Tongue::En, "monday"), "On Monday we are open from 08:30 to 12:30 and from 13:30 to 18:00.");
        assert_eq!(reply(Tongue::En, "sunday"), "On Sunday we are closed.");
        assert_eq!(reply(Tongue::Fr, "saturday"), "Le samedi, nous sommes ouverts de 09:00 à 12:00.");
        assert_eq!(reply(Tongue::De, "tomorrow"), "Am Samstag haben wir von 09:00 bis 12:00 geöffnet.");
        assert_eq!(reply(Tongue::Es, "today"), "Hoy abrimos de 08:30 a 12:30 y de 13:30 a 17:00.");
    }

    #[test]
    fn same_weekday_means_today() {
        // The case the model got wrong: Saturday, after the clinic closed.
        let now = datetime!(2026-12-05 13:51);
        let reply = answer(Tongue::En, &clinic(), Some("saturday"), now).unwrap();
        assert_eq!(
            reply,
            "Today we were open from 09:00 to 12:00. We are closed at the moment. We open again on Monday 7 December at 08:30."
        );
        let reply = answer(Tongue::En, &clinic(), Some("saturday"), datetime!(2026-12-05 08:00)).unwrap();
        assert_eq!(reply, "Today we are open from 09:00 to 12:00.");
    }

    #[test]
    fn closure_includes_its_date() {
        let now = datetime!(2026-12-21 09:00);
        let reply = answer(Tongue::En, &clinic(), Some("thursday"), now).unwrap();
        assert_eq!(reply, "On Thursday 24 December we are closed.");
        let reply = answer(Tongue::Fr, &clinic(), Some("thursday"), now).unwrap();
        assert_eq!(reply, "Le jeudi 24 décembre, nous sommes fermés.");
    }

    #[test]
    fn no_day_gives_today_or_next_opening() {
        let schedule = clinic();
        let at = |now| answer(Tongue::En, &schedule, None, now).unwrap();
        assert_eq!(at(datetime!(2026-12-04 12:45)), "Today we are open from 08:30 to 12:30 and from 13:30 to 17:00.");
        assert_eq!(at(datetime!(2026-12-05 12:00)), "We are closed at the moment. We open again on Monday 7 December at 08:30.");
        assert_eq!(at(datetime!(2026-12-23 19:00)), "We are closed at the moment. We open again on Friday 25 December at 08:30.");
    }

    #[test]
    fn empty_timetable_defers_to_model() {
        let now = datetime!(2026-12-04 10:00);
        assert_eq!(answer(Tongue::En, &Schedule::default(), Some("saturday"), now), None);
        assert_eq!(answer(Tongue::En, &Schedule::default(), None, now), None);
    }

    #[test]
    fn no_opening_ahead_means_closed() {
        let mut schedule = Schedule::default();
        schedule.exceptions.insert(date!(2026-01-05), vec![Interval::hm(9, 0, 12, 0)]);
        let reply = answer(Tongue::En, &schedule, None, datetime!(2026-12-04 10:00)).unwrap();
        assert_eq!(reply, "On Friday we are closed.");
    }
}
