//! The console's routes and the layers around them.

use std::sync::Arc;

use axum::extract::Request;
use axum::http::header;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::Router;

use crate::guard;
use crate::pages;
use crate::server::Console;

/// Builds every page of the console, behind the session, CSRF and header layers.
pub fn routes(console: Arc<Console>) -> Router {
    Router::new()
        .merge(pages::login::routes())
        .merge(pages::calls::routes())
        .merge(pages::system::routes())
        .merge(pages::dashboard::routes())
        .merge(pages::bookings::routes())
        .merge(pages::messages::routes())
        .merge(pages::settings::routes())
        .route("/assets/{name}", get(crate::assets::serve))
        .fallback(not_found)
        .layer(axum::middleware::from_fn(guard::csrf))
        .layer(axum::middleware::from_fn_with_state(console.clone(), guard::session))
        .layer(axum::middleware::from_fn(guard::security_headers))
        .with_state(console)
}

/// Builds the plain HTTP side, which redirects every request to the same path over HTTPS.
pub fn redirects(https_port: u16) -> Router {
    Router::new().fallback(move |request: Request| async move { redirect_to_https(&request, https_port) })
}

fn redirect_to_https(request: &Request, https_port: u16) -> Response {
    let host = request
        .headers()
        .get(header::HOST)
        .and_then(|value| value.to_str().ok())
        .map(host_without_port)
        .filter(|host| is_plain_host(host));
    let Some(host) = host else {
        return (StatusCode::BAD_REQUEST, "the request has no valid Host header; open the console by its address").into_response();
    };
    let port = if https_port == 443 { String::new() } else { format!(":{https_port}") };
    let path = request.uri().path_and_query().map(|p| p.as_str()).unwrap_or("/");
    Redirect::permanent(&format!("https://{host}{port}{path}")).into_response()
}

fn host_without_port(host: &str) -> &str {
    if host.starts_with('[') {
        // An IPv6 literal: keep the brackets, drop what follows them.
        return host.split_inclusive(']').next().unwrap_or(host);
    }
    host.rsplit_once(':').map_or(host, |(name, _)| name)
}

/// Checks that a host name or address is made only of the characters they may contain,
/// so nothing else can be smuggled into the redirect.
fn is_plain_host(host: &str) -> bool {
    !host.is_empty() && host.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'))
}

async fn not_found(request: Request) -> crate::error::PageError {
    crate::error::PageError::NotFound(format!("page {}", request.uri().path()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_port_is_dropped() {
        assert_eq!(host_without_port("box.lan:8080"), "box.lan");
        assert_eq!(host_without_port("192.168.1.5"), "192.168.1.5");
        assert_eq!(host_without_port("[fe80::1]:80"), "[fe80::1]");
    }

    #[test]
    fn odd_hosts_are_rejected() {
        assert!(is_plain_host("box.lan"));
        assert!(!is_plain_host("evil.com/x"));
        assert!(!is_plain_host("a b"));
        assert!(!is_plain_host(""));
    }
}
