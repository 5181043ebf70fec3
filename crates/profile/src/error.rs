//! Errors from reading and validating a business profile.

use std::fmt;
use std::path::PathBuf;

/// Error reading or validating a business profile.
#[derive(Debug, thiserror::Error)]
pub enum ProfileError {
    #[error("cannot read the business profile {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("invalid business profile{}:{}", in_file(path), list(problems))]
    Invalid {
        /// File the text came from; `None` for [`crate::BusinessProfile::parse`].
        path: Option<PathBuf>,
        /// Every problem found, in file order where the order is known.
        problems: Vec<FieldError>,
    },
}

impl ProfileError {
    /// Problems with single fields; empty for a read error.
    pub fn problems(&self) -> &[FieldError] {
        match self {
            ProfileError::Read { .. } => &[],
            ProfileError::Invalid { problems, .. } => problems,
        }
    }
}

fn in_file(path: &Option<PathBuf>) -> String {
    match path {
        Some(path) => format!(" {}", path.display()),
        None => String::new(),
    }
}

fn list(problems: &[FieldError]) -> String {
    problems
        .iter()
        .map(|problem| format!("\n  - {problem}"))
        .collect()
}

/// One invalid field: where it is, what it contains, what is wrong and how to fix it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// Path of the field in the file, such as `appointment_types[2].staff[0]`; empty when the
    /// problem is the file's TOML syntax rather than a field.
    pub field: String,
    /// The offending value as written in TOML, when there is one.
    pub value: Option<String>,
    /// Problem, as a sentence without the final period.
    pub problem: String,
    /// Change that fixes the problem, as a sentence without the final period.
    pub fix: String,
    /// Line of the field in the file, 1-based, when it could be located.
    pub line: Option<usize>,
}

impl FieldError {
    pub(crate) fn new(
        field: impl Into<String>,
        value: Option<String>,
        problem: impl Into<String>,
        fix: impl Into<String>,
    ) -> FieldError {
        FieldError {
            field: field.into(),
            value,
            problem: problem.into(),
            fix: fix.into(),
            line: None,
        }
    }
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.field.is_empty() {
            write!(f, "TOML syntax")?;
        } else {
            write!(f, "`{}`", self.field)?;
        }
        if let Some(value) = &self.value {
            write!(f, " = {value}")?;
        }
        if let Some(line) = self.line {
            write!(f, " (line {line})")?;
        }
        write!(f, ": {}. Fix: {}.", self.problem, self.fix)
    }
}

/// Renders a text value the way TOML writes it, for error messages.
pub(crate) fn quoted(text: &str) -> Option<String> {
    Some(format!("{text:?}"))
}

/// Collects problems during validation, so that one pass reports all of them.
#[derive(Debug, Default)]
pub(crate) struct Problems {
    pub list: Vec<FieldError>,
}

impl Problems {
    pub fn add(
        &mut self,
        field: impl Into<String>,
        value: Option<String>,
        problem: impl Into<String>,
        fix: impl Into<String>,
    ) {
        self.list.push(FieldError::new(field, value, problem, fix));
    }
}
