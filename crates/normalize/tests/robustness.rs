//! `normalize` on arbitrary input: it never panics, never leaves an ASCII digit, and does
//! not change text that is already words.

use standardiste_normalize::{normalize, Lang};

const LANGS: [Lang; 5] = [Lang::En, Lang::Fr, Lang::De, Lang::Es, Lang::It];

/// Characters the generator draws from: digits and every separator the scanner reacts to,
/// letters that start abbreviations and month names, and unicode that stresses char
/// handling (accents, combining marks, right-to-left, emoji, wide and superscript digits).
const ALPHABET: &[&str] = &[
    "0",
    "1",
    "2",
    "3",
    "4",
    "5",
    "6",
    "7",
    "8",
    "9",
    "0",
    "1",
    "2",
    "9",
    " ",
    " ",
    " ",
    ".",
    ",",
    ":",
    "/",
    "-",
    "+",
    "(",
    ")",
    "%",
    "$",
    "€",
    "£",
    "°",
    "º",
    "ª",
    "&",
    "'",
    "\n",
    "\u{a0}",
    "\u{202f}",
    "\u{2212}",
    "–",
    "h",
    "H",
    "e",
    "er",
    "re",
    "st",
    "nd",
    "th",
    "am",
    "pm",
    "p.m.",
    "Uhr",
    "de",
    "of",
    "the",
    "am ",
    "las ",
    "alle ",
    "Dr.",
    "St.",
    "No.",
    "n°",
    "Nr.",
    "M. ",
    "EUR",
    "USD",
    "euros",
    "pounds",
    "December",
    "décembre",
    "Dezember",
    "diciembre",
    "dicembre",
    "Dec.",
    "million",
    "é",
    "ß",
    "ñ",
    "e\u{301}",
    "\u{5d0}",
    "\u{627}",
    "😀",
    "\u{200d}",
    "１",
    "²",
    "٣",
    "\u{0}",
    "\u{ffff}",
];

/// A small xorshift generator, so the test needs no dependency and is reproducible.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

fn generate(rng: &mut Rng) -> String {
    let len = rng.below(40);
    (0..len)
        .map(|_| ALPHABET[rng.below(ALPHABET.len())])
        .collect()
}

#[test]
fn generated_input_leaves_no_digits() {
    let mut rng = Rng(0x5eed_1234_abcd_0001);
    for _ in 0..20_000 {
        let input = generate(&mut rng);
        for lang in LANGS {
            let output = normalize(&input, lang);
            assert!(
                !output.contains(|c: char| c.is_ascii_digit()),
                "{lang:?}: {input:?} gave {output:?}"
            );
        }
    }
}

#[test]
fn generated_output_is_stable() {
    let mut rng = Rng(0x0dd_ba11_cafe_0002);
    for _ in 0..5_000 {
        let input = generate(&mut rng);
        for lang in LANGS {
            let once = normalize(&input, lang);
            let twice = normalize(&once, lang);
            assert_eq!(twice, once, "{lang:?}: {input:?}");
        }
    }
}

#[test]
fn words_are_unchanged() {
    let sentences = [
        (Lang::En, "Good morning, you have reached the surgery. How can I help you today?"),
        (Lang::En, "Twenty twenty-six, the ninth of December, at two thirty in the afternoon."),
        (Lang::Fr, "Bonjour, le cabinet est ouvert de neuf heures à dix-sept heures, du lundi au vendredi."),
        (Lang::Fr, "Le rendez-vous coûte quarante-cinq euros cinquante, numéro douze."),
        (Lang::De, "Guten Tag, am neunten Dezember um vierzehn Uhr dreißig, Doktor Müller."),
        (Lang::Es, "Buenos días, la cita es a las catorce y treinta, señor García."),
        (Lang::It, "Buongiorno, l'appuntamento è alle quattordici e trenta."),
        (Lang::En, ""),
        (Lang::Fr, "   "),
        (Lang::De, "Ä Ö Ü ß — «»"),
    ];
    for (lang, sentence) in sentences {
        assert_eq!(normalize(sentence, lang), sentence, "{lang:?}");
    }
}

#[test]
fn thirty_digit_run_reads_digit_by_digit() {
    let run = "123456789012345678901234567890";
    for lang in LANGS {
        let output = normalize(run, lang);
        let words = output.split([' ', ',']).filter(|w| !w.is_empty()).count();
        assert_eq!(words, 30, "{lang:?}: {output}");
    }
}

#[test]
fn huge_inputs_finish() {
    let digits = "9".repeat(100_000);
    let output = normalize(&digits, Lang::Fr);
    assert_eq!(output.matches("neuf").count(), 100_000);

    let grouped = "1,000".repeat(10_000);
    let output = normalize(&grouped, Lang::En);
    assert!(!output.contains(|c: char| c.is_ascii_digit()));

    let mixed = "Le 9 décembre à 14h30, 45,50 € ; ".repeat(5_000);
    let output = normalize(&mixed, Lang::Fr);
    assert_eq!(output.matches("quatorze heures trente").count(), 5_000);
}
