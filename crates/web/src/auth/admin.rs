//! The admin password, stored as an Argon2id hash in the console folder, and
//! the one-time code that lets the first visitor create it.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;

use super::token::same_token;

const PASSWORD_FILE: &str = "admin-password";

/// Shortest admin password accepted, in characters.
pub const MIN_PASSWORD_CHARS: usize = 10;
/// Maximum admin password length, in characters, because hashing is costly.
const MAX_PASSWORD_CHARS: usize = 256;

/// Reason a new password was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PasswordProblem {
    #[error("the password has {0} characters; use at least {MIN_PASSWORD_CHARS}")]
    TooShort(usize),
    #[error("the password has {0} characters; use at most {MAX_PASSWORD_CHARS}")]
    TooLong(usize),
    #[error("the two passwords differ; type the same password twice")]
    Mismatch,
    #[error("the set-up code is wrong; copy it from the box's log (`journalctl -u standardiste | grep set-up`) or its text message")]
    WrongCode,
    #[error("an admin password already exists; sign in with it")]
    AlreadySet,
    #[error("the current password is wrong")]
    WrongPassword,
    #[error("cannot store the password in {path}: {message}; check that the service user may write to the folder")]
    Storage { path: PathBuf, message: String },
}

/// The admin password file and, until it exists, the set-up code.
pub struct AdminPassword {
    path: PathBuf,
    state: Mutex<State>,
}

struct State {
    /// The PHC string of the stored hash.
    hash: Option<String>,
    /// The one-time code, while no password exists.
    setup_code: Option<String>,
}

impl AdminPassword {
    /// Reads the password hash from `state_dir`. When there is none, makes a
    /// set-up code, which [`AdminPassword::setup_code`] returns for the log.
    pub fn open(state_dir: &Path) -> std::io::Result<AdminPassword> {
        let path = state_dir.join(PASSWORD_FILE);
        let hash = match std::fs::read_to_string(&path) {
            Ok(text) if PasswordHash::new(text.trim()).is_ok() => Some(text.trim().to_string()),
            Ok(_) => {
                tracing::warn!(path = %path.display(), "the admin password file is not an Argon2 hash; the console asks for a new password with a set-up code");
                None
            }
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => None,
            Err(error) => return Err(error),
        };
        let setup_code = hash.is_none().then(new_setup_code);
        Ok(AdminPassword {
            path,
            state: Mutex::new(State { hash, setup_code }),
        })
    }

    /// Returns whether an admin password exists.
    pub fn is_set(&self) -> bool {
        self.lock().hash.is_some()
    }

    /// Returns the set-up code, while no password exists.
    pub fn setup_code(&self) -> Option<String> {
        self.lock().setup_code.clone()
    }

    /// Creates the first password, given the set-up code. Blocking: hashing
    /// takes tens of milliseconds by design.
    pub fn create(&self, code: &str, password: &str, confirmation: &str) -> Result<(), PasswordProblem> {
        {
            let state = self.lock();
            if state.hash.is_some() {
                return Err(PasswordProblem::AlreadySet);
            }
            let typed: String = code.chars().filter(char::is_ascii_digit).collect();
            let expected: String = state.setup_code.as_deref().unwrap_or_default().chars().filter(char::is_ascii_digit).collect();
            if expected.is_empty() || !same_token(&typed, &expected) {
                return Err(PasswordProblem::WrongCode);
            }
        }
        check_new_password(password, confirmation)?;
        let hash = hash_password(password)?;
        let mut state = self.lock();
        if state.hash.is_some() {
            return Err(PasswordProblem::AlreadySet);
        }
        self.store(&hash)?;
        state.hash = Some(hash);
        state.setup_code = None;
        Ok(())
    }

    /// Checks a password at sign-in. Blocking, like [`AdminPassword::create`].
    pub fn verify(&self, password: &str) -> bool {
        let Some(stored) = self.lock().hash.clone() else {
            return false;
        };
        if password.chars().count() > MAX_PASSWORD_CHARS {
            return false;
        }
        match PasswordHash::new(&stored) {
            Ok(parsed) => Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok(),
            Err(_) => false,
        }
    }

    /// Replaces the password, given the current one.
    pub fn change(&self, current: &str, password: &str, confirmation: &str) -> Result<(), PasswordProblem> {
        if !self.verify(current) {
            return Err(PasswordProblem::WrongPassword);
        }
        check_new_password(password, confirmation)?;
        let hash = hash_password(password)?;
        let mut state = self.lock();
        self.store(&hash)?;
        state.hash = Some(hash);
        Ok(())
    }

