//! The layers every request goes through: its session, the CSRF check on
//! every POST, and the security headers. The [`Admin`] extractor guards the
//! pages behind the password.

use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::extract::{FromRequestParts, Request, State};
use axum::http::header::{self, HeaderValue};
use axum::http::request::Parts;
use axum::http::{Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};

use crate::auth::{Session, SESSION_COOKIE};
use crate::server::Console;

/// Largest request body accepted: forms are small, and the whole-profile
/// editor is the biggest of them.
pub const MAX_BODY_BYTES: usize = 1 << 20;

/// Name of the form field, and of the header for script requests, that carries the CSRF token.
pub const CSRF_FIELD: &str = "csrf";
pub const CSRF_HEADER: &str = "x-csrf-token";

/// Finds or opens the request's session and puts it in the request's
/// extensions; sets the cookie when the session is new.
pub async fn session(State(console): State<Arc<Console>>, mut request: Request, next: Next) -> Response {
    let existing = cookie(request.headers(), SESSION_COOKIE).and_then(|id| console.sessions.get(&id));
    let (session, new) = match existing {
        Some(session) => (session, false),
        None => (console.sessions.open(), true),
    };
    request.extensions_mut().insert(session.clone());
    let mut response = next.run(request).await;
    // A handler that replaced the session (sign-in, sign-out) set its own cookie.
    if new && !response.headers().contains_key(header::SET_COOKIE) {
        if let Ok(value) = HeaderValue::from_str(&session_cookie(&session.id)) {
            response.headers_mut().append(header::SET_COOKIE, value);
        }
    }
    response
}

/// Builds the `Set-Cookie` value for session `id`: sent only over HTTPS, hidden
/// from scripts, and never on requests started by other sites.
pub fn session_cookie(id: &str) -> String {
    format!("{SESSION_COOKIE}={id}; Path=/; Secure; HttpOnly; SameSite=Strict")
}

/// Rejects a POST whose CSRF token is missing or not the session's, or that
/// comes from another origin.
pub async fn csrf(request: Request, next: Next) -> Response {
    if request.method() != Method::POST {
        return next.run(request).await;
    }
    let Some(session) = request.extensions().get::<Session>().cloned() else {
        return forbidden("the request has no session");
    };
    if !same_origin(&request) {
        return forbidden("the form was sent from another site");
    }
    let from_header = request
        .headers()
        .get(CSRF_HEADER)
        .and_then(|value| value.to_str().ok())
        .map(str::to_string);
    let (parts, body) = request.into_parts();
    let bytes: Bytes = match axum::body::to_bytes(body, MAX_BODY_BYTES).await {
        Ok(bytes) => bytes,
        Err(_) => {
            return (
                StatusCode::PAYLOAD_TOO_LARGE,
                format!("the form is larger than {MAX_BODY_BYTES} bytes; send less at once"),
            )
                .into_response()
        }
    };
    let token = from_header.or_else(|| {
        form_urlencoded_pairs(&bytes)
            .into_iter()
            .find(|(name, _)| name == CSRF_FIELD)
            .map(|(_, value)| value)
    });
    match token {
        Some(token) if session.csrf_matches(&token) => next.run(Request::from_parts(parts, Body::from(bytes))).await,
        _ => forbidden("the form has expired or was not sent from this console"),
    }
}

fn forbidden(reason: &str) -> Response {
    tracing::warn!(reason, "console rejected a form");
    let page = crate::pages::layout::bare("Form rejected", maud::html! {
        h1 { "Form rejected" }
        p.error { "Nothing was changed: " (reason) "." }
        p { "Reload the page and send the form again." }
        p { a href="/" { "Back to the console" } }
    });
    (StatusCode::FORBIDDEN, page).into_response()
}

/// Checks whether the request's `Origin` (or, without one, its `Referer`) is this
/// console. Browsers send `Origin` on every cross-site POST.
fn same_origin(request: &Request) -> bool {
    let headers = request.headers();
    let Some(host) = headers.get(header::HOST).and_then(|value| value.to_str().ok()) else {
        return false;
    };
    let source = headers
        .get(header::ORIGIN)
        .or_else(|| headers.get(header::REFERER))
        .and_then(|value| value.to_str().ok());
    match source {
        // Same-origin forms sent by older clients may carry neither; the token still guards them.
        None => true,
        Some(source) => {
            let rest = source.strip_prefix("https://").unwrap_or("");
            let origin_host = rest.split('/').next().unwrap_or("");
            origin_host.eq_ignore_ascii_case(host)
        }
    }
}

