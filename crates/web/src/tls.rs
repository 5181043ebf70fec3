//! The console's self-signed certificate: made on first start, kept in the
//! console folder, and identified by its SHA-256 fingerprint, which the owner
//! compares with the one the browser shows.

use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use sha2::{Digest, Sha256};
use tokio_rustls::rustls;
use tokio_rustls::rustls::pki_types::pem::PemObject;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer};

use crate::error::ConsoleError;

const CERT_FILE: &str = "console-cert.pem";
const KEY_FILE: &str = "console-key.pem";

/// The certificate the console serves.
#[derive(Clone)]
pub struct Certificate {
    der: CertificateDer<'static>,
    key_pem: String,
    /// Path of the PEM file, for browsers and tests that pin it.
    pub path: PathBuf,
}

impl Certificate {
    /// Loads the certificate from `state_dir`, making one first when there is
    /// none. The new one is valid for `localhost`, this host's name, its
    /// `.local` name, `extra_names` and every address of the board.
    pub fn load_or_create(state_dir: &Path, extra_names: &[String]) -> Result<Certificate, ConsoleError> {
        let cert_path = state_dir.join(CERT_FILE);
        let key_path = state_dir.join(KEY_FILE);
        if cert_path.exists() && key_path.exists() {
            return Certificate::load(&cert_path, &key_path);
        }
        let names = subject_names(extra_names);
        let certified = rcgen::generate_simple_self_signed(names.clone())
            .map_err(|e| ConsoleError::MakeCertificate(e.to_string()))?;
        let key_pem = certified.signing_key.serialize_pem();
        write_private(&key_path, key_pem.as_bytes())?;
        std::fs::write(&cert_path, certified.cert.pem()).map_err(|source| ConsoleError::StateDir {
            path: cert_path.clone(),
            source,
        })?;
        tracing::info!(path = %cert_path.display(), names = ?names, "made the console certificate");
        Certificate::load(&cert_path, &key_path)
    }

    fn load(cert_path: &Path, key_path: &Path) -> Result<Certificate, ConsoleError> {
        let invalid = |message: String| ConsoleError::Certificate {
            path: cert_path.to_path_buf(),
            message,
        };
        let der = CertificateDer::from_pem_file(cert_path).map_err(|e| invalid(e.to_string()))?;
        let key_pem = std::fs::read_to_string(key_path).map_err(|e| invalid(format!("key {}: {e}", key_path.display())))?;
        Ok(Certificate {
            der,
            key_pem,
            path: cert_path.to_path_buf(),
        })
    }

    /// SHA-256 of the certificate, as colon-separated hex pairs in upper case,
    /// the way browsers show it.
    pub fn fingerprint(&self) -> String {
        let digest = Sha256::digest(self.der.as_ref());
        digest.iter().map(|byte| format!("{byte:02X}")).collect::<Vec<_>>().join(":")
    }

    /// Builds the rustls server configuration for this certificate.
    pub(crate) fn server_config(&self) -> Result<Arc<rustls::ServerConfig>, ConsoleError> {
        let invalid = |message: String| ConsoleError::Certificate {
            path: self.path.clone(),
            message,
        };
        let key = PrivateKeyDer::from_pem_slice(self.key_pem.as_bytes()).map_err(|e| invalid(e.to_string()))?;
        // ring's provider is deprecated in rustls 0.23.48 for lacking
        // post-quantum key exchange; the outbox makes the same choice, to
        // avoid building aws-lc-rs on the board.
        #[allow(deprecated)]
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let mut config = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| invalid(e.to_string()))?
            .with_no_client_auth()
            .with_single_cert(vec![self.der.clone()], key)
            .map_err(|e| invalid(e.to_string()))?;
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        Ok(Arc::new(config))
    }
}

fn write_private(path: &Path, contents: &[u8]) -> Result<(), ConsoleError> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let error = |source| ConsoleError::StateDir {
        path: path.to_path_buf(),
        source,
    };
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(path)
        .map_err(error)?;
    file.write_all(contents).map_err(error)?;
    file.sync_all().map_err(error)
}

