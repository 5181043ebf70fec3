//! The dashboard's figures for one period, computed with SQL over the call
//! database.
//!
//! Calls store `started_at` as RFC 3339 UTC text (`2026-12-04T09:15:00Z`).
//! A period is a run of whole local days, so its bounds are converted to UTC
//! text once and compared as text, which keeps the `calls_started_at` index
//! in use. Grouping by local day and hour shifts each start time by the
//! local offset inside SQLite (`date(started_at, '+3600 seconds')`).

use rusqlite::{params, Connection};
use standardiste_profile::BusinessProfile;
use time::macros::format_description;
use time::{Date, Duration, PrimitiveDateTime, UtcOffset};

/// Lengths of the periods the page offers, in days.
pub const PERIOD_DAYS: [u32; 3] = [7, 30, 90];

/// How many topics and reasons the page lists at most.
pub const LIST_LENGTH: usize = 5;

/// Reading intents that are steps of a conversation rather than why the
/// caller phoned, left out of the topics.
const CONVERSATION_INTENTS: [&str; 5] = ["yes", "no", "details", "goodbye", "other"];

/// SQL that sorts a call (`calls` aliased `c`) as `answered`, `missed` or
/// `in_progress`.
///
/// A call is missed when it failed, was interrupted (the box stopped during
/// it), or ended without the caller saying anything: they stayed silent or
/// hung up before speaking. Every other finished call is answered. A caller
/// spoke when the call has a caller turn or, once retention has deleted the
/// transcript, a reading, since the model reads only caller turns.
const CALL_STATUS: &str = "CASE
    WHEN c.outcome = 'in_progress' THEN 'in_progress'
    WHEN c.outcome IN ('failed', 'interrupted') THEN 'missed'
    WHEN EXISTS (SELECT 1 FROM turns t WHERE t.call_id = c.id AND t.speaker = 'caller') THEN 'answered'
    WHEN c.transcript_deleted_at IS NOT NULL
         AND EXISTS (SELECT 1 FROM readings r WHERE r.call_id = c.id) THEN 'answered'
    ELSE 'missed'
END";

/// Whole local days ending today: `days` of them, today included.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub days: u32,
    pub first: Date,
    pub last: Date,
    /// Offset of the business's local time from UTC.
    // NOTE: one offset, the current one as elsewhere on the console, serves
    // the whole period, so calls from before a daylight-saving change are
    // placed one hour off.
    pub offset: UtcOffset,
}

impl Period {
    /// Builds the period of `days` days that ends on `today`.
    pub fn ending(today: Date, days: u32, offset: UtcOffset) -> Period {
        let days = days.max(1);
        let first = today.saturating_sub(Duration::days(i64::from(days) - 1));
        Period {
            days,
            first,
            last: today,
            offset,
        }
    }

    /// Returns each day of the period, oldest first.
    pub fn dates(&self) -> impl Iterator<Item = Date> {
        let first = self.first;
        (0..i64::from(self.days)).map(move |index| first.saturating_add(Duration::days(index)))
    }

    /// Returns the period's bounds as stored UTC times: its first instant, and
    /// the midnight that starts the day after `last`.
    fn utc_bounds(&self) -> (String, String) {
        let utc_text = |date: Date| {
            date.midnight()
                .assume_offset(self.offset)
                .to_offset(UtcOffset::UTC)
                .format(format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]Z"))
                .unwrap_or_default()
        };
        (
            utc_text(self.first),
            utc_text(self.last.saturating_add(Duration::days(1))),
        )
    }

    /// Returns the SQLite date modifier that turns a stored UTC time into local time.
    fn local_modifier(&self) -> String {
        format!("{:+} seconds", self.offset.whole_seconds())
    }
}

/// Counts of the period's calls by outcome.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Outcomes {
    pub total: u64,
    pub answered: u64,
    pub missed: u64,
    /// Calls still running when the page was made.
    pub in_progress: u64,
}

/// The period's figures that need no business profile.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Stats {
    pub outcomes: Outcomes,
    /// Calls whose intake has a booking (`calls.booking_id`).
    pub calls_with_booking: u64,
    /// Bookings made by the period's calls (`bookings.call_id`), cancelled ones included.
    pub bookings_made: u64,
    /// Of [`Stats::bookings_made`], those cancelled since.
    pub bookings_cancelled: u64,
    /// Calls with an escalation reason.
    pub escalated: u64,
    /// Escalated calls by reason (`emergency`, `request`...), most frequent first.
    pub escalations: Vec<(String, u64)>,
    /// Mean duration of the answered calls, in milliseconds.
    pub average_answered_ms: Option<i64>,
    /// Calls started on each day of the period, oldest first.
    pub per_day: Vec<(Date, u64)>,
    /// Calls started in each hour of the local day, from 00:00 to 23:00.
    pub per_hour: [u64; 24],
    /// Request intents of the calls' valid readings with how many calls had each.
    pub topics: Vec<(String, u64)>,
    /// Reasons callers gave, with how many calls gave each.
    pub reasons: Vec<(String, u64)>,
    /// Languages (`None` when none was detected) with their calls.
    pub languages: Vec<(Option<String>, u64)>,
    /// Calls of any date whose message or promised callback is not yet marked done.
    pub open_callbacks: u64,
}

