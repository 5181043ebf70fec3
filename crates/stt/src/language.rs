//! Language selection: a fixed language, or detection among all or some languages.

use anyhow::bail;

/// The language of a request: detected by the model, or given as a whisper.cpp language id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Language {
    Auto,
    Fixed(i32),
}

impl Language {
    /// Parses `auto` or a language code that whisper.cpp supports, such as `en` or `fr`.
    pub fn parse(code: &str) -> anyhow::Result<Self> {
        if code == "auto" {
            return Ok(Language::Auto);
        }
        match whisper_rs::get_lang_id(code) {
            Some(id) => Ok(Language::Fixed(id)),
            None => bail!(
                "unsupported language {code:?}: expected \"auto\" or a code such as \"en\" or \"fr\""
            ),
        }
    }

    pub fn code(&self) -> &'static str {
        match self {
            Language::Auto => "auto",
            Language::Fixed(id) => whisper_rs::get_lang_str(*id).unwrap_or("unknown"),
        }
    }
}

/// The languages that detection may return.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Candidates {
    All,
    /// whisper.cpp language ids, in the order given.
    Only(Vec<i32>),
}

impl Candidates {
    /// Parses `all` or a comma-separated list of language codes such as `en,fr`.
    pub fn parse(list: &str) -> anyhow::Result<Self> {
        if list == "all" {
            return Ok(Candidates::All);
        }
        let mut ids = Vec::new();
        for code in list.split(',').map(str::trim) {
            match Language::parse(code)? {
                Language::Fixed(id) => ids.push(id),
                Language::Auto => bail!("\"auto\" cannot be a detection candidate in {list:?}"),
            }
        }
        Ok(Candidates::Only(ids))
    }

    /// Returns the most probable candidate, given probabilities indexed by language id.
    pub fn most_probable(&self, probabilities: &[f32]) -> Option<i32> {
        let probability = |id: i32| probabilities.get(id as usize).copied().unwrap_or(0.0);
        match self {
            Candidates::All => (0..probabilities.len() as i32)
                .max_by(|&a, &b| probability(a).total_cmp(&probability(b))),
            Candidates::Only(ids) => ids
                .iter()
                .copied()
                .max_by(|&a, &b| probability(a).total_cmp(&probability(b))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn language_parse_accepts_auto_and_codes() {
        assert_eq!(Language::parse("auto").unwrap(), Language::Auto);
        assert_eq!(Language::parse("fr").unwrap().code(), "fr");
        assert_eq!(Language::parse("en").unwrap().code(), "en");
        let error = Language::parse("klingon").unwrap_err().to_string();
        assert!(
            error.contains("unsupported language \"klingon\""),
            "{error}"
        );
    }

    #[test]
    fn candidates_parse_lists() {
        assert_eq!(Candidates::parse("all").unwrap(), Candidates::All);
        let english = whisper_rs::get_lang_id("en").unwrap();
        let french = whisper_rs::get_lang_id("fr").unwrap();
        assert_eq!(
            Candidates::parse("en, fr").unwrap(),
            Candidates::Only(vec![english, french])
        );
        assert!(Candidates::parse("en,xx").is_err());
        assert!(Candidates::parse("auto").is_err());
    }

    #[test]
    fn most_probable_respects_candidates() {
        let english = whisper_rs::get_lang_id("en").unwrap();
        let french = whisper_rs::get_lang_id("fr").unwrap();
        let arabic = whisper_rs::get_lang_id("ar").unwrap();
        let mut probabilities = vec![0.0; 100];
        probabilities[arabic as usize] = 0.5;
        probabilities[french as usize] = 0.3;
        probabilities[english as usize] = 0.2;

        assert_eq!(Candidates::All.most_probable(&probabilities), Some(arabic));
        let candidates = Candidates::Only(vec![english, french]);
        assert_eq!(candidates.most_probable(&probabilities), Some(french));
    }
}