/// Names and addresses for the certificate's subject alternative names.
fn subject_names(extra_names: &[String]) -> Vec<String> {
    let mut names = vec!["localhost".to_string()];
    if let Some(host) = host_name() {
        names.push(format!("{host}.local"));
        names.push(host);
    }
    names.extend(extra_names.iter().cloned());
    names.extend(["127.0.0.1".to_string(), "::1".to_string()]);
    names.extend(interface_addresses().iter().map(IpAddr::to_string));
    let mut unique = Vec::new();
    for name in names {
        if !name.is_empty() && !unique.contains(&name) {
            unique.push(name);
        }
    }
    unique
}

fn host_name() -> Option<String> {
    let name = std::fs::read_to_string("/proc/sys/kernel/hostname").ok()?;
    let name = name.trim();
    let valid = !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.');
    valid.then(|| name.to_string())
}

/// Reads the board's non-loopback IPv4 addresses from the kernel's routing
/// table (`/proc/net/fib_trie` lists each local address under `/32 host LOCAL`).
fn interface_addresses() -> Vec<IpAddr> {
    match std::fs::read_to_string("/proc/net/fib_trie") {
        Ok(trie) => local_addresses(&trie),
        Err(_) => Vec::new(),
    }
}

fn local_addresses(trie: &str) -> Vec<IpAddr> {
    let mut found = Vec::new();
    let mut previous: Option<&str> = None;
    for line in trie.lines() {
        let line = line.trim();
        if line.contains("/32 host LOCAL") {
            let address = previous
                .and_then(|p| p.trim_start_matches(['|', '-', ' ', '+']).split_whitespace().next())
                .and_then(|text| text.parse::<IpAddr>().ok());
            if let Some(address) = address {
                if !address.is_loopback() && !found.contains(&address) {
                    found.push(address);
                }
            }
        }
        previous = Some(line);
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn certificate_is_made_once_and_kept() {
        let dir = tempfile::tempdir().unwrap();
        let first = Certificate::load_or_create(dir.path(), &["box.example.lan".into()]).unwrap();
        let second = Certificate::load_or_create(dir.path(), &[]).unwrap();
        assert_eq!(first.fingerprint(), second.fingerprint());
        assert_eq!(first.fingerprint().len(), 32 * 3 - 1);
        assert!(second.server_config().is_ok());
    }

    #[test]
    fn key_file_is_private() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        Certificate::load_or_create(dir.path(), &[]).unwrap();
        let mode = std::fs::metadata(dir.path().join(KEY_FILE)).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }

    #[test]
    fn garbled_certificate_names_its_file() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(CERT_FILE), "not a certificate").unwrap();
        std::fs::write(dir.path().join(KEY_FILE), "not a key").unwrap();
        let error = Certificate::load_or_create(dir.path(), &[]).err().unwrap().to_string();
        assert!(error.contains(CERT_FILE), "{error}");
        assert!(error.contains("delete it"), "{error}");
    }

    #[test]
    fn local_addresses_come_from_the_routing_table() {
        let trie = "Main:\n  +-- 0.0.0.0/0 3 0 5\n     +-- 127.0.0.0/8 2 0 2\n           |-- 127.0.0.1\n              /32 host LOCAL\n\
                    +-- 192.0.2.0/24 2 0 2\n           |-- 192.0.2.2\n              /32 host LOCAL\n        |-- 192.0.2.255\n           /32 link BROADCAST\n\
                    Local:\n           |-- 192.0.2.2\n              /32 host LOCAL\n";
        assert_eq!(local_addresses(trie), vec!["192.0.2.2".parse::<IpAddr>().unwrap()]);
    }

    #[test]
    fn names_include_localhost_and_loopback() {
        let names = subject_names(&["reception.lan".into()]);
        assert!(names.contains(&"localhost".to_string()));
        assert!(names.contains(&"127.0.0.1".to_string()));
        assert!(names.contains(&"reception.lan".to_string()));
    }
}