/// Computes every figure of `period` except the after-hours share.
pub fn collect(conn: &Connection, period: &Period) -> rusqlite::Result<Stats> {
    let (from, until) = period.utc_bounds();
    let local = period.local_modifier();
    let mut stats = Stats::default();
    read_summary(conn, &from, &until, &mut stats)?;
    stats.escalations = counted(
        conn,
        "SELECT escalation, COUNT(*) FROM calls
         WHERE started_at >= ?1 AND started_at < ?2 AND escalation IS NOT NULL
         GROUP BY escalation ORDER BY COUNT(*) DESC, escalation",
        params![from, until],
    )?;
    stats.per_day = per_day(conn, period, &from, &until, &local)?;
    stats.per_hour = per_hour(conn, &from, &until, &local)?;
    stats.topics = topics(conn, &from, &until)?;
    stats.reasons = reasons(conn, &from, &until)?;
    stats.languages = languages(conn, &from, &until)?;
    stats.open_callbacks = conn.query_row(
        "SELECT COUNT(*) FROM calls
         WHERE (message_taken = 1 OR callback_promised = 1) AND callback_done_at IS NULL",
        [],
        |row| row.get::<_, i64>(0),
    )? as u64;
    Ok(stats)
}

/// Counts the period's calls that started while the business was closed, by
/// the profile's weekly hours and closures applied to each call's local start.
pub fn after_hours(conn: &Connection, period: &Period, profile: &BusinessProfile) -> rusqlite::Result<u64> {
    let (from, until) = period.utc_bounds();
    let mut statement =
        conn.prepare("SELECT datetime(started_at, ?3) FROM calls WHERE started_at >= ?1 AND started_at < ?2")?;
    let starts = statement.query_map(params![from, until, period.local_modifier()], |row| {
        row.get::<_, Option<String>>(0)
    })?;
    let mut closed = 0;
    for start in starts {
        let start = start?.and_then(|text| PrimitiveDateTime::parse(&text, SQLITE_DATETIME).ok());
        if let Some(start) = start {
            if !profile.is_open_at(start) {
                closed += 1;
            }
        }
    }
    Ok(closed)
}

/// Format of the text that SQLite's `datetime()` returns.
const SQLITE_DATETIME: &[time::format_description::BorrowedFormatItem<'static>] =
    format_description!("[year]-[month]-[day] [hour]:[minute]:[second]");

fn read_summary(conn: &Connection, from: &str, until: &str, stats: &mut Stats) -> rusqlite::Result<()> {
    let sql = format!(
        "WITH period AS (
             SELECT c.id, c.duration_ms, c.booking_id, c.escalation, {CALL_STATUS} AS status
             FROM calls c WHERE c.started_at >= ?1 AND c.started_at < ?2
         )
         SELECT COUNT(*),
                COUNT(*) FILTER (WHERE status = 'answered'),
                COUNT(*) FILTER (WHERE status = 'missed'),
                COUNT(*) FILTER (WHERE status = 'in_progress'),
                COUNT(booking_id),
                COUNT(escalation),
                CAST(ROUND(AVG(duration_ms) FILTER (WHERE status = 'answered')) AS INTEGER),
                (SELECT COUNT(*) FROM bookings b JOIN period p ON p.id = b.call_id),
                (SELECT COUNT(*) FROM bookings b JOIN period p ON p.id = b.call_id WHERE b.status = 'cancelled')
         FROM period"
    );
    conn.query_row(&sql, params![from, until], |row| {
        let count = |index: usize| row.get::<_, i64>(index).map(|value| value.max(0) as u64);
        stats.outcomes = Outcomes {
            total: count(0)?,
            answered: count(1)?,
            missed: count(2)?,
            in_progress: count(3)?,
        };
        stats.calls_with_booking = count(4)?;
        stats.escalated = count(5)?;
        stats.average_answered_ms = row.get(6)?;
        stats.bookings_made = count(7)?;
        stats.bookings_cancelled = count(8)?;
        Ok(())
    })
}

