//! The webhook transport: a JSON POST over HTTP/1.1, with TLS for `https`.
//!
//! The request body is a JSON envelope:
//! `{"idempotency_key": …, "subject": …, "recipient": …, "created_at": RFC 3339, "recap": <the item's JSON body>}`.
//! Headers: `Content-Type: application/json`, `Idempotency-Key` (the same key),
//! and `X-Standardiste-Signature: sha256=<hex>` when a secret is set, the
//! HMAC-SHA256 of the exact body bytes under that secret. The envelope contains
//! no attempt counter, so a retry sends the same bytes.
//!
//! Any 2xx status means delivered. 408, 429, 5xx, network errors and timeouts
//! are transient. Other 4xx and 3xx (redirects are not followed) are
//! permanent, because sending the same request again gets the same response.

use std::fmt;
use std::time::Duration;

use bytes::Bytes;
use hmac::{Hmac, Mac};
use http_body_util::{BodyExt, Full, Limited};
use hyper::header::{HeaderValue, CONTENT_TYPE, HOST, LOCATION, USER_AGENT};
use hyper::{Method, Request, StatusCode, Uri};
use hyper_util::rt::TokioIo;
use sha2::Sha256;
use time::format_description::well_known::Rfc3339;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpStream;
use tokio::task::JoinHandle;
use tokio_rustls::rustls::pki_types::ServerName;
use tokio_rustls::TlsConnector;

use crate::delivery::Delivery;
use crate::error::SettingsError;
use crate::tls::{client_config, is_loopback, with_certificate_hint};
use crate::transport::{BoxFuture, DeliveryError, Transport};

/// Header that carries the idempotency key.
pub const IDEMPOTENCY_KEY_HEADER: &str = "Idempotency-Key";

/// Header that carries the body's HMAC-SHA256 signature.
pub const SIGNATURE_HEADER: &str = "X-Standardiste-Signature";

/// Maximum bytes of an error response read into the error message.
const ERROR_BODY_LIMIT: usize = 4096;

/// Characters of the error response kept in the error message.
const ERROR_SNIPPET_CHARS: usize = 200;

/// Settings of [`WebhookTransport`].
#[derive(Clone)]
pub struct WebhookSettings {
    /// `http://` or `https://` URL that receives the POST.
    pub url: String,
    /// Key of the HMAC-SHA256 signature, or `None` to send no signature.
    pub secret: Option<String>,
    /// Limit of one whole request: connect, TLS handshake, send, response head.
    pub timeout: Duration,
    /// PEM certificate to trust besides the bundled roots, for a server with
    /// a self-signed or private-CA certificate.
    pub extra_root_certificate_pem: Option<Vec<u8>>,
}

impl fmt::Debug for WebhookSettings {
    // The secret stays out of logs.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WebhookSettings")
            .field("url", &self.url)
            .field("secret", &self.secret.as_ref().map(|_| "***"))
            .field("timeout", &self.timeout)
            .field(
                "extra_root_certificate_pem",
                &self.extra_root_certificate_pem.as_ref().map(Vec::len),
            )
            .finish()
    }
}

/// Sends items as signed JSON POST requests to one URL.
pub struct WebhookTransport {
    target: Target,
    secret: Option<Vec<u8>>,
    timeout: Duration,
    tls: Option<TlsConnector>,
}

/// The parts of the URL a request needs.
struct Target {
    /// Host without IPv6 brackets, for connecting and for TLS.
    host: String,
    port: u16,
    /// Value of the `Host` header.
    authority: String,
    path_and_query: String,
    /// The URL without its query, which may hold a token, for messages.
    display: String,
}

impl WebhookTransport {
    /// Checks the settings and prepares the TLS configuration. Sends nothing.
    pub fn new(settings: WebhookSettings) -> Result<WebhookTransport, SettingsError> {
        let (target, https) = parse_url(&settings.url)?;
        let tls = if https {
            let config = client_config(settings.extra_root_certificate_pem.as_deref())?;
            Some(TlsConnector::from(config))
        } else {
            if !is_loopback(&target.host) {
                tracing::warn!(url = %target.display, "webhook URL is plain http: recaps cross the network unencrypted; prefer https");
            }
            None
        };
        Ok(WebhookTransport {
            target,
            secret: settings.secret.map(String::into_bytes),
            timeout: settings.timeout,
            tls,
        })
    }

    async fn post(&self, item: &Delivery) -> Result<(), DeliveryError> {
        let body = envelope(item)?;
        let request = self.request(item, body)?;
        let exchange = self.exchange(request);
        let (status, location, snippet) = match tokio::time::timeout(self.timeout, exchange).await {
            Ok(result) => result?,
            Err(_) => {
                return Err(DeliveryError::transient(format!(
                    "webhook {} timed out after {:?}",
                    self.target.display, self.timeout
                )))
            }
        };
        classify(&self.target.display, status, location, &snippet)
    }

