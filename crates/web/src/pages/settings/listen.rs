//! `POST /settings/listen`: a text spoken with the box's voice for a language, as a WAV file
//! that the Listen buttons play (assets/listen.js).

use std::sync::Arc;

use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Form;
use standardiste_profile::Language;

use crate::guard::Admin;
use crate::server::Console;

/// Maximum length of a text to play, in characters: more than any greeting, and short enough for the
/// board to synthesize while the owner waits.
const MAX_CHARS: usize = 1000;

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct ListenForm {
    text: String,
    /// ISO 639-1 code of the language, such as `fr`.
    language: String,
}

pub async fn speak(State(console): State<Arc<Console>>, Admin(_): Admin, Form(form): Form<ListenForm>) -> Response {
    let Some(daemon) = console.daemon.clone() else {
        return plain(
            StatusCode::SERVICE_UNAVAILABLE,
            "The voice needs the running daemon, and this console runs without it: start the standardiste service and try again.".into(),
        );
    };
    let text = form.text.trim();
    if text.is_empty() {
        return plain(
            StatusCode::UNPROCESSABLE_ENTITY,
            "There is nothing to play: write the text first.".into(),
        );
    }
    let length = text.chars().count();
    if length > MAX_CHARS {
        return plain(
            StatusCode::UNPROCESSABLE_ENTITY,
            format!("The text is {length} characters long; Listen plays at most {MAX_CHARS}, so shorten it to listen."),
        );
    }
    let Some(language) = Language::from_code(&form.language) else {
        let codes: Vec<&str> = Language::ALL.iter().map(|language| language.code()).collect();
        return plain(
            StatusCode::UNPROCESSABLE_ENTITY,
            format!(
                "{:?} is not a language the box speaks; use one of {}.",
                form.language,
                codes.join(", ")
            ),
        );
    };
    match daemon.speak(text.to_string(), language.code().to_string()).await {
        Ok(wav) => ([(header::CONTENT_TYPE, "audio/wav")], wav).into_response(),
        Err(error) => {
            tracing::warn!(%error, language = language.code(), "cannot speak a text for the console's Listen button");
            plain(StatusCode::UNPROCESSABLE_ENTITY, format!("The box cannot speak this text: {error}"))
        }
    }
}

/// Builds a plain-text reply, which the Listen script shows beside the button.
fn plain(status: StatusCode, message: String) -> Response {
    (status, [(header::CONTENT_TYPE, "text/plain; charset=utf-8")], message).into_response()
}
