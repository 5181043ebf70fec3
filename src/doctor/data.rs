//! Checks of what the software needs on disk: the configured models, the
//! speech-to-text worker, the call database and its outbox.

use std::os::unix::fs::PermissionsExt;

use rusqlite::{Connection, OpenFlags};

use super::Check;
use crate::config::Config;

/// Checks each model file the settings name, against the manifest's SHA-256.
pub fn models(config: &Config) -> Vec<Check> {
    let configured = [
        ("speech-to-text", &config.stt.model),
        ("LLM", &config.llm.model),
        ("voice", &config.tts.voice),
        ("voice detection", &config.vad.model),
    ];
    configured
        .iter()
        .map(|(role, file)| match crate::call::check_model(&config.models_dir, file) {
            Ok(_) => Check::ok(format!("model {role}"), format!("{file}, SHA-256 as expected")),
            Err(error) => Check::fail(format!("model {role}"), error.to_string(), "run the command above as the service user"),
        })
        .collect()
}

/// Checks that the speech-to-text worker the daemon starts is an executable file.
pub fn stt_worker(config: &Config) -> Check {
    let name = "stt worker";
    if !config.stt.uri.is_empty() {
        return Check::ok(name, format!("external service at {}", config.stt.uri));
    }
    let program = crate::call::worker_program(config);
    match std::fs::metadata(&program) {
        Ok(metadata) if metadata.is_file() && metadata.permissions().mode() & 0o111 != 0 => {
            Check::ok(name, program.display().to_string())
        }
        Ok(_) => Check::fail(name, format!("{} is not an executable file", program.display()), "reinstall the package, or set [stt] worker"),
        Err(error) => Check::fail(
            name,
            format!("{}: {error}", program.display()),
            "install standardiste-stt next to standardiste, or set [stt] worker to its path",
        ),
    }
}

/// Checks the call database without changing it, and the outbox kept in it.
pub fn database(config: &Config) -> Vec<Check> {
    let path = config.database_path();
    if !path.exists() {
        return vec![Check::warn(
            "database",
            format!("{} does not exist yet", path.display()),
            "the first call or `standardiste serve` creates it",
        )];
    }
    let conn = match Connection::open_with_flags(&path, OpenFlags::SQLITE_OPEN_READ_ONLY) {
        Ok(conn) => conn,
        Err(error) => {
            return vec![Check::fail(
                "database",
                format!("cannot open {}: {error}", path.display()),
                "check the file's owner (the service user) and permissions",
            )]
        }
    };
    let _ = conn.busy_timeout(std::time::Duration::from_secs(5));
    vec![integrity(&conn, &path), outbox(&conn)]
}

fn integrity(conn: &Connection, path: &std::path::Path) -> Check {
    let name = "database";
    let version: rusqlite::Result<i64> = conn.pragma_query_value(None, "user_version", |row| row.get(0));
    let check: rusqlite::Result<String> = conn.query_row("PRAGMA quick_check", [], |row| row.get(0));
    match (version, check) {
        (Ok(version), Ok(result)) if result == "ok" => {
            let calls: i64 = conn.query_row("SELECT COUNT(*) FROM calls", [], |row| row.get(0)).unwrap_or(0);
            Check::ok(name, format!("{}: schema {version}, {calls} calls, integrity ok", path.display()))
        }
        (_, Ok(result)) => Check::fail(
            name,
            format!("{}: integrity check found: {result}", path.display()),
            "stop the service, restore the last backup (`standardiste restore`), or copy what is readable with `sqlite3 calls.db .recover`",
        ),
        (Err(error), _) | (_, Err(error)) => Check::fail(
            name,
            format!("cannot read {}: {error}", path.display()),
            "the file may not be a Standardiste database; check data_dir",
        ),
    }
}

/// Hours after which a pending recap counts as stuck.
const STUCK_HOURS: u64 = 6;

fn outbox(conn: &Connection) -> Check {
    let name = "outbox";
    let status = match standardiste_outbox::status(conn) {
        Ok(status) => status,
        // A database that no `serve` has opened yet has no outbox table.
        Err(error) if error.to_string().contains("no such table") => {
            return Check::ok(name, "empty (no recap queued yet)")
        }
        Err(error) => return Check::fail(name, format!("cannot read the outbox: {error}"), "check the database above"),
    };
    let mut detail = format!("{} pending, {} failed, {} sent", status.pending, status.failed, status.sent);
    if let Some(error) = &status.last_error {
        detail.push_str(&format!("; last error: {error}"));
    }
    let stuck = status.oldest_pending_age.is_some_and(|age| age.as_secs() > STUCK_HOURS * 3600);
    if status.failed > 0 {
        Check::fail(name, detail, "fix the delivery settings named in the error, then retry the items from the console's system page")
    } else if stuck {
        Check::warn(name, detail, "recaps have waited for hours: check the network and the [delivery] settings")
    } else {
        Check::ok(name, detail)
    }
}
