//! Helpers shared by the outbox's integration tests: databases in temporary
//! directories, and a webhook receiver on loopback.

#![allow(dead_code)]

pub mod hook;

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{params, Connection};
use standardiste_outbox::{configure_connection, Channel, NewDelivery, RetryPolicy, MIGRATIONS};

/// Secret of the webhook signatures in the tests.
pub const SECRET: &str = "test-webhook-secret";

/// Creates a database with the outbox table in a new temporary directory.
/// Returns the directory, which deletes the files when dropped, and the path.
pub fn temp_db() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("create a temporary directory");
    let path = dir.path().join("outbox.sqlite3");
    let conn = open(&path);
    for step in MIGRATIONS {
        conn.execute_batch(step)
            .expect("apply the outbox migrations");
    }
    (dir, path)
}

/// Opens a configured connection to the database at `path`.
pub fn open(path: &Path) -> Connection {
    let conn = Connection::open(path).expect("open the test database");
    configure_connection(&conn).expect("configure the test connection");
    conn
}

/// Returns a webhook item whose recap names `key`.
pub fn webhook_item(key: &str) -> NewDelivery {
    NewDelivery {
        channel: Channel::Webhook,
        recipient: "crm".to_owned(),
        subject: format!("Récapitulatif {key}"),
        body: format!(r#"{{"call": "{key}", "summary": "Rappel demandé : Mme Lefèvre"}}"#),
        idempotency_key: key.to_owned(),
    }
}

/// Returns a retry policy fast enough for tests: 20 ms, doubling up to 80 ms.
pub fn fast_policy(max_attempts: u32) -> RetryPolicy {
    RetryPolicy {
        first: Duration::from_millis(20),
        max: Duration::from_millis(80),
        max_attempts,
    }
}

/// The columns of a row that the tests check.
#[derive(Debug)]
pub struct Row {
    pub state: String,
    pub attempts: u32,
    pub last_error: Option<String>,
    pub idempotency_key: String,
}

/// Reads the row of item `id`.
pub fn row(path: &Path, id: i64) -> Row {
    open(path)
        .query_row(
            "SELECT state, attempts, last_error, idempotency_key FROM outbox WHERE id = ?1",
            params![id],
            |row| {
                Ok(Row {
                    state: row.get(0)?,
                    attempts: row.get(1)?,
                    last_error: row.get(2)?,
                    idempotency_key: row.get(3)?,
                })
            },
        )
        .expect("read an outbox row")
}

/// Returns the ids of all items, in order.
pub fn ids(path: &Path) -> Vec<i64> {
    let conn = open(path);
    let mut statement = conn.prepare("SELECT id FROM outbox ORDER BY id").unwrap();
    let ids = statement
        .query_map([], |row| row.get(0))
        .unwrap()
        .collect::<Result<Vec<i64>, _>>()
        .unwrap();
    ids
}

/// Returns the workspace root, two levels above this crate.
pub fn workspace_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Returns transports with only a webhook to `url`, signed with [`SECRET`].
pub fn webhook_transports(url: &str) -> standardiste_outbox::Transports {
    let transport =
        standardiste_outbox::WebhookTransport::new(standardiste_outbox::WebhookSettings {
            url: url.to_owned(),
            secret: Some(SECRET.to_owned()),
            timeout: Duration::from_secs(2),
            extra_root_certificate_pem: None,
        })
        .expect("valid webhook settings");
    standardiste_outbox::Transports {
        webhook: Some(std::sync::Arc::new(transport)),
        ..Default::default()
    }
}

/// Returns a loopback address with a port that nothing listens on, for now.
pub fn unused_addr() -> std::net::SocketAddr {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind a free port");
    listener.local_addr().unwrap()
}
