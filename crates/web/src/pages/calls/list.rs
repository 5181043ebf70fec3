//! The call list with its search and filters.

use std::sync::Arc;

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use maud::{html, Markup};
use standardiste_store::{CallFilter, CallSummaryRow};
use time::macros::format_description;
use time::{Date, OffsetDateTime, PrimitiveDateTime, Time};

use super::read_store;
use crate::guard::{percent_encode, Admin};
use crate::pages::format;
use crate::pages::layout::page as layout;
use crate::server::Console;

/// Calls per page of the list.
const PAGE_SIZE: usize = 50;

#[derive(Debug, Default, Clone, serde::Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    outcome: String,
    #[serde(default)]
    language: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    #[serde(default)]
    page: Option<String>,
}

pub async fn page(State(console): State<Arc<Console>>, Admin(session): Admin, Query(query): Query<ListQuery>) -> Response {
    let (filter, page_number, problems) = read_filter(&query);
    let offset = (page_number - 1).saturating_mul(PAGE_SIZE);
    let search = filter.clone();
    let result = read_store(&console, move |store| {
        let (calls, total) = store.search_calls(&search, offset, PAGE_SIZE)?;
        let facets = store.call_facets()?;
        Ok((calls, total, facets))
    })
    .await;
    let (calls, total, (languages, outcomes)) = match result {
        Ok(found) => found,
        Err(error) => return error.into_response(),
    };
    let body = html! {
        h1 { "Calls" }
        (filters(&query, &languages, &outcomes))
        @for problem in &problems { p.error role="alert" { (problem) } }
        p.muted { (total) " calls" @if total > PAGE_SIZE { ", page " (page_number) " of " (total.div_ceil(PAGE_SIZE)) } }
        @if calls.is_empty() {
            p { "No calls match." }
        } @else {
            (table(&calls))
        }
        (pager(&query, page_number, total))
    };
    let status = if problems.is_empty() { StatusCode::OK } else { StatusCode::BAD_REQUEST };
    (status, layout("Calls", &session, "/calls", body)).into_response()
}

/// The filter the query asks for, the page number, and what in the query was invalid.
fn read_filter(query: &ListQuery) -> (CallFilter, usize, Vec<String>) {
    let mut problems = Vec::new();
    let mut date = |field: &str, text: &str| -> Option<Date> {
        if text.is_empty() {
            return None;
        }
        match Date::parse(text, format_description!("[year]-[month]-[day]")) {
            Ok(date) => Some(date),
            Err(_) => {
                problems.push(format!("The {field} date {text:?} is not a date; use YYYY-MM-DD, such as 2026-12-04."));
                None
            }
        }
    };
    let from = date("from", query.from.trim());
    let to = date("to", query.to.trim());
    let page = match query.page.as_deref().map(str::trim).filter(|p| !p.is_empty()) {
        None => 1,
        Some(text) => match text.parse::<usize>() {
            Ok(number) if number >= 1 => number,
            _ => {
                problems.push(format!("The page {text:?} is not a page number; use 1 or more."));
                1
            }
        },
    };
    let filter = CallFilter {
        text: Some(query.q.trim().to_string()).filter(|q| !q.is_empty()),
        outcome: Some(query.outcome.clone()).filter(|v| !v.is_empty()),
        language: Some(query.language.clone()).filter(|v| !v.is_empty()),
        started_from: from.map(start_of_local_day),
        started_before: to.and_then(|d| d.next_day()).map(start_of_local_day),
    };
    (filter, page, problems)
}

/// Returns the UTC time, as stored, at which the local day `date` starts.
fn start_of_local_day(date: Date) -> String {
    let local = PrimitiveDateTime::new(date, Time::MIDNIGHT).assume_offset(format::local_offset());
    let utc = local.to_offset(time::UtcOffset::UTC);
    utc.format(format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]Z"))
        .unwrap_or_else(|_| OffsetDateTime::UNIX_EPOCH.to_string())
}

fn filters(query: &ListQuery, languages: &[String], outcomes: &[String]) -> Markup {
    html! {
        form.filters method="get" action="/calls" role="search" {
            div {
                label for="q" { "Search" }
                input #q name="q" type="search" value=(query.q) placeholder="number, name, words said";
            }
            div {
                label for="outcome" { "Outcome" }
                select #outcome name="outcome" {
                    option value="" { "any" }
                    @for outcome in outcomes {
                        option value=(outcome) selected[*outcome == query.outcome] { (format::outcome(outcome)) }
                    }
                }
            }
            div {
                label for="language" { "Language" }
                select #language name="language" {
                    option value="" { "any" }
                    @for language in languages {
                        option value=(language) selected[*language == query.language] { (language) }
                    }
                }
            }
            div {
                label for="from" { "From" }
                input #from name="from" type="date" value=(query.from);
            }
            div {
                label for="to" { "To" }
                input #to name="to" type="date" value=(query.to);
            }
            button type="submit" { "Find" }
        }
    }
}

fn table(calls: &[CallSummaryRow]) -> Markup {
    html! {
        table.calls {
            thead { tr { th { "When" } th { "Caller" } th { "Duration" } th { "Outcome" } th { "Language" } th { "Topics" } } }
            tbody {
                @for call in calls {
                    tr {
                        td { a href={ "/calls/" (call.id) } { (format::local_time(&call.started_at)) } }
                        td {
                            @if let Some(name) = &call.caller_name { strong { (name) } br; }
                            (call.caller_number.as_deref().unwrap_or("unknown number"))
                        }
                        td { (format::duration(call.duration_ms)) }
                        td { span class={ "badge " (call.outcome) } { (format::outcome(&call.outcome)) }
                             @if let Some(urgency) = call.urgency.as_deref().filter(|u| matches!(*u, "high" | "emergency")) {
                                 " " span class={ "badge " (urgency) } { (urgency) }
                             } }
                        td { (call.language.as_deref().unwrap_or("–")) }
                        td {
                            (call.topics.join(", "))
                            @if let Some(reason) = &call.reason { @if !call.topics.is_empty() { br; } span.muted { (reason) } }
                        }
                    }
                }
            }
        }
    }
}

fn pager(query: &ListQuery, page: usize, total: usize) -> Markup {
    let pages = total.div_ceil(PAGE_SIZE).max(1);
    let link = |number: usize| {
        format!(
            "/calls?q={}&outcome={}&language={}&from={}&to={}&page={number}",
            percent_encode(&query.q),
            percent_encode(&query.outcome),
            percent_encode(&query.language),
            percent_encode(&query.from),
            percent_encode(&query.to)
        )
    };
    html! {
        nav.pager {
            @if page > 1 { a href=(link(page - 1)) { "← Newer" } }
            @if page < pages { a href=(link(page + 1)) { "Older →" } }
        }
    }
}
