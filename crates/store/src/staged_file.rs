//! Files written under a temporary name beside their target and renamed into
//! place, so that a reader never sees a half-written file under the final name.

use std::fs::File;
use std::io::{self, BufWriter};
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

/// A file being written to a temporary path next to `target`. Dropping it
/// before [`StagedFile::commit`] deletes the temporary file.
pub(crate) struct StagedFile {
    temp: PathBuf,
    target: PathBuf,
    writer: Option<BufWriter<File>>,
    committed: bool,
}

impl StagedFile {
    /// Creates `.NAME.partial-PID` in the folder of `target`, readable by
    /// everyone the umask allows.
    pub(crate) fn create(target: &Path) -> io::Result<StagedFile> {
        StagedFile::create_with_mode(target, 0o666)
    }

    /// Creates the temporary file with permission bits `mode`, which the
    /// umask narrows further. The renamed file keeps them.
    pub(crate) fn create_with_mode(target: &Path, mode: u32) -> io::Result<StagedFile> {
        let name = target
            .file_name()
            .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "the path has no file name"))?;
        let mut temp_name = std::ffi::OsString::from(".");
        temp_name.push(name);
        temp_name.push(format!(".partial-{}", std::process::id()));
        let temp = target.with_file_name(temp_name);
        let file = std::fs::OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .mode(mode)
            .open(&temp)?;
        Ok(StagedFile {
            temp,
            target: target.to_path_buf(),
            writer: Some(BufWriter::new(file)),
            committed: false,
        })
    }

    /// Returns the final path of the file.
    pub(crate) fn target(&self) -> &Path {
        &self.target
    }

    /// Returns the writer of the temporary file, until [`StagedFile::finish`].
    pub(crate) fn writer(&mut self) -> io::Result<&mut BufWriter<File>> {
        self.writer
            .as_mut()
            .ok_or_else(|| io::Error::other("the staged file was already finished"))
    }

    /// Flushes the temporary file and waits until it is on disk.
    pub(crate) fn finish(&mut self) -> io::Result<()> {
        if let Some(writer) = self.writer.take() {
            let file = writer.into_inner().map_err(io::IntoInnerError::into_error)?;
            file.sync_all()?;
        }
        Ok(())
    }

    /// Finishes the file if needed, renames it to its target, replacing any
    /// file there, and syncs the folder so that the rename survives a power cut.
    pub(crate) fn commit(mut self) -> io::Result<()> {
        self.finish()?;
        std::fs::rename(&self.temp, &self.target)?;
        self.committed = true;
        sync_parent(&self.target)
    }
}

impl Drop for StagedFile {
    fn drop(&mut self) {
        if !self.committed {
            self.writer = None;
            let _ = std::fs::remove_file(&self.temp);
        }
    }
}

/// Syncs the folder that contains `path`, which makes a rename or a new
/// entry in it durable.
pub(crate) fn sync_parent(path: &Path) -> io::Result<()> {
    let parent = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    File::open(parent)?.sync_all()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn commit_renames_into_place() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("calls.csv");
        let mut staged = StagedFile::create(&target).unwrap();
        staged.writer().unwrap().write_all(b"id\r\n").unwrap();
        assert!(!target.exists());
        staged.commit().unwrap();
        assert_eq!(std::fs::read(&target).unwrap(), b"id\r\n");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn drop_without_commit_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("calls.csv");
        let mut staged = StagedFile::create(&target).unwrap();
        staged.writer().unwrap().write_all(b"id\r\n").unwrap();
        drop(staged);
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }
}
