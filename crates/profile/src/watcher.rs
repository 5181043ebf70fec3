//! Reloading the profile when its file changes, without restarting the box.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::SystemTime;

use crate::error::ProfileError;
use crate::BusinessProfile;

/// Version stamp of the file: modification time and size.
type Stamp = Option<(SystemTime, u64)>;

/// Keeps the current profile of a file, reloading it when the file changes.
///
/// [`ProfileWatcher::current`] costs one `stat` when the file is unchanged, so callers can
/// ask at the start of every call. An invalid new file keeps the previous profile in use.
#[derive(Debug)]
pub struct ProfileWatcher {
    path: PathBuf,
    // A std mutex, because it is never held across an await. A reload holds it while it reads
    // and parses the file, so concurrent callers wait for the new profile.
    state: Mutex<State>,
}

#[derive(Debug)]
struct State {
    profile: Arc<BusinessProfile>,
    /// Stamp of the last version read, valid or not, so each change is read and logged once.
    stamp: Stamp,
    last_error: Option<Arc<ProfileError>>,
}

impl ProfileWatcher {
    /// Loads the profile at `path`, returning the error when this first load fails.
    pub fn new(path: impl Into<PathBuf>) -> Result<ProfileWatcher, ProfileError> {
        let path = path.into();
        let stamp = stamp_of(&path);
        let profile = BusinessProfile::load(&path)?;
        Ok(ProfileWatcher {
            path,
            state: Mutex::new(State {
                profile: Arc::new(profile),
                stamp,
                last_error: None,
            }),
        })
    }

    /// Path of the watched file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Returns the current profile, first reloading the file if its modification time or
    /// size changed.
    ///
    /// Blocks on file I/O, so async code should call it from a blocking task. When the new
    /// file is invalid or unreadable, logs a warning once for that version, records the
    /// error for [`ProfileWatcher::last_error`] and returns the previous profile.
    ///
    /// NOTE: a rewrite that keeps the size within the file system's timestamp granularity
    /// goes unnoticed until the next change.
    pub fn current(&self) -> Arc<BusinessProfile> {
        let mut state = self.lock();
        let stamp = stamp_of(&self.path);
        if stamp == state.stamp {
            return Arc::clone(&state.profile);
        }
        state.stamp = stamp;
        match BusinessProfile::load(&self.path) {
            Ok(profile) => {
                tracing::info!(path = %self.path.display(), "business profile reloaded");
                state.profile = Arc::new(profile);
                state.last_error = None;
            }
            Err(error) => {
                tracing::warn!(
                    path = %self.path.display(),
                    error = %log_summary(&error),
                    "business profile not reloaded, keeping the previous one"
                );
                state.last_error = Some(Arc::new(error));
            }
        }
        Arc::clone(&state.profile)
    }

    /// Returns the error of the last reload when it failed, or `None` once a reload succeeds.
    pub fn last_error(&self) -> Option<Arc<ProfileError>> {
        self.lock().last_error.clone()
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // A panic while holding the lock cannot leave the state half-written: every field is
        // replaced whole.
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// Summarizes an error for the log without the offending values, which may be phone numbers
/// or e-mail addresses. The full message stays available through `last_error`.
fn log_summary(error: &ProfileError) -> String {
    match error {
        ProfileError::Read { .. } => error.to_string(),
        ProfileError::Invalid { problems, .. } => {
            let fields: Vec<String> = problems
                .iter()
                .map(|problem| match problem.line {
                    Some(line) => format!("{} (line {line})", field_name(&problem.field)),
                    None => field_name(&problem.field).to_string(),
                })
                .collect();
            format!("invalid fields: {}", fields.join(", "))
        }
    }
}

fn field_name(field: &str) -> &str {
    if field.is_empty() {
        "TOML syntax"
    } else {
        field
    }
}

fn stamp_of(path: &Path) -> Stamp {
    let metadata = std::fs::metadata(path).ok()?;
    Some((metadata.modified().ok()?, metadata.len()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log_summary_leaves_out_values() {
        let text = "name = \"X\"\ngreeting = \"Hello\"\n[numbers]\nvip = [\"+44 7700 900123 x\"]\n";
        let error = BusinessProfile::parse(text).unwrap_err();
        assert!(error.to_string().contains("900123"), "{error}");
        let summary = log_summary(&error);
        assert_eq!(summary, "invalid fields: numbers.vip[0] (line 4)");
    }
}
