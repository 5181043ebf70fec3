//! A webhook transport for several receivers: each item goes to the URL in its
//! `recipient`, so one outbox serves every webhook URL of the profile.
//!
//! Requests, signatures and the classification of responses are those of
//! [`WebhookTransport`]; see the [`webhook`](crate::webhook) module.

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::delivery::Delivery;
use crate::error::SettingsError;
use crate::redact::redact_url;
use crate::tls::parse_pem_certificates;
use crate::transport::{BoxFuture, DeliveryError, Transport};
use crate::webhook::{WebhookSettings, WebhookTransport};

/// Maximum number of cached per-URL transports. A profile lists a handful of
/// URLs, so reaching the limit means the profile changed many times since the
/// start. The cache is then emptied and refilled on demand.
const MAX_CACHED_URLS: usize = 64;

/// Settings shared by every URL of [`WebhookRoutes`].
#[derive(Clone)]
pub struct WebhookRoutesSettings {
    /// Key of the HMAC-SHA256 signature, or `None` to send no signature.
    pub secret: Option<String>,
    /// Limit of one whole request: connect, TLS handshake, send, response head.
    pub timeout: Duration,
    /// PEM certificate to trust besides the bundled roots, for receivers with
    /// a self-signed or private-CA certificate.
    pub extra_root_certificate_pem: Option<Vec<u8>>,
}

impl fmt::Debug for WebhookRoutesSettings {
    // The secret stays out of logs.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WebhookRoutesSettings")
            .field("secret", &self.secret.as_ref().map(|_| "***"))
            .field("timeout", &self.timeout)
            .field(
                "extra_root_certificate_pem",
                &self.extra_root_certificate_pem.as_ref().map(Vec::len),
            )
            .finish()
    }
}

/// Sends each webhook item as a signed JSON POST to the `http://` or
/// `https://` URL in its `recipient`.
///
/// One [`WebhookTransport`] is built per URL on first use and cached, so the
/// TLS configuration is prepared once per receiver. A recipient that is not a
/// valid URL fails its item permanently, with the URL and the problem in the
/// item's error.
pub struct WebhookRoutes {
    settings: WebhookRoutesSettings,
    transports: Mutex<HashMap<String, Arc<WebhookTransport>>>,
}

impl WebhookRoutes {
    /// Checks the shared settings, such as the extra root certificate, so that
    /// a mistake shows at start instead of on every item. Sends nothing.
    pub fn new(settings: WebhookRoutesSettings) -> Result<WebhookRoutes, SettingsError> {
        if let Some(pem) = &settings.extra_root_certificate_pem {
            parse_pem_certificates(pem)?;
        }
        Ok(WebhookRoutes {
            settings,
            transports: Mutex::new(HashMap::new()),
        })
    }

    /// Returns the transport for `url`, building and caching it on first use.
    fn transport_for(&self, url: &str) -> Result<Arc<WebhookTransport>, DeliveryError> {
        // A panic while the lock was held leaves at worst a missing entry,
        // so a poisoned lock is still usable.
        let mut transports = self
            .transports
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(transport) = transports.get(url) {
            return Ok(Arc::clone(transport));
        }

        let settings = WebhookSettings {
            url: url.to_owned(),
            secret: self.settings.secret.clone(),
            timeout: self.settings.timeout,
            extra_root_certificate_pem: self.settings.extra_root_certificate_pem.clone(),
        };
        let transport = match WebhookTransport::new(settings) {
            Ok(transport) => Arc::new(transport),
            Err(err) => return Err(url_error(url, err)),
        };
        if transports.len() >= MAX_CACHED_URLS {
            tracing::debug!(
                cached = transports.len(),
                "webhook transport cache is full; emptying it"
            );
            transports.clear();
        }
        transports.insert(url.to_owned(), Arc::clone(&transport));
        Ok(transport)
    }

    async fn post(&self, item: &Delivery) -> Result<(), DeliveryError> {
        let transport = self.transport_for(&item.recipient)?;
        transport.deliver(item).await
    }
}

