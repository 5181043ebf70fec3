//! Word error rate with the text normalisation the accuracy tests use.
//!
//! Both the reference and the hypothesis are normalised the same way:
//! - lowercase;
//! - accents folded (é -> e), so that a missing accent is not a word error;
//! - apostrophes and hyphens split words ("aujourd'hui" -> "aujourd hui", "vingt-deux" ->
//!   "vingt deux"), other punctuation removed;
//! - numbers written in digits become words in the language of the test: 0 to 99 as the
//!   number ("21" -> "twenty one", "vingt et un"), longer digit strings digit by digit, as a
//!   phone number is read ("555" -> "five five five");
//! - digits and letters in one word are split ("10am" -> "ten am", "a.m." -> "am").

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    English,
    French,
}

/// Returns the normalised words of `text`.
pub fn normalize(text: &str, lang: Lang) -> Vec<String> {
    let mut cleaned = String::new();
    for character in text.chars().flat_map(char::to_lowercase) {
        let character = fold_accent(character);
        if character.is_alphanumeric() {
            cleaned.push(character);
        } else if matches!(character, '\'' | '’' | '-' | '‐') || character.is_whitespace() {
            cleaned.push(' ');
        } else if matches!(character, ',' | '.') {
            // "1,000" and "3.5" stay one token; "word," loses the comma below.
            cleaned.push(character);
        } else {
            cleaned.push(' ');
        }
    }

    let mut words = Vec::new();
    for token in cleaned.split_whitespace() {
        let token = token.trim_matches(|c| c == ',' || c == '.');
        let token: String = token.chars().filter(|&c| c != ',' && c != '.').collect();
        if token.is_empty() {
            continue;
        }
        for part in split_digits_from_letters(&token) {
            if part.chars().all(|c| c.is_ascii_digit()) {
                words.extend(number_words(&part, lang));
            } else {
                words.push(part);
            }
        }
    }
    words
}

/// Splits "10am" into "10" and "am".
fn split_digits_from_letters(token: &str) -> Vec<String> {
    let mut parts: Vec<String> = Vec::new();
    for character in token.chars() {
        let same_kind = parts
            .last()
            .and_then(|part| part.chars().last())
            .is_some_and(|last| last.is_ascii_digit() == character.is_ascii_digit());
        match parts.last_mut() {
            Some(part) if same_kind => part.push(character),
            _ => parts.push(character.to_string()),
        }
    }
    parts
}

fn fold_accent(character: char) -> char {
    match character {
        'à' | 'â' | 'ä' | 'á' => 'a',
        'é' | 'è' | 'ê' | 'ë' => 'e',
        'î' | 'ï' | 'í' => 'i',
        'ô' | 'ö' | 'ó' => 'o',
        'ù' | 'û' | 'ü' | 'ú' => 'u',
        'ç' => 'c',
        'ÿ' => 'y',
        'ñ' => 'n',
        other => other,
    }
}

/// Words for a digit string: the number for 0 to 99, digit by digit for longer strings.
fn number_words(digits: &str, lang: Lang) -> Vec<String> {
    let text = if digits.len() <= 2 {
        spell_below_100(digits.parse().unwrap(), lang)
    } else {
        digits
            .chars()
            .map(|d| spell_below_100(d.to_digit(10).unwrap(), lang))
            .collect::<Vec<_>>()
            .join(" ")
    };
    normalize_spelled(&text)
}

fn normalize_spelled(text: &str) -> Vec<String> {
    text.split([' ', '-'])
        .filter(|w| !w.is_empty())
        .map(|w| w.chars().map(fold_accent).collect())
        .collect()
}

fn spell_below_100(number: u32, lang: Lang) -> String {
    match lang {
        Lang::English => english_below_100(number),
        Lang::French => french_below_100(number),
    }
}

fn english_below_100(number: u32) -> String {
    const ONES: [&str; 20] = [
        "zero",
        "one",
        "two",
        "three",
        "four",
        "five",
        "six",
        "seven",
        "eight",
        "nine",
        "ten",
        "eleven",
        "twelve",
        "thirteen",
        "fourteen",
        "fifteen",
        "sixteen",
        "seventeen",
        "eighteen",
        "nineteen",
    ];
    const TENS: [&str; 10] = [
        "", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety",
    ];
    match number {
        0..=19 => ONES[number as usize].to_owned(),
        _ if number % 10 == 0 => TENS[(number / 10) as usize].to_owned(),
        _ => format!(
            "{} {}",
            TENS[(number / 10) as usize],
            ONES[(number % 10) as usize]
        ),
    }
}

fn french_below_100(number: u32) -> String {
    const ONES: [&str; 17] = [
        "zéro", "un", "deux", "trois", "quatre", "cinq", "six", "sept", "huit", "neuf", "dix",
        "onze", "douze", "treize", "quatorze", "quinze", "seize",
    ];
    const TENS: [&str; 7] = [
        "",
        "dix",
        "vingt",
        "trente",
        "quarante",
        "cinquante",
        "soixante",
    ];
    match number {
        0..=16 => ONES[number as usize].to_owned(),
        17..=19 => format!("dix-{}", ONES[(number - 10) as usize]),
        70..=79 => {
            let rest = number - 60;
            if rest == 11 {
                "soixante et onze".to_owned()
            } else {
                format!("soixante-{}", french_below_100(rest))
            }
        }
        80 => "quatre-vingts".to_owned(),
        81..=99 => format!("quatre-vingt-{}", french_below_100(number - 80)),
        _ => {
            let tens = TENS[(number / 10) as usize];
            match number % 10 {
                0 => tens.to_owned(),
                1 => format!("{tens} et un"),
                ones => format!("{tens}-{}", ONES[ones as usize]),
            }
        }
    }
}

/// Word-level Levenshtein distance: substitutions + deletions + insertions.
pub fn word_errors(reference: &[String], hypothesis: &[String]) -> usize {
    let mut previous: Vec<usize> = (0..=hypothesis.len()).collect();
    for (i, reference_word) in reference.iter().enumerate() {
        let mut current = vec![i + 1; hypothesis.len() + 1];
        for (j, hypothesis_word) in hypothesis.iter().enumerate() {
            let substitution = previous[j] + usize::from(reference_word != hypothesis_word);
            current[j + 1] = substitution.min(previous[j + 1] + 1).min(current[j] + 1);
        }
        previous = current;
    }
    previous[hypothesis.len()]
}

/// Totals over a test set, so that the WER weighs each word equally.
#[derive(Debug, Default)]
pub struct WerTally {
    pub errors: usize,
    pub reference_words: usize,
}

impl WerTally {
    /// Adds one utterance and returns its own WER.
    pub fn add(&mut self, reference: &str, hypothesis: &str, lang: Lang) -> f64 {
        let reference = normalize(reference, lang);
        let hypothesis = normalize(hypothesis, lang);
        let errors = word_errors(&reference, &hypothesis);
        self.errors += errors;
        self.reference_words += reference.len();
        errors as f64 / reference.len().max(1) as f64
    }

    pub fn wer(&self) -> f64 {
        self.errors as f64 / self.reference_words.max(1) as f64
    }
}
