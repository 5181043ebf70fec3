//! The dashboard's markup: the period links, the figures, the charts, the
//! lists and how each figure is counted.

use axum::response::Html;
use maud::{html, Markup};
use standardiste_profile::Language;
use time::macros::format_description;

use super::charts;
use super::stats::{Period, Stats, PERIOD_DAYS};
use crate::auth::Session;
use crate::pages::format;
use crate::pages::layout::page;

/// The calls that started while the business was closed, or why they could not be counted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AfterHours {
    Counted(u64),
    /// The business profile could not be loaded, and the text is its error.
    Unavailable(String),
}

/// Everything the page shows for one period.
#[derive(Debug, Clone)]
pub struct Dashboard {
    pub period: Period,
    pub stats: Stats,
    pub after_hours: AfterHours,
}

/// Renders the dashboard for a signed-in admin.
pub fn render(session: &Session, dashboard: &Dashboard) -> Html<String> {
    let stats = &dashboard.stats;
    let total = stats.outcomes.total;
    page(
        "Dashboard",
        session,
        "/",
        html! {
            h1 { "Dashboard" }
            (period_links(&dashboard.period))
            div.cards {
                (card("calls", "Calls", &total.to_string(), html! {
                    @if stats.outcomes.in_progress > 0 {
                        (stats.outcomes.in_progress) " still in progress"
                    } @else {
                        "started in the period"
                    }
                }))
                (card("answered", "Answered", &stats.outcomes.answered.to_string(), html! {
                    (percent(stats.outcomes.answered, total)) " of calls"
                }))
                (card("missed", "Missed", &stats.outcomes.missed.to_string(), html! {
                    (percent(stats.outcomes.missed, total)) " of calls"
                    br; "The caller never spoke, or the call failed."
                }))
                (after_hours_card(&dashboard.after_hours, total))
                (card("bookings", "Bookings made", &stats.bookings_made.to_string(), html! {
                    "Conversion " (percent(stats.calls_with_booking, total))
                    @if stats.bookings_cancelled > 0 {
                        "; " (stats.bookings_cancelled) " cancelled since"
                    }
                }))
                (card("escalated", "Escalated", &stats.escalated.to_string(), html! {
                    (percent(stats.escalated, total)) " of calls"
                    @for (reason, calls) in &stats.escalations {
                        br; (reason) ": " (calls)
                    }
                }))
                (card("duration", "Average answered call", &format::duration(stats.average_answered_ms), html! {
                    "minutes:seconds"
                }))
                (card("callbacks", "Open callbacks", &stats.open_callbacks.to_string(), html! {
                    a href="/messages" { "See the messages" }
                }))
            }
            @if total == 0 {
                p.empty { (charts::EMPTY_MESSAGE) }
            } @else {
                div.charts {
                    section {
                        h2 { "Calls per day" }
                        (charts::calls_per_day(&stats.per_day))
                    }
                    section {
                        h2 { "Calls per hour of the day" }
                        (charts::calls_per_hour(&stats.per_hour))
                    }
                }
                div.lists {
                    (counted_list("topics", "Top topics", &topic_rows(stats)))
                    (counted_list("reasons", "Reasons callers gave", &stats.reasons))
                    (counted_list("languages", "Languages", &language_rows(stats)))
                }
            }
            (definitions())
        },
    )
}

/// Links to each period, the current one marked, and the dates it covers.
fn period_links(period: &Period) -> Markup {
    let long = format_description!("[weekday] [day padding:none] [month repr:long] [year]");
    html! {
        nav.periods aria-label="Period" {
            @for days in PERIOD_DAYS {
                @let href = format!("/?days={days}");
                @if days == period.days {
                    a.active href=(href) aria-current="page" { "Last " (days) " days" }
                } @else {
                    a href=(href) { "Last " (days) " days" }
                }
            }
        }
        p.muted.period {
            "From " (period.first.format(long).unwrap_or_default())
            " to " (period.last.format(long).unwrap_or_default()) ", local time."
        }
    }
}

fn card(id: &str, title: &str, figure: &str, note: Markup) -> Markup {
    html! {
        div.card id=(id) {
            h2 { (title) }
            p.figure { (figure) }
            p.muted { (note) }
        }
    }
}

