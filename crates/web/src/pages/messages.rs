//! Messages: the callbacks the owner has to make, from calls where the
//! receptionist took a message, promised a callback or escalated the call.
//! `GET /messages?show=open|done` lists them, and `POST /messages/{id}/done`
//! and `POST /messages/{id}/reopen` move a call between the two lists.

use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use maud::{html, Markup};
use standardiste_store::{CallbackList, CallbackRow, Store};

use crate::auth::Session;
use crate::error::PageError;
use crate::guard::Admin;
use crate::pages::format::{local_time, tel_href};
use crate::pages::layout::{csrf_input, page};
use crate::server::Console;

/// Most callbacks one list shows.
const LIST_LIMIT: usize = 500;

/// Urgencies the page has a badge style for.
const URGENCIES: [&str; 4] = ["emergency", "high", "normal", "low"];

pub fn routes() -> Router<Arc<Console>> {
    Router::new()
        .route("/messages", get(list))
        .route("/messages/{id}/done", post(mark_done))
        .route("/messages/{id}/reopen", post(reopen))
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct ListQuery {
    show: Option<String>,
}

/// The hidden field naming the list to return to.
#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct ReturnField {
    show: String,
}

/// Parses the `show` value: `open` (or nothing) or `done`.
fn parse_list(show: Option<&str>) -> Result<CallbackList, PageError> {
    match show {
        None | Some("open") => Ok(CallbackList::Open),
        Some("done") => Ok(CallbackList::Done),
        Some(other) => Err(PageError::BadRequest(format!(
            "show={other:?} names no list of messages; use show=open or show=done"
        ))),
    }
}

fn list_name(list: CallbackList) -> &'static str {
    match list {
        CallbackList::Open => "open",
        CallbackList::Done => "done",
    }
}

async fn list(
    State(console): State<Arc<Console>>,
    Admin(session): Admin,
    Query(query): Query<ListQuery>,
) -> Result<Response, PageError> {
    let list = parse_list(query.show.as_deref())?;
    let worker = console.clone();
    let (rows, counts) = tokio::task::spawn_blocking(move || {
        let store = Store::open_shared(&worker.settings.database)?;
        Ok::<_, PageError>((store.callbacks(list, LIST_LIMIT)?, store.callback_counts()?))
    })
    .await??;
    Ok(render(&session, list, &rows, counts).into_response())
}

/// Parses the call id in the address. An id that is not a number names no call.
fn call_id(text: &str) -> Result<i64, PageError> {
    text.parse()
        .map_err(|_| PageError::NotFound(format!("message of call {text:?}")))
}

async fn mark_done(
    State(console): State<Arc<Console>>,
    Admin(_session): Admin,
    Path(id): Path<String>,
    Form(field): Form<ReturnField>,
) -> Result<Response, PageError> {
    let id = call_id(&id)?;
    set_done(&console, id, true).await?;
    tracing::info!(call_id = id, "owner marked a callback done");
    back_to(&field.show)
}

async fn reopen(
    State(console): State<Arc<Console>>,
    Admin(_session): Admin,
    Path(id): Path<String>,
    Form(field): Form<ReturnField>,
) -> Result<Response, PageError> {
    let id = call_id(&id)?;
    set_done(&console, id, false).await?;
    tracing::info!(call_id = id, "owner reopened a callback");
    back_to(&field.show)
}

/// Marks the callback of call `id` done, or open again when `done` is false.
async fn set_done(console: &Arc<Console>, id: i64, done: bool) -> Result<(), PageError> {
    let worker = console.clone();
    let found = tokio::task::spawn_blocking(move || {
        let store = Store::open_shared(&worker.settings.database)?;
        if done {
            store.mark_callback_done(id)
        } else {
            store.reopen_callback(id)
        }
    })
    .await??;
    if !found {
        return Err(PageError::NotFound(format!("message of call {id}")));
    }
    Ok(())
}

/// Sends the browser back to the list named in the form, or the open list.
fn back_to(show: &str) -> Result<Response, PageError> {
    let list = parse_list(Some(show)).unwrap_or(CallbackList::Open);
    Ok(Redirect::to(&format!("/messages?show={}", list_name(list))).into_response())
}

