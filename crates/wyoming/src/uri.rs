//! `tcp://HOST:PORT` and `unix:///PATH` addresses, as the Python `wyoming` package writes them.

use std::path::PathBuf;
use std::str::FromStr;

use crate::error::Error;

/// The address of a Wyoming server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ServerUri {
    /// `tcp://HOST:PORT`. HOST is a name, an IPv4 address or a bracketed IPv6 address. Port 0
    /// is valid for binding, where the system picks a free port.
    Tcp { host: String, port: u16 },
    /// `unix:///PATH`, with an absolute path to a Unix domain socket.
    Unix(PathBuf),
}

impl FromStr for ServerUri {
    type Err = Error;

    fn from_str(uri: &str) -> Result<Self, Error> {
        let invalid = |reason: &str| Error::InvalidUri {
            uri: uri.to_owned(),
            reason: reason.to_owned(),
        };

        if let Some(path) = uri.strip_prefix("unix://") {
            if !path.starts_with('/') {
                return Err(invalid("the socket path must be absolute"));
            }
            return Ok(ServerUri::Unix(PathBuf::from(path)));
        }

        let Some(address) = uri.strip_prefix("tcp://") else {
            return Err(invalid("unknown scheme"));
        };
        let address = address.strip_suffix('/').unwrap_or(address);
        let Some((host, port)) = address.rsplit_once(':') else {
            return Err(invalid("missing port"));
        };
        let host = match host.strip_prefix('[') {
            Some(bracketed) => bracketed
                .strip_suffix(']')
                .ok_or_else(|| invalid("unclosed '[' in the host"))?,
            None if host.contains(':') => {
                return Err(invalid("an IPv6 host must be in brackets"));
            }
            None => host,
        };
        if host.is_empty() {
            return Err(invalid("missing host"));
        }
        let port = port
            .parse()
            .map_err(|_| invalid("the port must be a number from 0 to 65535"))?;
        Ok(ServerUri::Tcp {
            host: host.to_owned(),
            port,
        })
    }
}

impl std::fmt::Display for ServerUri {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ServerUri::Tcp { host, port } if host.contains(':') => {
                write!(f, "tcp://[{host}]:{port}")
            }
            ServerUri::Tcp { host, port } => write!(f, "tcp://{host}:{port}"),
            ServerUri::Unix(path) => write!(f, "unix://{}", path.display()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_tcp_and_unix() {
        let cases = [
            (
                "tcp://127.0.0.1:10300",
                ServerUri::Tcp {
                    host: "127.0.0.1".into(),
                    port: 10300,
                },
            ),
            (
                "tcp://localhost:0",
                ServerUri::Tcp {
                    host: "localhost".into(),
                    port: 0,
                },
            ),
            (
                "tcp://[::1]:10300",
                ServerUri::Tcp {
                    host: "::1".into(),
                    port: 10300,
                },
            ),
            (
                "unix:///run/stt.sock",
                ServerUri::Unix("/run/stt.sock".into()),
            ),
        ];
        for (text, expected) in cases {
            let parsed: ServerUri = text.parse().unwrap();
            assert_eq!(parsed, expected, "{text}");
            assert_eq!(parsed.to_string(), text, "display of {text}");
        }
    }

    #[test]
    fn rejects_invalid_uris() {
        let cases = [
            ("http://127.0.0.1:80", "unknown scheme"),
            ("127.0.0.1:10300", "unknown scheme"),
            ("tcp://127.0.0.1", "missing port"),
            ("tcp://:10300", "missing host"),
            ("tcp://127.0.0.1:99999", "port must be a number"),
            ("tcp://::1:10300", "IPv6 host must be in brackets"),
            ("unix://relative.sock", "must be absolute"),
        ];
        for (text, reason) in cases {
            let message = text.parse::<ServerUri>().unwrap_err().to_string();
            assert!(message.contains(reason), "{text}: {message}");
            assert!(message.contains(text), "{text}: {message}");
            assert!(
                message.contains("tcp://HOST:PORT or unix:///PATH"),
                "{text}: {message}"
            );
        }
    }
}
