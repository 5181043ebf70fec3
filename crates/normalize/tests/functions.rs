//! The public building blocks: `cardinal`, `say_time`, `say_date`, `say_day_month`,
//! `say_phone_number`, `say_price` and `Lang`.

use standardiste_normalize::{
    cardinal, say_date, say_day_month, say_phone_number, say_price, say_time, Lang,
};

fn check<T: std::fmt::Debug>(cases: &[(T, &str)], lang: Lang, speak: impl Fn(&T) -> String) {
    let mut failures = Vec::new();
    for (input, expected) in cases {
        let actual = speak(input);
        if actual != *expected {
            failures.push(format!(
                "{input:?}: expected {expected:?}, actual {actual:?}"
            ));
        }
    }
    assert!(failures.is_empty(), "{lang:?}:\n{}", failures.join("\n"));
}

#[test]
fn cardinal_french() {
    let cases = [
        (0, "zéro"),
        (16, "seize"),
        (17, "dix-sept"),
        (21, "vingt et un"),
        (22, "vingt-deux"),
        (61, "soixante et un"),
        (70, "soixante-dix"),
        (71, "soixante et onze"),
        (77, "soixante-dix-sept"),
        (80, "quatre-vingts"),
        (81, "quatre-vingt-un"),
        (90, "quatre-vingt-dix"),
        (91, "quatre-vingt-onze"),
        (100, "cent"),
        (101, "cent un"),
        (200, "deux cents"),
        (201, "deux cent un"),
        (280, "deux cent quatre-vingts"),
        (1000, "mille"),
        (1001, "mille un"),
        (2000, "deux mille"),
        (80_000, "quatre-vingt mille"),
        (200_000, "deux cent mille"),
        (1_000_000, "un million"),
        (2_000_000, "deux millions"),
        (200_000_000, "deux cents millions"),
        (21_000_000, "vingt et un millions"),
        (1_000_000_000, "un milliard"),
        (
            999_999_999,
            "neuf cent quatre-vingt-dix-neuf millions neuf cent quatre-vingt-dix-neuf mille neuf cent quatre-vingt-dix-neuf",
        ),
        (2026, "deux mille vingt-six"),
    ];
    check(&cases, Lang::Fr, |n| cardinal(*n, Lang::Fr));
}

#[test]
fn cardinal_english() {
    let cases = [
        (0, "zero"),
        (13, "thirteen"),
        (21, "twenty-one"),
        (100, "one hundred"),
        (105, "one hundred and five"),
        (1005, "one thousand and five"),
        (
            1_234_567,
            "one million two hundred and thirty-four thousand five hundred and sixty-seven",
        ),
        (1_000_000_000, "one billion"),
    ];
    check(&cases, Lang::En, |n| cardinal(*n, Lang::En));
}

#[test]
fn cardinal_german() {
    let cases = [
        (1, "eins"),
        (21, "einundzwanzig"),
        (101, "hunderteins"),
        (102, "hundertzwei"),
        (2300, "zweitausenddreihundert"),
        (21_000, "einundzwanzigtausend"),
        (101_000, "hunderteintausend"),
        (1_000_000, "eine Million"),
        (3_000_000, "drei Millionen"),
        (101_000_000, "hunderteine Millionen"),
        (2_000_000_000, "zwei Milliarden"),
    ];
    check(&cases, Lang::De, |n| cardinal(*n, Lang::De));
}

#[test]
fn cardinal_spanish() {
    let cases = [
        (1, "uno"),
        (16, "dieciséis"),
        (21, "veintiuno"),
        (22, "veintidós"),
        (31, "treinta y uno"),
        (100, "cien"),
        (101, "ciento uno"),
        (500, "quinientos"),
        (1000, "mil"),
        (21_000, "veintiún mil"),
        (100_000, "cien mil"),
        (1_000_000, "un millón"),
        (2_000_000, "dos millones"),
        (1_000_000_000, "mil millones"),
        (1_000_000_000_000, "un billón"),
    ];
    check(&cases, Lang::Es, |n| cardinal(*n, Lang::Es));
}

#[test]
fn cardinal_italian() {
    let cases = [
        (21, "ventuno"),
        (23, "ventitré"),
        (28, "ventotto"),
        (3, "tre"),
        (180, "centottanta"),
        (1000, "mille"),
        (2000, "duemila"),
        (1_000_000, "un milione"),
        (2_000_000, "due milioni"),
    ];
    check(&cases, Lang::It, |n| cardinal(*n, Lang::It));
}

#[test]
fn cardinal_covers_u64() {
    for lang in [Lang::En, Lang::Fr, Lang::De, Lang::Es, Lang::It] {
        let words = cardinal(u64::MAX, lang);
        assert!(!words.is_empty(), "{lang:?}");
        assert!(
            !words.contains(|c: char| c.is_ascii_digit()),
            "{lang:?}: {words}"
        );
    }
}

