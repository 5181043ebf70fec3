//! Moving restored data into place and the replaced data aside, with a
//! journal of every move so that a failure midway puts the old data back.

use std::fs;
use std::io;
use std::os::unix::fs::{lchown, MetadataExt};
use std::path::{Path, PathBuf};

/// One completed move, kept to undo it.
struct Move {
    from: PathBuf,
    to: PathBuf,
}

/// The moves of one restore, in order.
pub(super) struct Journal {
    moves: Vec<Move>,
}

impl Journal {
    pub(super) fn new() -> Journal {
        Journal { moves: Vec::new() }
    }

    /// Moves `from` to `to`, creating the parent folders of `to`. `to` must
    /// not exist.
    pub(super) fn move_path(&mut self, from: &Path, to: &Path) -> io::Result<()> {
        if let Some(parent) = to.parent() {
            fs::create_dir_all(parent)?;
        }
        move_path(from, to)?;
        self.moves.push(Move {
            from: from.to_path_buf(),
            to: to.to_path_buf(),
        });
        Ok(())
    }

    /// Undoes every move, newest first, and describes the outcome for an
    /// error message.
    pub(super) fn undo(self, aside: Option<&Path>) -> String {
        let mut failures = Vec::new();
        for step in self.moves.into_iter().rev() {
            if let Err(error) = move_path(&step.to, &step.from) {
                failures.push(format!("{} back to {}: {error}", step.to.display(), step.from.display()));
            }
        }
        if failures.is_empty() {
            return "the previous data was put back, so nothing changed".to_string();
        }
        let aside = aside.map_or_else(String::new, |path| format!(" The previous data is in {}.", path.display()));
        format!("putting the previous data back failed too ({}).{aside}", failures.join("; "))
    }
}

/// Renames `from` to `to`. Across file systems, where a rename is not
/// possible, it copies to a temporary name beside `to`, renames that, and
/// then deletes `from`.
fn move_path(from: &Path, to: &Path) -> io::Result<()> {
    match fs::rename(from, to) {
        Err(error) if error.kind() == io::ErrorKind::CrossesDevices => {
            let temp = to.with_file_name(format!(
                ".{}.moving-{}",
                to.file_name().map_or_else(String::new, |name| name.to_string_lossy().into_owned()),
                std::process::id()
            ));
            copy_tree(from, &temp)?;
            fs::rename(&temp, to)?;
            remove_tree(from)
        }
        other => other,
    }
}

fn copy_tree(from: &Path, to: &Path) -> io::Result<()> {
    let metadata = fs::symlink_metadata(from)?;
    if metadata.is_dir() {
        fs::create_dir(to)?;
        for entry in fs::read_dir(from)? {
            let entry = entry?;
            copy_tree(&entry.path(), &to.join(entry.file_name()))?;
        }
        fs::set_permissions(to, metadata.permissions())
    } else if metadata.file_type().is_symlink() {
        std::os::unix::fs::symlink(fs::read_link(from)?, to)
    } else {
        fs::copy(from, to).map(|_| ())
    }
}

fn remove_tree(path: &Path) -> io::Result<()> {
    if fs::symlink_metadata(path)?.is_dir() {
        fs::remove_dir_all(path)
    } else {
        fs::remove_file(path)
    }
}

/// Gives `staged` and everything under it the owner of `reference` (the
/// data being replaced, or else the folder it goes in), so that a restore
/// run as root leaves files that the daemon's own user can still write.
/// Nothing changes when this process is not root, since only root may give
/// files away.
pub(super) fn adopt_owner(staged: &Path, reference: &Path) -> io::Result<()> {
    let Some(owner) = owner_of(reference) else {
        return Ok(());
    };
    let current = fs::symlink_metadata(staged)?;
    if current.uid() != 0 || (current.uid(), current.gid()) == owner {
        return Ok(());
    }
    chown_tree(staged, owner)
}

/// Owner of `path`, or of its nearest existing ancestor.
fn owner_of(path: &Path) -> Option<(u32, u32)> {
    path.ancestors()
        .find_map(|ancestor| fs::symlink_metadata(ancestor).ok())
        .map(|metadata| (metadata.uid(), metadata.gid()))
}

fn chown_tree(path: &Path, (uid, gid): (u32, u32)) -> io::Result<()> {
    lchown(path, Some(uid), Some(gid))?;
    if fs::symlink_metadata(path)?.is_dir() {
        for entry in fs::read_dir(path)? {
            chown_tree(&entry?.path(), (uid, gid))?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn undo_puts_moves_back() {
        let dir = tempfile::tempdir().unwrap();
        let first = dir.path().join("calls.db");
        let aside = dir.path().join("replaced/calls.db");
        fs::write(&first, b"old").unwrap();
        let mut journal = Journal::new();
        journal.move_path(&first, &aside).unwrap();
        assert!(!first.exists());
        let outcome = journal.undo(None);
        assert!(outcome.contains("nothing changed"), "{outcome}");
        assert_eq!(fs::read(&first).unwrap(), b"old");
    }

    #[test]
    fn copy_tree_keeps_files_and_modes() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let from = dir.path().join("console");
        fs::create_dir(&from).unwrap();
        fs::write(from.join("key.pem"), b"secret").unwrap();
        fs::set_permissions(from.join("key.pem"), fs::Permissions::from_mode(0o600)).unwrap();
        let to = dir.path().join("copy");
        copy_tree(&from, &to).unwrap();
        assert_eq!(fs::read(to.join("key.pem")).unwrap(), b"secret");
        assert_eq!(fs::metadata(to.join("key.pem")).unwrap().permissions().mode() & 0o777, 0o600);
    }
}
