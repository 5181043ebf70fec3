//! The system page itself.

use std::sync::Arc;

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use maud::{html, Markup};
use standardiste_outbox::OutboxStatus;

use super::host;
use crate::guard::Admin;
use crate::pages::layout::{csrf_input, page as layout};
use crate::server::Console;

use standardiste_store::disk::LOW_FREE_BYTES;

pub async fn page(State(console): State<Arc<Console>>, Admin(session): Admin) -> Response {
    let database = console.settings.database.clone();
    let outbox = tokio::task::spawn_blocking(move || -> Result<OutboxStatus, String> {
        let conn = rusqlite::Connection::open_with_flags(&database, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .map_err(|e| e.to_string())?;
        standardiste_outbox::configure_connection(&conn).map_err(|e| e.to_string())?;
        standardiste_outbox::status(&conn).map_err(|e| e.to_string())
    })
    .await
    .unwrap_or_else(|e| Err(e.to_string()));
    let folder = console.settings.database.parent().map(std::path::Path::to_path_buf).unwrap_or_default();
    let disk = host::disk(if folder.as_os_str().is_empty() { std::path::Path::new(".") } else { &folder });
    let memory = host::memory();
    let body = html! {
        h1 { "System" }
        (lines(&console))
        (test_call(&console, &session))
        section.card {
            h2 { "Storage and memory" }
            dl.details {
                dt { "Disk" }
                dd {
                    @match disk {
                        Some(disk) => {
                            (host::bytes(disk.available)) " free of " (host::bytes(disk.total))
                            @if disk.available < LOW_FREE_BYTES {
                                p.warning { "The disk is nearly full. The box keeps answering, and deletes the oldest recordings "
                                    "(the log lists which). Lower the audio retention in the settings, or copy old recordings off the box." }
                            }
                        }
                        None => "cannot be read",
                    }
                }
                dt { "Memory" } dd { (host::bytes(memory.available)) " available of " (host::bytes(memory.total)) }
                dt { "Daemon" } dd { (host::bytes(memory.process)) " resident" }
                dt { "Call database" } dd { code { (console.settings.database.display()) } }
            }
        }
        (outbox_card(&outbox))
        (models(&console))
        section.card {
            h2 { "Software" }
            dl.details {
                dt { "Version" } dd { "Standardiste " (env!("CARGO_PKG_VERSION")) }
                dt { "Console running for" } dd { (uptime(console.started.elapsed())) }
                dt { "Certificate fingerprint (SHA-256)" } dd { code.fingerprint { (console.certificate.fingerprint()) } }
            }
            p { a href="/system/logs" { "Recent log" } " · " a href="/password" { "Change the admin password" } }
        }
    };
    layout("System", &session, "/system", body).into_response()
}

fn lines(console: &Console) -> Markup {
    let lines = console.daemon.as_ref().map(|daemon| daemon.lines()).unwrap_or_default();
    html! {
        section.card {
            h2 { "Telephone lines" }
            @if console.daemon.is_none() {
                p.muted { "The daemon is not running, so the lines are not watched." }
            } @else if lines.is_empty() {
                p.warning { "No line is configured, so the box answers no calls. Add a " code { "[[line]]" }
                    " table per device to the settings file (" code { "standardiste lines" } " lists the serial ports) and restart the box." }
            } @else {
                table {
                    thead { tr { th { "Line" } th { "Device" } th { "State" } th { "Last error" } } }
                    tbody {
                        @for line in &lines {
                            tr {
                                td { (line.name) }
                                td { (line.kind) }
                                td { span class={ "badge " (line.state.replace(' ', "-")) } { (line.state) } }
                                td { (line.error.as_deref().unwrap_or("–")) }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn test_call(console: &Console, session: &crate::auth::Session) -> Markup {
    html! {
        section.card {
            h2 { "Test call" }
            p { "Places a simulated call through the real speech and language models, with the current profile: "
                "a caller asks for Saturday's opening hours, then says goodbye. It is stored like any call." }
            @if console.daemon.is_none() {
                p.muted { "Test calls need the running daemon." }
            } @else {
                form method="post" action="/system/test-call" {
                    (csrf_input(session))
                    button type="submit" disabled[console.live.running()] { "Run a test call" }
                }
                @if console.live.running() { p { a href="/system/test-call" { "A test call is running: watch it" } } }
            }
        }
    }
}

fn outbox_card(outbox: &Result<OutboxStatus, String>) -> Markup {
    html! {
        section.card {
            h2 { "Recaps and alerts waiting to go out" }
            @match outbox {
                Ok(status) => {
                    dl.details {
                        dt { "Waiting" } dd { (status.pending + status.sending) }
                        dt { "Failed for good" } dd { (status.failed) }
                        dt { "Sent" } dd { (status.sent) }
                        @if let Some(age) = status.oldest_pending_age {
                            dt { "Oldest waiting for" } dd { (uptime(age)) }
                        }
                        @if let Some(error) = &status.last_error {
                            dt { "Last error" } dd.error { (error) }
                        }
                    }
                }
                Err(error) => p.error { "Cannot read the outbox: " (error) },
            }
        }
    }
}

fn models(console: &Console) -> Markup {
    let models = console.daemon.as_ref().map(|daemon| daemon.models()).unwrap_or_default();
    html! {
        @if !models.is_empty() {
            section.card {
                h2 { "Models" }
                table {
                    thead { tr { th { "Role" } th { "File" } th { "Size" } } }
                    tbody {
                        @for model in &models {
                            tr {
                                td { (model.role) }
                                td { code { (model.file) } }
                                td { @match model.size { Some(size) => (host::bytes(size)), None => span.error { "missing" } } }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// Formats a duration as days, hours and minutes.
fn uptime(elapsed: std::time::Duration) -> String {
    let minutes = elapsed.as_secs() / 60;
    let (days, hours, minutes) = (minutes / 1440, minutes / 60 % 24, minutes % 60);
    match (days, hours) {
        (0, 0) => format!("{minutes} min"),
        (0, _) => format!("{hours} h {minutes} min"),
        _ => format!("{days} d {hours} h"),
    }
}