    fn request(
        &self,
        item: &Delivery,
        body: Vec<u8>,
    ) -> Result<Request<Full<Bytes>>, DeliveryError> {
        let mut builder = Request::builder()
            .method(Method::POST)
            .uri(self.target.path_and_query.as_str())
            .header(HOST, self.target.authority.as_str())
            .header(CONTENT_TYPE, "application/json")
            .header(
                USER_AGENT,
                concat!("standardiste-outbox/", env!("CARGO_PKG_VERSION")),
            )
            .header(IDEMPOTENCY_KEY_HEADER, header_value(&item.idempotency_key)?);
        if let Some(secret) = &self.secret {
            builder = builder.header(SIGNATURE_HEADER, sign(secret, &body));
        }
        builder.body(Full::new(Bytes::from(body))).map_err(|err| {
            DeliveryError::permanent(format!("cannot build the webhook request: {err}"))
        })
    }

    /// Connects, sends the request, and returns the status, the `Location`
    /// header and the start of the response body.
    async fn exchange(
        &self,
        request: Request<Full<Bytes>>,
    ) -> Result<(StatusCode, Option<String>, String), DeliveryError> {
        let target = &self.target;
        let tcp = TcpStream::connect((target.host.as_str(), target.port))
            .await
            .map_err(|err| {
                DeliveryError::transient(format!(
                    "cannot connect to webhook {}: {err}",
                    target.display
                ))
            })?;
        match &self.tls {
            None => send(tcp, request, &target.display).await,
            Some(connector) => {
                let name = ServerName::try_from(target.host.clone()).map_err(|err| {
                    DeliveryError::permanent(format!(
                        "webhook host {:?} is not a valid TLS server name: {err}",
                        target.host
                    ))
                })?;
                let stream = connector.connect(name, tcp).await.map_err(|err| {
                    DeliveryError::transient(with_certificate_hint(format!(
                        "TLS handshake with webhook {} failed: {err}",
                        target.display
                    )))
                })?;
                send(stream, request, &target.display).await
            }
        }
    }
}

impl Transport for WebhookTransport {
    fn deliver<'a>(&'a self, item: &'a Delivery) -> BoxFuture<'a, Result<(), DeliveryError>> {
        Box::pin(self.post(item))
    }
}

/// Returns the `X-Standardiste-Signature` value for `body`: `sha256=` and
/// the lowercase hex HMAC-SHA256 of the body under `secret`.
pub fn sign(secret: &[u8], body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret).expect("HMAC accepts keys of any length");
    mac.update(body);
    let digest = mac.finalize().into_bytes();
    let mut text = String::with_capacity(7 + 64);
    text.push_str("sha256=");
    for byte in digest {
        text.push_str(&format!("{byte:02x}"));
    }
    text
}

/// Builds the JSON envelope of `item`.
fn envelope(item: &Delivery) -> Result<Vec<u8>, DeliveryError> {
    let recap: serde_json::Value = serde_json::from_str(&item.body).map_err(|err| {
        DeliveryError::permanent(format!("stored webhook body is not valid JSON: {err}"))
    })?;
    let created_at = item
        .created_at
        .format(&Rfc3339)
        .map_err(|err| DeliveryError::permanent(format!("cannot format created_at: {err}")))?;
    let envelope = serde_json::json!({
        "idempotency_key": item.idempotency_key,
        "subject": item.subject,
        "recipient": item.recipient,
        "created_at": created_at,
        "recap": recap,
    });
    serde_json::to_vec(&envelope)
        .map_err(|err| DeliveryError::permanent(format!("cannot encode the webhook body: {err}")))
}

/// Sends `request` over an open stream and reads the response head, plus
/// the start of the body when the status is not 2xx.
async fn send<S>(
    stream: S,
    request: Request<Full<Bytes>>,
    display: &str,
) -> Result<(StatusCode, Option<String>, String), DeliveryError>
where
    S: AsyncRead + AsyncWrite + Send + Unpin + 'static,
{
    let failed = |err: hyper::Error| {
        DeliveryError::transient(format!("webhook {display} request failed: {err}"))
    };
    let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .map_err(failed)?;
    let _connection = AbortOnDrop(tokio::spawn(async move {
        if let Err(err) = connection.await {
            tracing::debug!(error = %err, "webhook connection closed with an error");
        }
    }));

    let response = sender.send_request(request).await.map_err(failed)?;
    let status = response.status();
    let location = response
        .headers()
        .get(LOCATION)
        .and_then(|value| value.to_str().ok())
        .map(str::to_owned);
    if status.is_success() {
        return Ok((status, location, String::new()));
    }
    // The body only improves the message, so a failure to read it is ignored.
    let snippet = match Limited::new(response.into_body(), ERROR_BODY_LIMIT)
        .collect()
        .await
    {
        Ok(collected) => {
            let bytes = collected.to_bytes();
            let text = String::from_utf8_lossy(&bytes);
            text.chars()
                .filter(|c| !c.is_control())
                .take(ERROR_SNIPPET_CHARS)
                .collect()
        }
        Err(_) => String::new(),
    };
    Ok((status, location, snippet))
}

