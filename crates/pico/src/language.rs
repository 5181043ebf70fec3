//! The languages of Debian's `libttspico-data` and the two files each needs.

use std::fmt;

use crate::error::PicoError;

/// A language that SVOX Pico speaks, one voice each.
///
/// Every language needs two files from `libttspico-data`: a text analysis
/// file (`*_ta.bin`: lexicon and pronunciation rules) and a signal generation
/// file (`*_sg.bin`: the speaker's voice).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PicoLanguage {
    /// American English, female voice `lh0`.
    EnUs,
    /// British English, female voice `kh0`.
    EnGb,
    /// French (France), female voice `nk0`.
    FrFr,
    /// German (Germany), female voice `gl0`.
    DeDe,
    /// Spanish (Spain), female voice `zl0`.
    EsEs,
    /// Italian (Italy), female voice `cm0`.
    ItIt,
}

impl PicoLanguage {
    /// Every language that `libttspico-data` provides.
    pub const ALL: [PicoLanguage; 6] = [
        PicoLanguage::EnUs,
        PicoLanguage::EnGb,
        PicoLanguage::FrFr,
        PicoLanguage::DeDe,
        PicoLanguage::EsEs,
        PicoLanguage::ItIt,
    ];

    /// Parses a language code: a bare language (`fr`, `de`, `es`, `it`,
    /// `en` for American English) or a language and region (`fr-FR`,
    /// `en_GB`), in any case, with `-` or `_` between the two.
    pub fn from_code(code: &str) -> Result<PicoLanguage, PicoError> {
        let normalized = code.trim().replace('_', "-").to_ascii_lowercase();
        let language = match normalized.as_str() {
            "en" | "en-us" => PicoLanguage::EnUs,
            "en-gb" => PicoLanguage::EnGb,
            "fr" | "fr-fr" => PicoLanguage::FrFr,
            "de" | "de-de" => PicoLanguage::DeDe,
            "es" | "es-es" => PicoLanguage::EsEs,
            "it" | "it-it" => PicoLanguage::ItIt,
            _ => {
                return Err(PicoError::UnknownLanguage {
                    code: code.to_string(),
                })
            }
        };
        Ok(language)
    }

    /// Returns the BCP 47 tag, as used in the file names (`fr-FR`).
    pub fn code(self) -> &'static str {
        match self {
            PicoLanguage::EnUs => "en-US",
            PicoLanguage::EnGb => "en-GB",
            PicoLanguage::FrFr => "fr-FR",
            PicoLanguage::DeDe => "de-DE",
            PicoLanguage::EsEs => "es-ES",
            PicoLanguage::ItIt => "it-IT",
        }
    }

    /// Returns the name of the text analysis file in the language directory.
    pub fn text_analysis_file(self) -> &'static str {
        match self {
            PicoLanguage::EnUs => "en-US_ta.bin",
            PicoLanguage::EnGb => "en-GB_ta.bin",
            PicoLanguage::FrFr => "fr-FR_ta.bin",
            PicoLanguage::DeDe => "de-DE_ta.bin",
            PicoLanguage::EsEs => "es-ES_ta.bin",
            PicoLanguage::ItIt => "it-IT_ta.bin",
        }
    }

    /// Returns the name of the signal generation file in the language directory.
    pub fn signal_generation_file(self) -> &'static str {
        match self {
            PicoLanguage::EnUs => "en-US_lh0_sg.bin",
            PicoLanguage::EnGb => "en-GB_kh0_sg.bin",
            PicoLanguage::FrFr => "fr-FR_nk0_sg.bin",
            PicoLanguage::DeDe => "de-DE_gl0_sg.bin",
            PicoLanguage::EsEs => "es-ES_zl0_sg.bin",
            PicoLanguage::ItIt => "it-IT_cm0_sg.bin",
        }
    }
}

impl fmt::Display for PicoLanguage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn from_code_accepts_bare_and_regional_codes() {
        let cases = [
            ("fr", PicoLanguage::FrFr),
            ("FR-fr", PicoLanguage::FrFr),
            ("fr_FR", PicoLanguage::FrFr),
            ("en", PicoLanguage::EnUs),
            ("en-US", PicoLanguage::EnUs),
            ("en-GB", PicoLanguage::EnGb),
            ("de", PicoLanguage::DeDe),
            ("es", PicoLanguage::EsEs),
            (" it ", PicoLanguage::ItIt),
        ];
        for (code, expected) in cases {
            assert_eq!(
                PicoLanguage::from_code(code).ok(),
                Some(expected),
                "code {code:?}"
            );
        }
    }

    #[test]
    fn from_code_rejects_unknown_code() {
        let error = PicoLanguage::from_code("pt-BR").unwrap_err();
        let message = error.to_string();
        assert!(message.contains("pt-BR"), "{message}");
        assert!(message.contains("fr"), "{message}");
    }

    #[test]
    fn codes_round_trip() {
        for language in PicoLanguage::ALL {
            assert_eq!(
                PicoLanguage::from_code(language.code()).ok(),
                Some(language)
            );
            assert!(language.text_analysis_file().starts_with(language.code()));
            assert!(language
                .signal_generation_file()
                .starts_with(language.code()));
        }
    }
}
