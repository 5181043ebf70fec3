//! The languages the normaliser writes words for.

/// A language whose number words, dates, times and prices the crate can write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Lang {
    /// English, with British conventions for "and" in numbers and day-first dates.
    En,
    /// French, with traditional (pre-1990) hyphenation.
    Fr,
    /// German.
    De,
    /// Spanish.
    Es,
    /// Italian.
    It,
}

impl Lang {
    /// Parses an ISO 639-1 code such as `"fr"`, case-insensitively.
    ///
    /// A region or script suffix after `-` or `_` is ignored, so `"fr-CA"` and `"en_GB"`
    /// work. Returns `None` for any other language.
    pub fn from_code(code: &str) -> Option<Lang> {
        let primary = code.trim().split(['-', '_']).next().unwrap_or("");
        match primary.to_ascii_lowercase().as_str() {
            "en" => Some(Lang::En),
            "fr" => Some(Lang::Fr),
            "de" => Some(Lang::De),
            "es" => Some(Lang::Es),
            "it" => Some(Lang::It),
            _ => None,
        }
    }

    /// Returns the lowercase ISO 639-1 code, the inverse of [`Lang::from_code`].
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Fr => "fr",
            Lang::De => "de",
            Lang::Es => "es",
            Lang::It => "it",
        }
    }
}
