//! Errors of the outbox's own work (the database, the input it checks) and of
//! transport settings. A failed delivery is not an error here: it is a
//! [`DeliveryError`](crate::DeliveryError) recorded on the item.

use std::path::PathBuf;

/// Failure of an outbox operation.
#[derive(Debug, thiserror::Error)]
pub enum OutboxError {
    /// A query or statement on the outbox table failed.
    #[error("outbox database error: {0}")]
    Database(#[from] rusqlite::Error),

    /// The database file could not be opened or configured.
    #[error("cannot open the outbox database {path}: {source}")]
    Open {
        path: PathBuf,
        source: rusqlite::Error,
    },

    /// The database has no `outbox` table yet.
    #[error(
        "table `outbox` not found in {path}: apply standardiste_outbox::MIGRATIONS \
         to the database before opening the outbox"
    )]
    MissingTable { path: PathBuf },

    /// A field of a [`NewDelivery`](crate::NewDelivery) is invalid.
    #[error("invalid delivery: {field} {problem}")]
    InvalidDelivery {
        field: &'static str,
        problem: String,
    },

    /// A row contains a value this version does not know, such as an unknown
    /// channel name written by a newer version.
    #[error("outbox row {id} is corrupt: {problem}")]
    CorruptRow { id: i64, problem: String },

    /// A blocking database task panicked or was cancelled.
    #[error("outbox database task failed: {0}")]
    Task(String),
}

/// Invalid settings given to a transport's constructor.
#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    /// A setting has a value the transport cannot use.
    #[error("invalid {setting} {value:?}: {problem}")]
    Invalid {
        setting: &'static str,
        value: String,
        problem: String,
    },

    /// The extra root certificate is not a PEM certificate that rustls accepts.
    #[error(
        "invalid extra_root_certificate_pem: {problem}; give the server's (or its \
         CA's) certificate as PEM text starting with -----BEGIN CERTIFICATE-----"
    )]
    Certificate { problem: String },
}