fn per_day(
    conn: &Connection,
    period: &Period,
    from: &str,
    until: &str,
    local: &str,
) -> rusqlite::Result<Vec<(Date, u64)>> {
    let found = counted(
        conn,
        "SELECT date(started_at, ?3) AS day, COUNT(*) FROM calls
         WHERE started_at >= ?1 AND started_at < ?2 GROUP BY day HAVING day IS NOT NULL",
        params![from, until, local],
    )?;
    let day_format = format_description!("[year]-[month]-[day]");
    let found: Vec<(Date, u64)> = found
        .into_iter()
        .filter_map(|(day, calls)| Date::parse(&day, day_format).ok().map(|day| (day, calls)))
        .collect();
    let days = period
        .dates()
        .map(|date| {
            let calls = found
                .iter()
                .find(|(day, _)| *day == date)
                .map_or(0, |(_, calls)| *calls);
            (date, calls)
        })
        .collect();
    Ok(days)
}

fn per_hour(conn: &Connection, from: &str, until: &str, local: &str) -> rusqlite::Result<[u64; 24]> {
    let mut statement = conn.prepare(
        "SELECT CAST(strftime('%H', started_at, ?3) AS INTEGER) AS hour, COUNT(*) FROM calls
         WHERE started_at >= ?1 AND started_at < ?2 GROUP BY hour HAVING hour IS NOT NULL",
    )?;
    let rows = statement.query_map(params![from, until, local], |row| {
        Ok((row.get::<_, i64>(0)?, row.get::<_, i64>(1)?))
    })?;
    let mut hours = [0; 24];
    for row in rows {
        let (hour, calls) = row?;
        if let Some(slot) = usize::try_from(hour).ok().and_then(|hour| hours.get_mut(hour)) {
            *slot = calls.max(0) as u64;
        }
    }
    Ok(hours)
}

/// Counts the calls with each request intent, once per call however many of
/// its turns had it. Only valid readings count.
fn topics(conn: &Connection, from: &str, until: &str) -> rusqlite::Result<Vec<(String, u64)>> {
    let excluded = CONVERSATION_INTENTS.map(|intent| format!("'{intent}'")).join(", ");
    let sql = format!(
        "SELECT r.intent, COUNT(DISTINCT r.call_id) AS calls
         FROM readings r JOIN calls c ON c.id = r.call_id
         WHERE c.started_at >= ?1 AND c.started_at < ?2
           AND r.valid = 1 AND r.intent IS NOT NULL AND r.intent NOT IN ({excluded})
         GROUP BY r.intent ORDER BY calls DESC, r.intent LIMIT ?3"
    );
    counted(conn, &sql, params![from, until, LIST_LENGTH as i64])
}

/// Groups the reasons callers gave by their folded words (case, accents and
/// punctuation ignored), which SQLite cannot do, and shows each group in the
/// words of its most recent call.
///
/// Whole reasons are compared rather than single words, because counting
/// words would need stop-word lists for the five languages the box speaks
/// and would cut phrases such as "root canal" in two.
fn reasons(conn: &Connection, from: &str, until: &str) -> rusqlite::Result<Vec<(String, u64)>> {
    let mut statement = conn.prepare(
        "SELECT trim(reason) FROM calls
         WHERE started_at >= ?1 AND started_at < ?2 AND trim(reason) <> ''
         ORDER BY started_at DESC, id DESC",
    )?;
    let rows = statement.query_map(params![from, until], |row| row.get::<_, String>(0))?;
    // (folded key, wording shown, calls), in order of each group's most recent call.
    let mut groups: Vec<(String, String, u64)> = Vec::new();
    for reason in rows {
        let reason = reason?;
        let key = standardiste_profile::fold(&reason);
        match groups.iter_mut().find(|(known, _, _)| *known == key) {
            Some((_, _, calls)) => *calls += 1,
            None => groups.push((key, reason, 1)),
        }
    }
    // A stable sort keeps the most recent group first among equal counts.
    groups.sort_by(|a, b| b.2.cmp(&a.2));
    Ok(groups
        .into_iter()
        .take(LIST_LENGTH)
        .map(|(_, reason, calls)| (reason, calls))
        .collect())
}

fn languages(conn: &Connection, from: &str, until: &str) -> rusqlite::Result<Vec<(Option<String>, u64)>> {
    let mut statement = conn.prepare(
        "SELECT language, COUNT(*) AS calls FROM calls
         WHERE started_at >= ?1 AND started_at < ?2
         GROUP BY language ORDER BY calls DESC, language IS NULL, language",
    )?;
    let rows = statement.query_map(params![from, until], |row| {
        Ok((row.get(0)?, row.get::<_, i64>(1)?.max(0) as u64))
    })?;
    rows.collect()
}

/// Runs a query whose rows are a text and a count.
fn counted(conn: &Connection, sql: &str, parameters: impl rusqlite::Params) -> rusqlite::Result<Vec<(String, u64)>> {
    let mut statement = conn.prepare(sql)?;
    let rows = statement.query_map(parameters, |row| Ok((row.get(0)?, row.get::<_, i64>(1)?.max(0) as u64)))?;
    rows.collect()
}