    fn store(&self, hash: &str) -> Result<(), PasswordProblem> {
        write_atomically(&self.path, hash.as_bytes()).map_err(|e| PasswordProblem::Storage {
            path: self.path.clone(),
            message: e.to_string(),
        })
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

fn check_new_password(password: &str, confirmation: &str) -> Result<(), PasswordProblem> {
    let length = password.chars().count();
    if length < MIN_PASSWORD_CHARS {
        return Err(PasswordProblem::TooShort(length));
    }
    if length > MAX_PASSWORD_CHARS {
        return Err(PasswordProblem::TooLong(length));
    }
    if password != confirmation {
        return Err(PasswordProblem::Mismatch);
    }
    Ok(())
}

fn hash_password(password: &str) -> Result<String, PasswordProblem> {
    let mut salt_bytes = [0u8; 16];
    getrandom::getrandom(&mut salt_bytes).map_err(|e| PasswordProblem::Storage {
        path: PathBuf::from(PASSWORD_FILE),
        message: format!("no random salt: {e}"),
    })?;
    let salt = SaltString::encode_b64(&salt_bytes).map_err(|e| PasswordProblem::Storage {
        path: PathBuf::from(PASSWORD_FILE),
        message: format!("salt encoding failed: {e}"),
    })?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|e| PasswordProblem::Storage {
            path: PathBuf::from(PASSWORD_FILE),
            message: format!("hashing failed: {e}"),
        })
}

/// Eight random digits shown as two groups of four, easy to read out.
fn new_setup_code() -> String {
    let mut bytes = [0u8; 8];
    // NOTE: as for every token: without the kernel's generator there is no safe code.
    getrandom::getrandom(&mut bytes).expect("the kernel's random number generator is unavailable");
    let number = u64::from_le_bytes(bytes) % 100_000_000;
    let digits = format!("{number:08}");
    format!("{}-{}", &digits[..4], &digits[4..])
}

/// Writes `contents` to a temporary file beside `path`, readable only by its
/// owner, and renames it over `path`, so a power cut leaves the old file or the new one.
pub(crate) fn write_atomically(path: &Path, contents: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let temporary = path.with_extension("new");
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(&temporary)?;
    file.write_all(contents)?;
    file.sync_all()?;
    std::fs::rename(&temporary, path)?;
    if let Some(parent) = path.parent() {
        std::fs::File::open(parent)?.sync_all()?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_password_needs_the_setup_code() {
        let dir = tempfile::tempdir().unwrap();
        let admin = AdminPassword::open(dir.path()).unwrap();
        assert!(!admin.is_set());
        let code = admin.setup_code().unwrap();
        assert_eq!(code.len(), 9);
        assert_eq!(admin.create("0000-000", "correct horse battery", "correct horse battery"), Err(PasswordProblem::WrongCode));
        assert!(admin.create(&code, "correct horse battery", "correct horse battery").is_ok());
        assert!(admin.is_set());
        assert!(admin.setup_code().is_none());
        assert_eq!(admin.create(&code, "another password", "another password"), Err(PasswordProblem::AlreadySet));
    }

    #[test]
    fn password_survives_reopening() {
        let dir = tempfile::tempdir().unwrap();
        let admin = AdminPassword::open(dir.path()).unwrap();
        let code = admin.setup_code().unwrap();
        admin.create(&code, "correct horse battery", "correct horse battery").unwrap();
        let reopened = AdminPassword::open(dir.path()).unwrap();
        assert!(reopened.is_set());
        assert!(reopened.verify("correct horse battery"));
        assert!(!reopened.verify("Correct horse battery"));
        let stored = std::fs::read_to_string(dir.path().join(PASSWORD_FILE)).unwrap();
        assert!(stored.starts_with("$argon2id$"), "{stored}");
        assert!(!stored.contains("horse"));
    }

    #[test]
    fn weak_or_mismatched_passwords_are_rejected() {
        let dir = tempfile::tempdir().unwrap();
        let admin = AdminPassword::open(dir.path()).unwrap();
        let code = admin.setup_code().unwrap();
        assert_eq!(admin.create(&code, "short", "short"), Err(PasswordProblem::TooShort(5)));
        assert_eq!(admin.create(&code, "long enough one", "long enough two"), Err(PasswordProblem::Mismatch));
        assert!(!admin.is_set());
    }

    #[test]
    fn change_needs_the_current_password() {
        let dir = tempfile::tempdir().unwrap();
        let admin = AdminPassword::open(dir.path()).unwrap();
        let code = admin.setup_code().unwrap();
        admin.create(&code, "first password", "first password").unwrap();
        assert_eq!(admin.change("wrong", "second password", "second password"), Err(PasswordProblem::WrongPassword));
        admin.change("first password", "second password", "second password").unwrap();
        assert!(admin.verify("second password"));
        assert!(!admin.verify("first password"));
    }
}
