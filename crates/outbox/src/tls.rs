//! Certificates the transports trust: the Mozilla root certificates that the
//! `webpki-roots` crate bundles, plus an optional extra certificate for a
//! server with a self-signed or private-CA certificate.

use std::sync::Arc;

use tokio_rustls::rustls::pki_types::pem::PemObject;
use tokio_rustls::rustls::pki_types::CertificateDer;
use tokio_rustls::rustls::{self, ClientConfig, RootCertStore};

use crate::error::SettingsError;

/// Parses every certificate of a PEM text. Fails when the text contains none.
pub(crate) fn parse_pem_certificates(
    pem: &[u8],
) -> Result<Vec<CertificateDer<'static>>, SettingsError> {
    let certificates = CertificateDer::pem_slice_iter(pem)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|err| SettingsError::Certificate {
            problem: err.to_string(),
        })?;
    if certificates.is_empty() {
        return Err(SettingsError::Certificate {
            problem: "no certificate found".to_owned(),
        });
    }
    Ok(certificates)
}

/// Builds the TLS client configuration of the webhook: TLS 1.2 or 1.3,
/// trusting the bundled roots and `extra_pem`. It takes the crypto provider
/// lettre takes for SMTP, so both transports negotiate alike.
pub(crate) fn client_config(extra_pem: Option<&[u8]>) -> Result<Arc<ClientConfig>, SettingsError> {
    let provider = crypto_provider();
    let mut roots = RootCertStore::empty();
    roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    if let Some(pem) = extra_pem {
        for certificate in parse_pem_certificates(pem)? {
            roots
                .add(certificate)
                .map_err(|err| SettingsError::Certificate {
                    problem: err.to_string(),
                })?;
        }
    }
    let config = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|err| SettingsError::Certificate {
            problem: format!("TLS configuration failed: {err}"),
        })?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(Arc::new(config))
}

/// Returns the process-wide default crypto provider if the program installed
/// one, else ring's.
fn crypto_provider() -> Arc<rustls::crypto::CryptoProvider> {
    if let Some(provider) = rustls::crypto::CryptoProvider::get_default() {
        return Arc::clone(provider);
    }
    // NOTE: rustls 0.23.48 deprecates ring's provider because it lacks
    // post-quantum key exchange. aws-lc-rs has it but needs cmake and a C
    // toolchain to build on the board; switch when that cost is accepted.
    #[allow(deprecated)]
    let provider = rustls::crypto::ring::default_provider();
    Arc::new(provider)
}

/// Returns whether `host` (a name or an IP address, IPv6 with or without
/// brackets) is the local machine.
pub(crate) fn is_loopback(host: &str) -> bool {
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    if bare.eq_ignore_ascii_case("localhost") {
        return true;
    }
    bare.parse::<std::net::IpAddr>()
        .is_ok_and(|address| address.is_loopback())
}

/// Appends a hint about `extra_root_certificate_pem` to a TLS error message
/// when the error is about the server's certificate.
pub(crate) fn with_certificate_hint(message: String) -> String {
    let lower = message.to_ascii_lowercase();
    if lower.contains("certificate") || lower.contains("unknownissuer") {
        format!(
            "{message}; if the server uses a self-signed or private-CA certificate, \
             give it in extra_root_certificate_pem"
        )
    } else {
        message
    }
}