/// Turns the response status into the outcome of the attempt.
fn classify(
    display: &str,
    status: StatusCode,
    location: Option<String>,
    snippet: &str,
) -> Result<(), DeliveryError> {
    if status.is_success() {
        return Ok(());
    }
    let mut message = format!("webhook {display} returned HTTP {status}");
    if !snippet.is_empty() {
        message.push_str(&format!(": {snippet}"));
    }
    if status.is_redirection() {
        let target = location.unwrap_or_else(|| "no Location header".to_owned());
        return Err(DeliveryError::permanent(format!(
            "{message} (redirect to {target}, which is not followed; set the webhook URL to the final address)"
        )));
    }
    let transient = status == StatusCode::REQUEST_TIMEOUT
        || status == StatusCode::TOO_MANY_REQUESTS
        || !status.is_client_error();
    if transient {
        Err(DeliveryError::transient(message))
    } else {
        Err(DeliveryError::permanent(message))
    }
}

fn header_value(key: &str) -> Result<HeaderValue, DeliveryError> {
    HeaderValue::from_str(key).map_err(|_| {
        DeliveryError::permanent(format!(
            "idempotency key {key:?} cannot be sent as an HTTP header value"
        ))
    })
}

/// Splits and checks a webhook URL. Returns the target and whether it is https.
fn parse_url(url: &str) -> Result<(Target, bool), SettingsError> {
    let invalid = |problem: &str| SettingsError::Invalid {
        setting: "webhook url",
        value: url.to_owned(),
        problem: problem.to_owned(),
    };
    let uri: Uri = url.parse().map_err(|err: hyper::http::uri::InvalidUri| {
        invalid(&format!("{err}; expected http(s)://host[:port]/path"))
    })?;

    let https = match uri.scheme_str() {
        Some("https") => true,
        Some("http") => false,
        _ => return Err(invalid("the scheme must be http or https")),
    };

    let authority = uri
        .authority()
        .ok_or_else(|| invalid("the URL has no host"))?
        .as_str()
        .to_owned();
    if authority.contains('@') {
        return Err(invalid(
            "credentials in the URL are not supported; use the secret setting to sign requests",
        ));
    }

    let host = uri.host().ok_or_else(|| invalid("the URL has no host"))?;
    let host = host
        .trim_start_matches('[')
        .trim_end_matches(']')
        .to_owned();
    let port = uri.port_u16().unwrap_or(if https { 443 } else { 80 });
    let path_and_query = uri
        .path_and_query()
        .map(|value| value.as_str().to_owned())
        .unwrap_or_else(|| "/".to_owned());

    let scheme = if https { "https" } else { "http" };
    let display = format!("{scheme}://{authority}{}", uri.path());
    Ok((
        Target {
            host,
            port,
            authority,
            path_and_query,
            display,
        },
        https,
    ))
}

/// Aborts the connection task when the request future ends or is dropped,
/// such as on timeout, so that no socket outlives its attempt.
struct AbortOnDrop(JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_keeps_path_and_hides_query() {
        let (target, https) = parse_url("https://[::1]:8443/hooks/recap?token=abc").unwrap();
        assert!(https);
        assert_eq!(target.host, "::1");
        assert_eq!(target.port, 8443);
        assert_eq!(target.path_and_query, "/hooks/recap?token=abc");
        assert_eq!(target.display, "https://[::1]:8443/hooks/recap");
    }

    #[test]
    fn url_rejects_other_schemes_and_credentials() {
        assert!(parse_url("ftp://127.0.0.1/").is_err());
        assert!(parse_url("http://user:pass@127.0.0.1/").is_err());
        assert!(parse_url("127.0.0.1:80").is_err());
    }

    #[test]
    fn status_classes() {
        let outcome = |code: u16| {
            classify("u", StatusCode::from_u16(code).unwrap(), None, "")
                .map_err(|err| err.permanent)
        };
        assert_eq!(outcome(200), Ok(()));
        assert_eq!(outcome(204), Ok(()));
        assert_eq!(outcome(400), Err(true));
        assert_eq!(outcome(404), Err(true));
        assert_eq!(outcome(301), Err(true));
        assert_eq!(outcome(408), Err(false));
        assert_eq!(outcome(429), Err(false));
        assert_eq!(outcome(500), Err(false));
        assert_eq!(outcome(503), Err(false));
    }

    #[test]
    fn signature_matches_known_hmac() {
        // HMAC-SHA256 test case 2 of RFC 4231.
        let signature = sign(b"Jefe", b"what do ya want for nothing?");
        assert_eq!(
            signature,
            "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }
}
