//! Languages the box speaks, and spoken texts written once or per language.

use std::collections::BTreeMap;
use std::fmt;

use serde::Deserialize;

/// A language the box can hear and speak, written in the profile as its ISO 639-1 code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Language {
    En,
    Fr,
    De,
    Es,
    It,
}

impl Language {
    /// Every supported language, in the order error messages list them.
    pub const ALL: [Language; 5] = [
        Language::En,
        Language::Fr,
        Language::De,
        Language::Es,
        Language::It,
    ];

    /// Parses a code such as `"fr"`; case-insensitive.
    pub fn from_code(code: &str) -> Option<Language> {
        let code = code.trim().to_ascii_lowercase();
        Language::ALL
            .into_iter()
            .find(|language| language.code() == code)
    }

    /// ISO 639-1 code, as written in the profile.
    pub fn code(self) -> &'static str {
        match self {
            Language::En => "en",
            Language::Fr => "fr",
            Language::De => "de",
            Language::Es => "es",
            Language::It => "it",
        }
    }

    /// English name, for prompts and messages.
    pub fn english_name(self) -> &'static str {
        match self {
            Language::En => "English",
            Language::Fr => "French",
            Language::De => "German",
            Language::Es => "Spanish",
            Language::It => "Italian",
        }
    }
}

impl fmt::Display for Language {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// Returns the supported codes as an error message lists them: `en, fr, de, es or it`.
pub(crate) fn supported_codes() -> String {
    let codes: Vec<&str> = Language::ALL
        .iter()
        .map(|language| language.code())
        .collect();
    let (last, rest) = codes.split_last().unwrap_or((&"", &[]));
    format!("{} or {last}", rest.join(", "))
}

/// A spoken text: one text for every language, or one per language code.
///
/// In TOML, `greeting = "Hello"` or a table `[greeting]` with `en = "Hello"`, `fr = "Bonjour"`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(untagged)]
pub enum Localized {
    /// The same text whatever the caller's language.
    Text(String),
    /// One text per language code.
    PerLanguage(LanguageTexts),
}

/// Texts by language code, with the language to fall back on.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(transparent)]
pub struct LanguageTexts {
    texts: BTreeMap<String, String>,
    /// The profile's default language; validation sets it and checks that it has a text.
    #[serde(skip)]
    default: Option<Language>,
}

impl Localized {
    /// Builds a per-language text; `default` is the language used when a caller's has no text.
    pub fn per_language(texts: &[(Language, &str)], default: Language) -> Localized {
        Localized::PerLanguage(LanguageTexts {
            texts: texts
                .iter()
                .map(|(language, text)| (language.code().to_string(), text.to_string()))
                .collect(),
            default: Some(default),
        })
    }

    /// Returns the text for `language`, or the default language's text when it has none.
    ///
    /// A per-language text that was never validated (no default set) falls back on English,
    /// then on its first text in code order.
    pub fn get(&self, language: Language) -> &str {
        match self {
            Localized::Text(text) => text,
            Localized::PerLanguage(per_language) => {
                let default = per_language.default.unwrap_or(Language::En);
                per_language
                    .texts
                    .get(language.code())
                    .or_else(|| per_language.texts.get(default.code()))
                    .or_else(|| per_language.texts.values().next())
                    .map(String::as_str)
                    .unwrap_or("")
            }
        }
    }

    /// Returns every text with its language code, which is `None` for a single text.
    pub fn texts(&self) -> Vec<(Option<&str>, &str)> {
        match self {
            Localized::Text(text) => vec![(None, text.as_str())],
            Localized::PerLanguage(per_language) => per_language
                .texts
                .iter()
                .map(|(code, text)| (Some(code.as_str()), text.as_str()))
                .collect(),
        }
    }

    pub(crate) fn set_default(&mut self, language: Language) {
        if let Localized::PerLanguage(per_language) = self {
            per_language.default = Some(language);
        }
    }
}

impl From<&str> for Localized {
    fn from(text: &str) -> Localized {
        Localized::Text(text.to_string())
    }
}