#[test]
fn say_time_styles() {
    let cases = [
        ((Lang::Fr, 14, 30), "quatorze heures trente"),
        ((Lang::Fr, 1, 0), "une heure"),
        ((Lang::Fr, 21, 21), "vingt et une heures vingt et une"),
        ((Lang::En, 14, 30), "two thirty in the afternoon"),
        ((Lang::En, 9, 5), "nine oh five in the morning"),
        ((Lang::En, 0, 30), "twelve thirty at night"),
        ((Lang::En, 19, 0), "seven o'clock in the evening"),
        ((Lang::De, 14, 30), "vierzehn Uhr dreißig"),
        ((Lang::De, 1, 0), "ein Uhr"),
        ((Lang::Es, 14, 30), "las catorce y treinta"),
        ((Lang::Es, 1, 0), "la una"),
        ((Lang::It, 14, 30), "le quattordici e trenta"),
        ((Lang::It, 1, 15), "l'una e quindici"),
        ((Lang::En, 25, 70), "twenty-five seventy"),
    ];
    check(&cases, Lang::En, |(lang, h, m)| say_time(*h, *m, *lang));
}

#[test]
fn say_date_styles() {
    let cases = [
        (
            (Lang::En, 1),
            "Tuesday the ninth of December twenty twenty-six",
        ),
        ((Lang::Fr, 1), "mardi neuf décembre deux mille vingt-six"),
        (
            (Lang::De, 1),
            "Dienstag, neunter Dezember zweitausendsechsundzwanzig",
        ),
        (
            (Lang::Es, 1),
            "martes nueve de diciembre de dos mil veintiséis",
        ),
        ((Lang::It, 1), "martedì nove dicembre duemilaventisei"),
        ((Lang::Fr, 9), "neuf décembre deux mille vingt-six"),
    ];
    check(&cases, Lang::En, |(lang, weekday)| {
        say_date(2026, 12, 9, Some(*weekday), *lang)
    });
    assert_eq!(
        say_date(2026, 12, 1, None, Lang::Fr),
        "premier décembre deux mille vingt-six"
    );
    assert_eq!(
        say_day_month(12, 9, Some(1), Lang::De),
        "Dienstag, neunter Dezember"
    );
    assert_eq!(say_day_month(3, 1, None, Lang::It), "primo marzo");
    assert_eq!(
        say_date(1990, 13, 40, None, Lang::En),
        "forty thirteen nineteen ninety"
    );
}

#[test]
fn say_phone_number_styles() {
    let cases = [
        (
            (Lang::Fr, "06 12 34 56 78"),
            "zéro six, douze, trente-quatre, cinquante-six, soixante-dix-huit",
        ),
        (
            (Lang::Fr, "+33612345678"),
            "plus trente-trois, six, douze, trente-quatre, cinquante-six, soixante-dix-huit",
        ),
        (
            (Lang::En, "023 9200 1234"),
            "zero two three, nine two zero zero, one two three four",
        ),
        (
            (Lang::En, "5551234567"),
            "five five five, one two three, four five six seven",
        ),
        ((Lang::De, "0221 22"), "null zwo zwo eins, zwo zwo"),
        (
            (Lang::It, "+39 06 1234"),
            "più tre nove, zero sei, uno due tre quattro",
        ),
        ((Lang::En, "no digits"), ""),
    ];
    check(&cases, Lang::En, |(lang, number)| {
        say_phone_number(number, *lang)
    });
}

#[test]
fn say_phone_number_long_run_is_digits() {
    let run = "123456789012345678901234567890";
    let words = say_phone_number(run, Lang::Fr);
    let digit_words = words.split([' ', ',']).filter(|w| !w.is_empty()).count();
    assert_eq!(digit_words, 30, "{words}");
}

#[test]
fn say_price_styles() {
    let cases = [
        ((Lang::En, 50_000, "USD"), "five hundred dollars"),
        ((Lang::En, 4550, "EUR"), "forty-five euros and fifty cents"),
        ((Lang::En, 1, "GBP"), "one penny"),
        ((Lang::Fr, 4550, "EUR"), "quarante-cinq euros cinquante"),
        ((Lang::Fr, 100, "GBP"), "une livre"),
        ((Lang::Fr, 100_000_000, "EUR"), "un million d'euros"),
        ((Lang::De, 4550, "EUR"), "fünfundvierzig Euro fünfzig"),
        ((Lang::De, 100, "CHF"), "ein Franken"),
        ((Lang::Es, 2100, "EUR"), "veintiún euros"),
        ((Lang::Es, 20_000, "GBP"), "doscientas libras"),
        ((Lang::It, 4550, "eur"), "quarantacinque euro e cinquanta"),
        ((Lang::En, -500, "€"), "minus five euros"),
        ((Lang::En, 4550, "JPY"), "forty-five point five zero J P Y"),
    ];
    check(&cases, Lang::En, |(lang, cents, code)| {
        say_price(*cents, code, *lang)
    });
    assert!(!say_price(i64::MIN, "EUR", Lang::Fr).is_empty());
}

#[test]
fn lang_codes() {
    assert_eq!(Lang::from_code("fr"), Some(Lang::Fr));
    assert_eq!(Lang::from_code("FR-ca"), Some(Lang::Fr));
    assert_eq!(Lang::from_code("en_GB"), Some(Lang::En));
    assert_eq!(Lang::from_code("pt"), None);
    assert_eq!(Lang::from_code(""), None);
    for lang in [Lang::En, Lang::Fr, Lang::De, Lang::Es, Lang::It] {
        assert_eq!(Lang::from_code(lang.code()), Some(lang));
    }
}
