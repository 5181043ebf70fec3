//! Backup and restore of the box's data, to move it to a new box or keep a
//! copy: one `.tar.gz` archive with the call database, the recordings, the
//! settings file, the business profile and the console's state folder
//! (certificate, password hash, calendar feed token).
//!
//! The database goes in as a snapshot taken with SQLite's online backup API,
//! which is consistent while the daemon writes. `manifest.json`, the last
//! member, gives each file's size and SHA-256. [`restore`] checks them all,
//! and the database's schema version, before it replaces anything, and moves
//! the data it replaces aside instead of deleting it.
//!
//! Archive members:
//!
//! | member | part | from |
//! |---|---|---|
//! | `calls.db` | `database` | [`DataPaths::database`] |
//! | `recordings/...` | `recordings` | [`DataPaths::recordings`] |
//! | `config/standardiste.toml` | `settings` | [`DataPaths::settings`] |
//! | `config/profile.toml` | `profile` | [`DataPaths::profile`] |
//! | `console/...` | `console` | [`DataPaths::console_state`] |
//! | `manifest.json` | | [`Manifest`] |

mod create;
mod error;
mod extract;
mod manifest;
mod place;
mod restore;
mod snapshot;

use std::path::{Path, PathBuf};

pub use create::{backup, BackupReport};
pub use error::BackupError;
pub use manifest::{Manifest, ManifestFile, BACKUP_FORMAT, BACKUP_FORMAT_VERSION};
pub use restore::{restore, RestoreReport};

/// The locations of the box's data: the sources of a backup and the targets
/// of a restore. The settings file names these paths.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataPaths {
    /// The call database, `calls.db`.
    pub database: PathBuf,
    /// The folder of call recordings.
    pub recordings: PathBuf,
    /// The settings file, `standardiste.toml`.
    pub settings: PathBuf,
    /// The business profile, `profile.toml`.
    pub profile: PathBuf,
    /// The web console's state folder.
    pub console_state: PathBuf,
}

/// A part of the box's data, archived under its own member name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Part {
    Database,
    Recordings,
    Settings,
    Profile,
    Console,
}

impl Part {
    /// Every part, in the order they are archived and restored.
    const ALL: [Part; 5] = [Part::Database, Part::Recordings, Part::Console, Part::Profile, Part::Settings];

    /// Returns the part's name in [`Manifest::parts`].
    fn name(self) -> &'static str {
        match self {
            Part::Database => "database",
            Part::Recordings => "recordings",
            Part::Settings => "settings",
            Part::Profile => "profile",
            Part::Console => "console",
        }
    }

    /// Returns the member name of a file part, or the folder of a folder part.
    fn member(self) -> &'static str {
        match self {
            Part::Database => "calls.db",
            Part::Recordings => "recordings",
            Part::Settings => "config/standardiste.toml",
            Part::Profile => "config/profile.toml",
            Part::Console => "console",
        }
    }

    fn is_folder(self) -> bool {
        matches!(self, Part::Recordings | Part::Console)
    }

    fn path(self, paths: &DataPaths) -> &Path {
        match self {
            Part::Database => &paths.database,
            Part::Recordings => &paths.recordings,
            Part::Settings => &paths.settings,
            Part::Profile => &paths.profile,
            Part::Console => &paths.console_state,
        }
    }

    /// Finds the part whose member is `member` or contains it.
    fn of_member(member: &str) -> Option<Part> {
        Part::ALL.into_iter().find(|part| {
            if part.is_folder() {
                member == part.member() || member.strip_prefix(part.member()).is_some_and(|rest| rest.starts_with('/'))
            } else {
                member == part.member()
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn members_map_to_their_part() {
        assert_eq!(Part::of_member("calls.db"), Some(Part::Database));
        assert_eq!(Part::of_member("recordings/call-1.wav"), Some(Part::Recordings));
        assert_eq!(Part::of_member("recordings"), Some(Part::Recordings));
        assert_eq!(Part::of_member("console/tls/key.pem"), Some(Part::Console));
        assert_eq!(Part::of_member("config/profile.toml"), Some(Part::Profile));
        assert_eq!(Part::of_member("recordingsX/a"), None);
        assert_eq!(Part::of_member("config/other.toml"), None);
    }
}