/// Adds the headers that keep pages from being framed, sniffed or fed scripts from elsewhere.
pub async fn security_headers(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    let fixed = [
        (
            header::CONTENT_SECURITY_POLICY,
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; media-src 'self' blob:; \
             connect-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'; object-src 'none'",
        ),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::X_FRAME_OPTIONS, "DENY"),
        (header::REFERRER_POLICY, "same-origin"),
    ];
    for (name, value) in fixed {
        headers.insert(name, HeaderValue::from_static(value));
    }
    if !headers.contains_key(header::CACHE_CONTROL) {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    response
}

/// A signed-in admin's session. A request without one is sent to sign in,
/// or to set the password up when there is none yet.
pub struct Admin(pub Session);

impl FromRequestParts<Arc<Console>> for Admin {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, console: &Arc<Console>) -> Result<Admin, Response> {
        match parts.extensions.get::<Session>() {
            Some(session) if session.admin => Ok(Admin(session.clone())),
            _ if !console.admin.is_set() => Err(Redirect::to("/setup").into_response()),
            _ => {
                let next = parts.uri.path_and_query().map(|p| p.as_str()).unwrap_or("/");
                let target = format!("/login?next={}", percent_encode(next));
                Err(Redirect::to(&target).into_response())
            }
        }
    }
}

/// Any visitor's session.
pub struct Visitor(pub Session);

impl<S: Send + Sync> FromRequestParts<S> for Visitor {
    type Rejection = StatusCode;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Visitor, StatusCode> {
        parts.extensions.get::<Session>().cloned().map(Visitor).ok_or(StatusCode::INTERNAL_SERVER_ERROR)
    }
}

/// Finds the value of cookie `name` in the request's `Cookie` headers.
fn cookie(headers: &axum::http::HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value.to_string())
}

/// Decodes an `application/x-www-form-urlencoded` body into its pairs.
pub fn form_urlencoded_pairs(bytes: &[u8]) -> Vec<(String, String)> {
    bytes
        .split(|byte| *byte == b'&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let mut halves = pair.splitn(2, |byte| *byte == b'=');
            let name = percent_decode(halves.next().unwrap_or_default());
            let value = percent_decode(halves.next().unwrap_or_default());
            (name, value)
        })
        .collect()
}

fn percent_decode(bytes: &[u8]) -> String {
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).ok().and_then(|h| u8::from_str_radix(h, 16).ok());
                match hex {
                    Some(byte) => {
                        out.push(byte);
                        i += 2;
                    }
                    None => out.push(b'%'),
                }
            }
            byte => out.push(byte),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Percent-encodes `text` for a query string value.
pub fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~' | b'/') {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_pairs_are_decoded() {
        let pairs = form_urlencoded_pairs(b"csrf=ab%2Bc&greeting=Hello+there%21&empty=&bad=%zz&trail=%4");
        assert_eq!(pairs[0], ("csrf".into(), "ab+c".into()));
        assert_eq!(pairs[1], ("greeting".into(), "Hello there!".into()));
        assert_eq!(pairs[2], ("empty".into(), "".into()));
        assert_eq!(pairs[3], ("bad".into(), "%zz".into()));
        assert_eq!(pairs[4], ("trail".into(), "%4".into()));
    }

    #[test]
    fn next_path_is_encoded() {
        assert_eq!(percent_encode("/calls?q=a b&x=<"), "/calls%3Fq%3Da%20b%26x%3D%3C");
    }

    #[test]
    fn cookie_is_found_among_others() {
        let mut headers = axum::http::HeaderMap::new();
        headers.insert(header::COOKIE, HeaderValue::from_static("a=1; standardiste_session=xyz; b=2"));
        assert_eq!(cookie(&headers, SESSION_COOKIE).as_deref(), Some("xyz"));
        assert_eq!(cookie(&headers, "missing"), None);
    }
}