fn render(
    session: &Session,
    list: CallbackList,
    rows: &[CallbackRow],
    (open, done): (u64, u64),
) -> axum::response::Html<String> {
    page(
        "Messages",
        session,
        "/messages",
        html! {
            h1 { "Messages" }
            p.muted { "Calls where the receptionist took a message, promised a callback or handed the call on. "
                "Mark each one done once you have called back." }
            nav.tabs aria-label="Lists" {
                @for (tab, label, count) in [(CallbackList::Open, "To call back", open), (CallbackList::Done, "Done", done)] {
                    @let href = format!("/messages?show={}", list_name(tab));
                    @if tab == list {
                        a.active href=(href) aria-current="page" { (label) " (" (count) ")" }
                    } @else {
                        a href=(href) { (label) " (" (count) ")" }
                    }
                }
            }
            @if rows.is_empty() {
                p.muted {
                    @match list {
                        CallbackList::Open => "Nothing to call back.",
                        CallbackList::Done => "No callback is marked done yet.",
                    }
                }
            } @else {
                table.messages {
                    thead {
                        tr {
                            th { "When" } th { "Caller" } th { "Number to call" } th { "Reason" } th { "Urgency" }
                            @if list == CallbackList::Done { th { "Done" } }
                            th { "Call" } th { span.visually-hidden { "Actions" } }
                        }
                    }
                    tbody {
                        @for row in rows { (callback_row(session, list, row)) }
                    }
                }
                @if rows.len() == LIST_LIMIT {
                    p.muted { "Showing the first " (LIST_LIMIT) " only." }
                }
            }
        },
    )
}

fn callback_row(session: &Session, list: CallbackList, row: &CallbackRow) -> Markup {
    let id = row.call_id;
    html! {
        tr id=(format!("call-{id}")) {
            td.when { (local_time(&row.started_at)) }
            td {
                @match &row.caller_name {
                    Some(name) if !name.trim().is_empty() => (name),
                    _ => span.muted { "not given" },
                }
            }
            td {
                @match row.number_to_call() {
                    Some(number) => a href=(tel_href(number)) { (number) },
                    None => span.muted { "no number" },
                }
            }
            td {
                @if let Some(reason) = &row.reason { (reason) }
                (what_happened(row))
            }
            td { (urgency_badge(row.urgency.as_deref())) }
            @if list == CallbackList::Done {
                td.when { (row.done_at.as_deref().map(local_time).unwrap_or_default()) }
            }
            td { a href=(format!("/calls/{id}")) { "Call " (id) } }
            td.actions {
                @match list {
                    CallbackList::Open => form.inline method="post" action=(format!("/messages/{id}/done")) {
                        (csrf_input(session))
                        input type="hidden" name="show" value="open";
                        button type="submit" { "Mark done" }
                    },
                    CallbackList::Done => form.inline method="post" action=(format!("/messages/{id}/reopen")) {
                        (csrf_input(session))
                        input type="hidden" name="show" value="done";
                        button.secondary type="submit" { "Reopen" }
                    },
                }
            }
        }
    }
}

/// Lists what the receptionist did on the call: took a message, promised a
/// callback, escalated it and why.
fn what_happened(row: &CallbackRow) -> Markup {
    html! {
        div.tags {
            @if row.message_taken { span.badge { "message taken" } " " }
            @if row.callback_promised { span.badge { "callback promised" } " " }
            @if let Some(escalation) = row.escalation.as_deref().filter(|reason| !reason.is_empty()) {
                span.badge.escalated { "escalated: " (escalation) }
            }
        }
    }
}

fn urgency_badge(urgency: Option<&str>) -> Markup {
    match urgency.filter(|urgency| URGENCIES.contains(urgency)) {
        Some(urgency) => html! { span class=(format!("badge {urgency}")) { (urgency) } },
        None => html! { span.muted { (urgency.unwrap_or("not given")) } },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_names_parse() {
        assert_eq!(parse_list(None).unwrap(), CallbackList::Open);
        assert_eq!(parse_list(Some("open")).unwrap(), CallbackList::Open);
        assert_eq!(parse_list(Some("done")).unwrap(), CallbackList::Done);
        let error = parse_list(Some("all")).unwrap_err().to_string();
        assert!(error.contains("\"all\""), "{error}");
        assert!(error.contains("show=open or show=done"), "{error}");
    }
}
