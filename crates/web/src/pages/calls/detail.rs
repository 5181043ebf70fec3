//! One call: who called and what the box took down, the transcript beside
//! the recording (a turn plays from its start when clicked, and the turn
//! being played is marked), and what the box did: booking, transfer, texts.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use maud::{html, Markup};
use standardiste_store::{CallDelivery, CallRow, IntakeRow, TurnRow};

use super::read_store;
use crate::error::PageError;
use crate::guard::Admin;
use crate::pages::format;
use crate::pages::layout::page as layout;
use crate::server::Console;

struct CallPage {
    call: CallRow,
    turns: Vec<TurnRow>,
    intake: IntakeRow,
    deliveries: Vec<CallDelivery>,
    audio_deleted: Option<String>,
    transcript_deleted: Option<String>,
    booking: Option<BookingLine>,
}

/// The booking the call made, as one line.
struct BookingLine {
    id: i64,
    appointment: String,
    start: String,
    status: String,
}

pub async fn page(State(console): State<Arc<Console>>, Admin(session): Admin, Path(id): Path<String>) -> Response {
    let Ok(id) = id.parse::<i64>() else {
        return PageError::NotFound(format!("call {id:?} (call numbers are whole numbers)")).into_response();
    };
    let found = read_store(&console, move |store| {
        let call = store.call(id)?;
        let (audio_deleted, transcript_deleted) = store.retention_marks(id)?;
        let intake = store.intake(id)?;
        let booking = match intake.booking_id {
            Some(booking_id) => booking_line(store, booking_id)?,
            None => None,
        };
        Ok(CallPage {
            turns: store.turns(id)?,
            deliveries: store.call_deliveries(id)?,
            call,
            intake,
            audio_deleted,
            transcript_deleted,
            booking,
        })
    })
    .await;
    match found {
        Ok(call) => layout(&format!("Call {id}"), &session, "/calls", render(&call)).into_response(),
        Err(error) => error.into_response(),
    }
}

fn booking_line(store: &standardiste_store::Store, id: i64) -> Result<Option<BookingLine>, PageError> {
    Ok(store.booking_summary(id)?.map(|(appointment, start, status)| BookingLine { id, appointment, start, status }))
}

fn render(page: &CallPage) -> Markup {
    let call = &page.call;
    html! {
        p { a href="/calls" { "← All calls" } }
        h1 { "Call " (call.id) ": " (call.caller_number.as_deref().unwrap_or("unknown number")) }
        dl.details {
            dt { "Started" } dd { (format::local_time(&call.started_at)) }
            dt { "Duration" } dd { (format::duration(call.duration_ms)) }
            dt { "Line" } dd { (call.line) }
            dt { "Outcome" } dd { span class={ "badge " (call.outcome) } { (format::outcome(&call.outcome)) } }
            dt { "Language" } dd { (call.language.as_deref().unwrap_or("–")) }
        }
        (recording(page))
        div.columns {
            section.card {
                h2 { "What the caller gave" }
                (intake(&page.intake))
            }
            section.card {
                h2 { "What the box did" }
                (actions(page))
            }
        }
        section.card {
            h2 { "Transcript" }
            (transcript(page))
        }
        (recaps(&page.deliveries))
        script src="/assets/call.js" defer {}
    }
}

fn recording(page: &CallPage) -> Markup {
    let call = &page.call;
    html! {
        section.card.recording {
            h2 { "Recording" }
            @if let Some(deleted) = &page.audio_deleted {
                p.muted { "The recording was deleted on " (format::local_time(deleted)) ", as the retention settings ask." }
            } @else if call.recording_path.is_some() {
                audio #recording controls preload="metadata" src={ "/calls/" (call.id) "/audio" } {
                    "Your browser cannot play the recording; "
                    a href={ "/calls/" (call.id) "/audio" } { "download it" } "."
                }
                p.muted { "The caller is on the left channel, the box on the right. Click a line of the transcript to play from there." }
            } @else {
                p.muted { "This call was not recorded (recording is off in the profile)." }
            }
        }
    }
}

