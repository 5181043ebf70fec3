//! Prices as words.

use crate::numbers::{
    cardinal, cardinal_before_noun, decimal_words, million_preposition, minus_word, Gender,
};
use crate::Lang;

/// A currency the crate has words for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Currency {
    Eur,
    Usd,
    Gbp,
    Chf,
}

impl Currency {
    /// Parses an ISO 4217 code ("EUR", any case) or a symbol ("€", "$", "£").
    pub(crate) fn parse(text: &str) -> Option<Currency> {
        match text.trim().to_ascii_uppercase().as_str() {
            "EUR" | "€" => Some(Currency::Eur),
            "USD" | "$" | "US$" => Some(Currency::Usd),
            "GBP" | "£" => Some(Currency::Gbp),
            "CHF" => Some(Currency::Chf),
            _ => None,
        }
    }
}

/// Names of a currency's main unit and hundredth in one language.
struct Names {
    unit: (&'static str, &'static str),
    unit_gender: Gender,
    hundredth: (&'static str, &'static str),
}

fn names(currency: Currency, lang: Lang) -> Names {
    use Currency::*;
    let (unit, unit_gender, hundredth) = match (lang, currency) {
        (Lang::En, Eur) => (("euro", "euros"), Gender::Masculine, ("cent", "cents")),
        (Lang::En, Usd) => (("dollar", "dollars"), Gender::Masculine, ("cent", "cents")),
        (Lang::En, Gbp) => (("pound", "pounds"), Gender::Masculine, ("penny", "pence")),
        (Lang::En, Chf) => (
            ("franc", "francs"),
            Gender::Masculine,
            ("centime", "centimes"),
        ),
        (Lang::Fr, Eur) => (
            ("euro", "euros"),
            Gender::Masculine,
            ("centime", "centimes"),
        ),
        (Lang::Fr, Usd) => (("dollar", "dollars"), Gender::Masculine, ("cent", "cents")),
        (Lang::Fr, Gbp) => (("livre", "livres"), Gender::Feminine, ("penny", "pence")),
        (Lang::Fr, Chf) => (
            ("franc", "francs"),
            Gender::Masculine,
            ("centime", "centimes"),
        ),
        (Lang::De, Eur) => (("Euro", "Euro"), Gender::Masculine, ("Cent", "Cent")),
        (Lang::De, Usd) => (("Dollar", "Dollar"), Gender::Masculine, ("Cent", "Cent")),
        (Lang::De, Gbp) => (("Pfund", "Pfund"), Gender::Masculine, ("Penny", "Pence")),
        (Lang::De, Chf) => (
            ("Franken", "Franken"),
            Gender::Masculine,
            ("Rappen", "Rappen"),
        ),
        (Lang::Es, Eur) => (
            ("euro", "euros"),
            Gender::Masculine,
            ("céntimo", "céntimos"),
        ),
        (Lang::Es, Usd) => (
            ("dólar", "dólares"),
            Gender::Masculine,
            ("centavo", "centavos"),
        ),
        (Lang::Es, Gbp) => (
            ("libra", "libras"),
            Gender::Feminine,
            ("penique", "peniques"),
        ),
        (Lang::Es, Chf) => (
            ("franco", "francos"),
            Gender::Masculine,
            ("céntimo", "céntimos"),
        ),
        (Lang::It, Eur) => (
            ("euro", "euro"),
            Gender::Masculine,
            ("centesimo", "centesimi"),
        ),
        (Lang::It, Usd) => (
            ("dollaro", "dollari"),
            Gender::Masculine,
            ("centesimo", "centesimi"),
        ),
        (Lang::It, Gbp) => (
            ("sterlina", "sterline"),
            Gender::Feminine,
            ("penny", "pence"),
        ),
        (Lang::It, Chf) => (
            ("franco", "franchi"),
            Gender::Masculine,
            ("centesimo", "centesimi"),
        ),
    };
    Names {
        unit,
        unit_gender,
        hundredth,
    }
}

/// Returns the plural name of a currency's main unit: "euros", "Dollar", "sterline".
pub(crate) fn unit_plural(currency: Currency, lang: Lang) -> &'static str {
    names(currency, lang).unit.1
}

/// Writes an amount of money as words.
///
/// `currency` is an ISO 4217 code ("EUR", "USD", "GBP", "CHF", in any case) or one of the
/// symbols "€", "$" and "£". The whole units come first, then the hundredths:
///
/// - English: "forty-five euros and fifty cents", "five hundred dollars", "sixty pence".
/// - French: "quarante-cinq euros cinquante", "un million d'euros", "cinquante centimes".
/// - German: "fünfundvierzig Euro fünfzig", "ein Euro", "fünfzig Cent".
/// - Spanish: "cuarenta y cinco euros con cincuenta", "veintiún euros", "un millón de euros".
/// - Italian: "quarantacinque euro e cinquanta", "un euro".
///
/// French, German, Spanish and Italian name the hundredths ("centimes", "Cent") only when
/// there are no whole units. A negative amount starts with
/// the minus word. An unknown currency code is read as the amount with its decimals
/// ("forty-five point five zero") followed by the code's letters spelled one by one.
pub fn say_price(amount_cents: i64, currency: &str, lang: Lang) -> String {
    let magnitude = amount_cents.unsigned_abs();
    let words = match Currency::parse(currency) {
        Some(known) => known_currency(magnitude, known, lang),
        None => unknown_currency(magnitude, currency, lang),
    };
    if amount_cents < 0 {
        format!("{} {words}", minus_word(lang))
    } else {
        words
    }
}

fn known_currency(cents_total: u64, currency: Currency, lang: Lang) -> String {
    let names = names(currency, lang);
    let units = cents_total / 100;
    let cents = cents_total % 100;
    let unit_noun = if units == 1 || (units == 0 && lang == Lang::Fr) {
        names.unit.0
    } else {
        names.unit.1
    };

    if units == 0 && cents > 0 {
        let noun = if cents == 1 {
            names.hundredth.0
        } else {
            names.hundredth.1
        };
        let count = cardinal_before_noun(cents, lang, Gender::Masculine);
        return format!("{count} {noun}");
    }

    let count = cardinal_before_noun(units, lang, names.unit_gender);
    let preposition = million_preposition(units, lang, unit_noun);
    let head = format!("{count} {preposition}{unit_noun}");
    if cents == 0 {
        return head;
    }
    let cents_words = cardinal(cents, lang);
    match lang {
        Lang::En => {
            let noun = if cents == 1 {
                names.hundredth.0
            } else {
                names.hundredth.1
            };
            format!("{head} and {cents_words} {noun}")
        }
        Lang::Fr | Lang::De => format!("{head} {cents_words}"),
        Lang::Es => format!("{head} con {cents_words}"),
        Lang::It => format!("{head} e {cents_words}"),
    }
}

fn unknown_currency(cents_total: u64, code: &str, lang: Lang) -> String {
    let units = (cents_total / 100).to_string();
    let cents = format!("{:02}", cents_total % 100);
    let amount = if cents == "00" {
        cardinal(cents_total / 100, lang)
    } else {
        decimal_words(&units, &cents, lang)
    };
    let letters: Vec<String> = code
        .chars()
        .filter(|c| c.is_alphabetic())
        .take(8)
        .map(|c| c.to_uppercase().to_string())
        .collect();
    if letters.is_empty() {
        amount
    } else {
        format!("{amount} {}", letters.join(" "))
    }
}
