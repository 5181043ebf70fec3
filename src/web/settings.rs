//! The `[console]` table of the settings file: where the web console listens.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use serde::Deserialize;

/// Settings of the web console.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ConsoleConfig {
    /// Whether `standardiste serve` runs the console.
    pub enabled: bool,
    /// HTTPS address and port.
    pub listen: String,
    /// Plain HTTP address that only redirects to HTTPS; empty for none.
    pub redirect_listen: String,
    /// Folder of the console's certificate, password hash and feed token.
    /// Empty: `console` in the data folder.
    pub state_dir: PathBuf,
    /// Names the certificate is made for besides `localhost`, the host name
    /// and the board's addresses.
    pub hostnames: Vec<String>,
    /// Phone number the first-run set-up code is texted to, through a GSM line; empty for none.
    pub setup_sms: String,
    /// Recordings the caller of a test call plays, one per utterance.
    pub test_call: Vec<PathBuf>,
}

impl Default for ConsoleConfig {
    fn default() -> ConsoleConfig {
        ConsoleConfig {
            enabled: true,
            listen: "0.0.0.0:8443".into(),
            redirect_listen: "0.0.0.0:8080".into(),
            state_dir: PathBuf::new(),
            hostnames: Vec::new(),
            setup_sms: String::new(),
            test_call: vec![
                PathBuf::from("tests/fixtures/caller-saturday-hours.wav"),
                PathBuf::from("/usr/share/asterisk/sounds/en_US_f_Allison/vm-goodbye.wav"),
            ],
        }
    }
}

impl ConsoleConfig {
    /// Resolves relative paths against `base`, the settings file's folder,
    /// and puts the state folder in `data_dir` when none is given.
    pub fn resolve(&mut self, base: &Path, data_dir: &Path) {
        if self.state_dir.as_os_str().is_empty() {
            self.state_dir = data_dir.join("console");
        } else if self.state_dir.is_relative() {
            self.state_dir = base.join(&self.state_dir);
        }
        for path in &mut self.test_call {
            if path.is_relative() {
                *path = base.join(&*path);
            }
        }
    }

    /// Parses the HTTPS address and the redirect address, or returns what is wrong with them.
    pub fn addresses(&self) -> Result<(SocketAddr, Option<SocketAddr>), String> {
        let parse = |key: &str, text: &str| {
            text.parse::<SocketAddr>().map_err(|_| {
                format!("[console] {key} = {text:?} is not an address and port; write it like \"0.0.0.0:8443\"")
            })
        };
        let listen = parse("listen", &self.listen)?;
        let redirect = match self.redirect_listen.trim() {
            "" => None,
            text => Some(parse("redirect_listen", text)?),
        };
        Ok((listen, redirect))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn state_dir_defaults_to_the_data_folder() {
        let mut config = ConsoleConfig::default();
        config.resolve(Path::new("/etc/standardiste"), Path::new("/var/lib/standardiste"));
        assert_eq!(config.state_dir, PathBuf::from("/var/lib/standardiste/console"));
        assert_eq!(config.test_call[0], PathBuf::from("/etc/standardiste/tests/fixtures/caller-saturday-hours.wav"));
    }

    #[test]
    fn bad_address_names_the_key_and_the_form() {
        let config = ConsoleConfig { listen: "8443".into(), ..ConsoleConfig::default() };
        let error = config.addresses().unwrap_err();
        assert!(error.contains("[console] listen = \"8443\""), "{error}");
        assert!(error.contains("0.0.0.0:8443"), "{error}");
    }

    #[test]
    fn empty_redirect_means_none() {
        let config = ConsoleConfig { redirect_listen: String::new(), ..ConsoleConfig::default() };
        assert_eq!(config.addresses().unwrap().1, None);
    }
}