fn intake(intake: &IntakeRow) -> Markup {
    let yes_no = |value: bool| if value { "yes" } else { "no" };
    html! {
        dl.details {
            dt { "Name" } dd { (intake.caller_name.as_deref().unwrap_or("–")) }
            dt { "Callback number" } dd {
                (intake.callback_number.as_deref().unwrap_or("–"))
                @if intake.callback_number.is_some() { " (" (if intake.callback_confirmed { "confirmed" } else { "not confirmed" }) ")" }
            }
            dt { "Reason" } dd { (intake.reason.as_deref().unwrap_or("–")) }
            dt { "Urgency" } dd {
                @match intake.urgency.as_deref() {
                    Some(urgency) => span class={ "badge " (urgency) } { (urgency) },
                    None => "–",
                }
            }
            dt { "Message taken" } dd { (yes_no(intake.message_taken)) }
        }
    }
}

fn actions(page: &CallPage) -> Markup {
    let intake = &page.intake;
    let texts = page.deliveries.iter().filter(|d| d.channel == "sms").count();
    html! {
        ul.actions {
            @if let Some(booking) = &page.booking {
                li { "Booked " (booking.appointment) " on " (booking.start) " (booking " (booking.id) ", " (booking.status) "). "
                     a href="/bookings" { "Bookings" } }
            } @else if let Some(id) = intake.booking_id {
                li { "Booked appointment " (id) ", since removed from the book." }
            }
            @if page.call.outcome == "transferred" { li { "Transferred the call to a person." } }
            @if let Some(reason) = &intake.escalation { li { "Escalated: " (reason) "." } }
            @if intake.callback_promised { li { "Promised a callback." } }
            @if intake.message_taken { li { "Took a message. " a href="/messages" { "Messages" } } }
            @if texts > 0 { li { "Queued " (texts) " text message" @if texts > 1 { "s" } "." } }
            @if page.booking.is_none() && intake.booking_id.is_none() && page.call.outcome != "transferred"
                && intake.escalation.is_none() && !intake.callback_promised && !intake.message_taken && texts == 0 {
                li.muted { "Answered the caller; nothing else was needed." }
            }
        }
    }
}

fn transcript(page: &CallPage) -> Markup {
    html! {
        @if let Some(deleted) = &page.transcript_deleted {
            p.muted { "The transcript was deleted on " (format::local_time(deleted)) ", as the retention settings ask." }
        } @else if page.turns.is_empty() {
            p.muted { "Nobody spoke on this call." }
        } @else {
            div.transcript {
                @for turn in &page.turns {
                    div class={ "turn " (turn.speaker) } data-start=(turn.start_ms) data-end=(turn.end_ms) tabindex="0" {
                        span.when { (format::offset(turn.start_ms)) }
                        span.who { @if turn.speaker == "caller" { "Caller" } @else { "Box" } }
                        span.text { (turn.text) }
                        @if turn.interrupted { " " span.muted { "(interrupted)" } }
                    }
                }
            }
        }
    }
}

fn recaps(deliveries: &[CallDelivery]) -> Markup {
    html! {
        @if !deliveries.is_empty() {
            section.card {
                h2 { "Recap and alerts" }
                @for delivery in deliveries {
                    details.delivery {
                        summary {
                            @if delivery.alert { strong { "Urgent alert" } } @else { "Recap" }
                            " by " (delivery.channel) " to " (delivery.recipient) ": "
                            span class={ "badge " (delivery.state) } { (delivery.state) }
                            @if delivery.attempts > 1 { " after " (delivery.attempts) " attempts" }
                        }
                        @if let Some(error) = &delivery.last_error { p.error { "Last error: " (error) } }
                        @if delivery.channel == "webhook" {
                            pre.body { (delivery.body) }
                        } @else {
                            @if !delivery.subject.is_empty() { p { strong { (delivery.subject) } } }
                            pre.body { (delivery.body) }
                        }
                    }
                }
            }
        }
    }
}
