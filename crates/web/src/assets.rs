//! The stylesheet and scripts, compiled into the binary: the console needs
//! nothing from outside the box.

use axum::extract::Path;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};

/// Each asset by file name, with its content type.
const ASSETS: &[(&str, &str, &str)] = &[
    ("console.css", "text/css; charset=utf-8", include_str!("assets/console.css")),
    ("call.js", "text/javascript; charset=utf-8", include_str!("assets/call.js")),
    ("test-call.js", "text/javascript; charset=utf-8", include_str!("assets/test-call.js")),
    ("console.js", "text/javascript; charset=utf-8", include_str!("assets/console.js")),
    ("listen.js", "text/javascript; charset=utf-8", include_str!("assets/listen.js")),
];

pub async fn serve(Path(name): Path<String>) -> Response {
    match ASSETS.iter().find(|(file, _, _)| *file == name) {
        Some((_, content_type, body)) => (
            [(header::CONTENT_TYPE, *content_type), (header::CACHE_CONTROL, "max-age=3600")],
            *body,
        )
            .into_response(),
        None => (StatusCode::NOT_FOUND, "no such asset").into_response(),
    }
}