impl fmt::Debug for WebhookRoutes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let cached = self
            .transports
            .lock()
            .map(|transports| transports.len())
            .unwrap_or(0);
        f.debug_struct("WebhookRoutes")
            .field("settings", &self.settings)
            .field("cached_urls", &cached)
            .finish()
    }
}

impl Transport for WebhookRoutes {
    fn deliver<'a>(&'a self, item: &'a Delivery) -> BoxFuture<'a, Result<(), DeliveryError>> {
        Box::pin(self.post(item))
    }
}

/// Turns a failure to build the transport of `url` into the item's error.
///
/// An invalid URL is permanent, because every later attempt would read the
/// same recipient. A certificate problem comes from the shared settings,
/// which [`WebhookRoutes::new`] already checked, so it is transient: the
/// item can pass once the owner fixes the settings.
fn url_error(url: &str, err: SettingsError) -> DeliveryError {
    match err {
        SettingsError::Invalid { problem, .. } => DeliveryError::permanent(format!(
            "webhook recipient {:?} is not a valid URL: {problem}; set the recipient to \
             an http:// or https:// URL such as https://example.com/hooks/recap",
            redact_url(url)
        )),
        SettingsError::Certificate { .. } => DeliveryError::transient(format!(
            "cannot prepare TLS for webhook {:?}: {err}",
            redact_url(url)
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings() -> WebhookRoutesSettings {
        WebhookRoutesSettings {
            secret: Some("secret".to_owned()),
            timeout: Duration::from_secs(1),
            extra_root_certificate_pem: None,
        }
    }

    #[test]
    fn transport_is_cached_per_url() {
        let routes = WebhookRoutes::new(settings()).unwrap();
        let first = routes.transport_for("http://127.0.0.1:9/a").unwrap();
        let again = routes.transport_for("http://127.0.0.1:9/a").unwrap();
        let other = routes.transport_for("http://127.0.0.1:9/b").unwrap();
        assert!(Arc::ptr_eq(&first, &again), "same URL, same transport");
        assert!(!Arc::ptr_eq(&first, &other), "other URL, other transport");
    }

    #[test]
    fn cache_is_bounded() {
        let routes = WebhookRoutes::new(settings()).unwrap();
        for n in 0..(MAX_CACHED_URLS + 5) {
            routes
                .transport_for(&format!("http://127.0.0.1:9/hook/{n}"))
                .unwrap();
        }
        let cached = routes.transports.lock().unwrap().len();
        assert!(cached <= MAX_CACHED_URLS, "{cached} cached transports");
    }

    #[test]
    fn invalid_url_is_permanent_and_hides_query() {
        let routes = WebhookRoutes::new(settings()).unwrap();
        let err = routes
            .transport_for("ftp://hooks.example.com/recap?token=s3cret")
            .err()
            .expect("an ftp URL must be rejected");
        assert!(err.permanent, "{err}");
        assert!(
            err.message.contains("ftp://hooks.example.com/recap"),
            "{err}"
        );
        assert!(!err.message.contains("s3cret"), "{err}");
    }

    #[test]
    fn invalid_certificate_is_rejected_at_start() {
        let mut bad = settings();
        bad.extra_root_certificate_pem = Some(b"not a certificate".to_vec());
        let err = WebhookRoutes::new(bad).expect_err("must be rejected");
        assert!(
            err.to_string().contains("extra_root_certificate_pem"),
            "{err}"
        );
    }

    #[test]
    fn credentials_in_url_stay_out_of_error() {
        let routes = WebhookRoutes::new(settings()).unwrap();
        let err = routes
            .transport_for("https://crm:hunter2@hooks.example.com/recap")
            .err()
            .expect("credentials in the URL must be rejected");
        assert!(err.permanent, "{err}");
        assert!(err.message.contains("hooks.example.com/recap"), "{err}");
        assert!(!err.message.contains("hunter2"), "{err}");
    }
}
