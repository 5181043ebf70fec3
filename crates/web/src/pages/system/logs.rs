//! The recent log, newest first, filtered by level.

use std::sync::Arc;

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use maud::html;
use tracing::Level;

use crate::guard::Admin;
use crate::pages::layout::page as layout;
use crate::server::Console;

#[derive(serde::Deserialize)]
pub struct LogQuery {
    level: Option<String>,
}

pub async fn page(State(console): State<Arc<Console>>, Admin(session): Admin, Query(query): Query<LogQuery>) -> Response {
    let chosen = query.level.as_deref().unwrap_or("info");
    let Some(level) = parse_level(chosen) else {
        let message = format!("the log level {chosen:?} is not one of info, warn or error");
        return (StatusCode::BAD_REQUEST, crate::error::PageError::BadRequest(message)).into_response();
    };
    let lines = console.logs.as_ref().map(|logs| logs.lines(level)).unwrap_or_default();
    let body = html! {
        p { a href="/system" { "← System" } }
        h1 { "Recent log" }
        p.muted { "The last 500 events the box logged at info level or above, newest first. "
            "The daemon's own log output has them all." }
        nav.filters {
            @for name in ["info", "warn", "error"] {
                @if name == chosen { strong { (name) } } @else { a href={ "/system/logs?level=" (name) } { (name) } }
            }
        }
        @if console.logs.is_none() {
            p.muted { "This console does not keep a log." }
        } @else if lines.is_empty() {
            p { "Nothing logged at this level yet." }
        } @else {
            table.log {
                thead { tr { th { "Time (UTC)" } th { "Level" } th { "Event" } } }
                tbody {
                    @for line in lines.iter().rev() {
                        tr class={ "level-" (line.level.as_str().to_lowercase()) } {
                            td { (line.at) }
                            td { (line.level.as_str()) }
                            td { (line.message) @if !line.fields.is_empty() { br; code.muted { (line.fields) } } }
                        }
                    }
                }
            }
        }
    };
    layout("Log", &session, "/system", body).into_response()
}

fn parse_level(name: &str) -> Option<Level> {
    match name {
        "info" => Some(Level::INFO),
        "warn" => Some(Level::WARN),
        "error" => Some(Level::ERROR),
        _ => None,
    }
}