fn after_hours_card(after_hours: &AfterHours, total: u64) -> Markup {
    match after_hours {
        AfterHours::Counted(calls) => card(
            "after-hours",
            "After hours",
            &calls.to_string(),
            html! {
                (percent(*calls, total)) " of calls came while closed"
            },
        ),
        AfterHours::Unavailable(error) => card(
            "after-hours",
            "After hours",
            "Unavailable",
            html! {
                "The opening hours are unknown because the business profile cannot be loaded: "
                span.reason { (error) }
                " Fix it under " a href="/settings" { "Settings" } "."
            },
        ),
    }
}

/// Renders a heading and a numbered list of texts with their calls, or nothing when the list is empty.
fn counted_list(id: &str, title: &str, rows: &[(String, u64)]) -> Markup {
    html! {
        @if !rows.is_empty() {
            section id=(id) {
                h2 { (title) }
                ol.counted {
                    @for (text, calls) in rows {
                        li { span.label { (text) } " " span.count { (charts::count_calls(*calls)) } }
                    }
                }
            }
        }
    }
}

/// Returns the topics in words. The intents are those the receptionist's model outputs.
fn topic_rows(stats: &Stats) -> Vec<(String, u64)> {
    stats
        .topics
        .iter()
        .map(|(intent, calls)| {
            let words = match intent.as_str() {
                "question" => "Questions about the business",
                "book" => "Making an appointment",
                "cancel" => "Cancelling an appointment",
                "reschedule" => "Moving an appointment",
                "message" => "Leaving a message",
                "person" => "Asking for a person",
                "emergency" => "Emergencies",
                other => other,
            };
            (words.to_string(), *calls)
        })
        .collect()
}

/// Returns the languages by name, and the code as stored for those the box does not know.
fn language_rows(stats: &Stats) -> Vec<(String, u64)> {
    stats
        .languages
        .iter()
        .map(|(code, calls)| {
            let words = match code {
                None => "Not detected".to_string(),
                Some(code) => match Language::from_code(code) {
                    Some(language) => language.english_name().to_string(),
                    None => code.clone(),
                },
            };
            (words, *calls)
        })
        .collect()
}

fn definitions() -> Markup {
    html! {
        details.definitions {
            summary { "How these figures are counted" }
            dl.details {
                dt { "Calls" }
                dd { "Calls that started during the period, by the box's local time." }
                dt { "Missed" }
                dd { "Calls where the caller never spoke: they stayed silent or hung up before saying anything. "
                     "Calls that failed or were cut off because the box stopped also count as missed." }
                dt { "Answered" }
                dd { "Every other call that has ended. A call still in progress is neither." }
                dt { "After hours" }
                dd { "Calls that started outside the opening hours of the business profile, "
                     "with its closures (holidays, special hours) applied." }
                dt { "Bookings made" }
                dd { "Appointments booked by the period's calls, including those cancelled since. "
                     "Conversion is the share of calls that ended with a booking." }
                dt { "Escalated" }
                dd { "Calls the receptionist escalated: an emergency, a caller asking for a person, "
                     "an angry or VIP caller. It transferred them or promised a callback." }
                dt { "Average answered call" }
                dd { "The mean length of the answered calls." }
                dt { "Open callbacks" }
                dd { "Messages and promised callbacks, from any date, not yet marked done." }
                dt { "Top topics" }
                dd { "What callers asked for, as the receptionist understood it; a call counts once per topic." }
                dt { "Reasons callers gave" }
                dd { "The reason for calling that the receptionist took down, with the same words "
                     "in other capitals, accents or punctuation counted together." }
            }
        }
    }
}

/// `part` as a whole percentage of `whole`, rounded half up, or a dash when `whole` is 0.
fn percent(part: u64, whole: u64) -> String {
    if whole == 0 {
        return "–".to_string();
    }
    let rounded = (u128::from(part) * 200 + u128::from(whole)) / (u128::from(whole) * 2);
    format!("{rounded}%")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_rounds_half_up() {
        assert_eq!(percent(4, 7), "57%");
        assert_eq!(percent(1, 7), "14%");
        assert_eq!(percent(1, 8), "13%");
        assert_eq!(percent(0, 3), "0%");
        assert_eq!(percent(3, 3), "100%");
        assert_eq!(percent(0, 0), "–");
    }
}
