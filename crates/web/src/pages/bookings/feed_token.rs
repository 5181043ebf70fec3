//! The secret in the calendar feed's address, stored in the console folder
//! as `calendar-token`: 32 random bytes as hex, readable only by the
//! service user. Calendar apps cannot sign in, so anyone who has the
//! address can read the feed, and making a new token is how the owner
//! revokes it.

use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

use crate::auth::random_token;

const TOKEN_FILE: &str = "calendar-token";
const TOKEN_BYTES: usize = 32;

/// Path of the token file in `state_dir`.
pub fn token_path(state_dir: &Path) -> PathBuf {
    state_dir.join(TOKEN_FILE)
}

/// Reads the token, or returns `None` when there is none yet. A file that
/// does not contain a token counts as none, with a warning.
pub fn read(state_dir: &Path) -> std::io::Result<Option<String>> {
    let path = token_path(state_dir);
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(error) => return Err(error),
    };
    let token = text.trim();
    if token.len() == TOKEN_BYTES * 2 && token.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Ok(Some(token.to_ascii_lowercase()));
    }
    tracing::warn!(path = %path.display(), "the calendar feed token file does not contain a token; the feed stays closed until the Bookings page makes a new one");
    Ok(None)
}

/// Reads the token, making one when there is none. Two requests that make
/// one at once end with the same token, because the file is only linked
/// into place when it does not exist yet.
pub fn read_or_create(state_dir: &Path) -> std::io::Result<String> {
    if let Some(token) = read(state_dir)? {
        return Ok(token);
    }
    let path = token_path(state_dir);
    let token = random_token(TOKEN_BYTES);
    let temporary = write_temporary(state_dir, &token)?;
    let linked = std::fs::hard_link(&temporary, &path);
    let _ = std::fs::remove_file(&temporary);
    match linked {
        Ok(()) => {
            sync_folder(state_dir)?;
            tracing::info!(path = %path.display(), "made the calendar feed token");
            Ok(token)
        }
        // Either another request made the file first, and its token is
        // read, or the file contains no token, and it is replaced.
        Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => match read(state_dir)? {
            Some(existing) => Ok(existing),
            None => replace(state_dir),
        },
        Err(error) => Err(error),
    }
}

/// Replaces the token with a new one and returns it, so the old address
/// stops working.
pub fn replace(state_dir: &Path) -> std::io::Result<String> {
    let token = random_token(TOKEN_BYTES);
    let temporary = write_temporary(state_dir, &token)?;
    if let Err(error) = std::fs::rename(&temporary, token_path(state_dir)) {
        let _ = std::fs::remove_file(&temporary);
        return Err(error);
    }
    sync_folder(state_dir)?;
    Ok(token)
}

/// Writes `token` to a new file of its own in `state_dir`, readable only by
/// its owner, and returns its path. Each caller gets another name, so
/// concurrent writers never share a half-written file.
fn write_temporary(state_dir: &Path, token: &str) -> std::io::Result<PathBuf> {
    let temporary = state_dir.join(format!("{TOKEN_FILE}.{}.new", random_token(8)));
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(&temporary)?;
    let written = file.write_all(token.as_bytes()).and_then(|()| file.sync_all());
    if let Err(error) = written {
        let _ = std::fs::remove_file(&temporary);
        return Err(error);
    }
    Ok(temporary)
}

/// Flushes the folder's entries, so that a power cut keeps the new name.
fn sync_folder(state_dir: &Path) -> std::io::Result<()> {
    std::fs::File::open(state_dir)?.sync_all()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn token_is_made_once_and_kept() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(read(dir.path()).unwrap(), None);
        let token = read_or_create(dir.path()).unwrap();
        assert_eq!(token.len(), 64);
        assert!(token.bytes().all(|b| b.is_ascii_hexdigit()));
        assert_eq!(read_or_create(dir.path()).unwrap(), token);
        assert_eq!(read(dir.path()).unwrap(), Some(token));
        let mode = std::fs::metadata(token_path(dir.path())).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }

    #[test]
    fn replace_changes_the_token() {
        let dir = tempfile::tempdir().unwrap();
        let first = read_or_create(dir.path()).unwrap();
        let second = replace(dir.path()).unwrap();
        assert_ne!(first, second);
        assert_eq!(read(dir.path()).unwrap(), Some(second));
        let mode = std::fs::metadata(token_path(dir.path())).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }

    #[test]
    fn concurrent_creation_agrees() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().to_path_buf();
        let workers: Vec<_> = (0..8)
            .map(|_| {
                let path = path.clone();
                std::thread::spawn(move || read_or_create(&path).unwrap())
            })
            .collect();
        let tokens: Vec<String> = workers.into_iter().map(|worker| worker.join().unwrap()).collect();
        assert!(tokens.iter().all(|token| *token == tokens[0]), "{tokens:?}");
        let leftovers: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(leftovers.len(), 1, "temporary files were left behind");
    }

    #[test]
    fn garbage_file_is_replaced() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(token_path(dir.path()), "not a token\n").unwrap();
        assert_eq!(read(dir.path()).unwrap(), None);
        let token = read_or_create(dir.path()).unwrap();
        assert_eq!(read(dir.path()).unwrap(), Some(token));
    }
}
