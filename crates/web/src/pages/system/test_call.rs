//! The test call: started from the system page, then shown live. The page
//! renders the events so far, and a script asks for newer ones every half
//! second until the call ends.

use std::sync::Arc;

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Json;
use maud::{html, Markup};
use serde_json::json;

use crate::daemon::TestCallEvent;
use crate::error::PageError;
use crate::guard::Admin;
use crate::pages::format;
use crate::pages::layout::page as layout;
use crate::server::Console;

pub async fn start(State(console): State<Arc<Console>>, Admin(_): Admin) -> Response {
    let Some(daemon) = console.daemon.clone() else {
        return PageError::BadRequest("test calls need the running daemon; start `standardiste serve`".into()).into_response();
    };
    if console.live.running() {
        return Redirect::to("/system/test-call").into_response();
    }
    let events = match daemon.start_test_call() {
        Ok(events) => events,
        Err(error) => return PageError::BadRequest(format!("the test call could not start: {error}")).into_response(),
    };
    match console.live.follow(events) {
        Ok(number) => {
            tracing::info!(test_call = number, "test call started from the console");
            Redirect::to("/system/test-call").into_response()
        }
        Err(error) => PageError::BadRequest(error).into_response(),
    }
}

pub async fn page(State(console): State<Arc<Console>>, Admin(session): Admin) -> Response {
    let (number, events, running) = console.live.events_since(0);
    let body = html! {
        p { a href="/system" { "← System" } }
        h1 { "Test call" }
        @if number == 0 {
            p { "No test call has run since the box started. Start one from the " a href="/system" { "system page" } "." }
        } @else {
            p #test-call-state role="status" data-running=(running) {
                @if running { "The call is in progress…" } @else { "The call has ended." }
            }
            div #test-call.transcript data-next=(events.len()) aria-live="polite" {
                @for event in &events { (event_line(event)) }
            }
            script src="/assets/test-call.js" defer {}
        }
    };
    layout("Test call", &session, "/system", body).into_response()
}

fn event_line(event: &TestCallEvent) -> Markup {
    match event {
        TestCallEvent::Started { call_id } => html! {
            div.turn.note { "Call " a href={ "/calls/" (call_id) } { (call_id) } " answered." }
        },
        TestCallEvent::Said { at_ms, speaker, text } => html! {
            div class={ "turn " (speaker) } {
                span.when { (format::offset(*at_ms as i64)) }
                span.who { @if speaker == "caller" { "Caller" } @else { "Box" } }
                span.text { (text) }
            }
        },
        TestCallEvent::Note { at_ms, text } => html! {
            div.turn.note { span.when { (format::offset(*at_ms as i64)) } span.muted { (text) } }
        },
        TestCallEvent::Ended { call_id, outcome, duration_ms } => html! {
            div.turn.note { "Call ended (" (format::outcome(outcome)) ", " (format::duration(Some(*duration_ms as i64))) "). "
                a href={ "/calls/" (call_id) } { "Open the call" } }
        },
        TestCallEvent::Failed { error } => html! { div.turn.note.error { "The test call failed: " (error) } },
    }
}

#[derive(serde::Deserialize)]
pub struct EventsQuery {
    from: Option<usize>,
}

/// Returns the events from `from` on, as JSON: `{ "running", "next", "html": [...] }`.
/// Each event comes as HTML that the server escaped, so the script only inserts it.
pub async fn events(State(console): State<Arc<Console>>, Admin(_): Admin, Query(query): Query<EventsQuery>) -> Response {
    let from = query.from.unwrap_or(0);
    let (number, events, running) = console.live.events_since(from);
    let lines: Vec<String> = events.iter().map(|event| event_line(event).into_string()).collect();
    let body = json!({
        "call": number,
        "running": running,
        "next": from + events.len(),
        "html": lines,
    });
    (StatusCode::OK, Json(body)).into_response()
}
