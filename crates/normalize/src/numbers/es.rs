//! Spanish number words: "veintiuno", "treinta y uno", "cien" alone but "ciento uno",
//! "quinientos", "mil", "un millón". Scales are long: "mil millones" is 10^9 and "billón"
//! is 10^12. "uno" shortens to "un" before a noun or "mil" ("veintiún mil", "un euro").

const ONES: [&str; 30] = [
    "cero",
    "uno",
    "dos",
    "tres",
    "cuatro",
    "cinco",
    "seis",
    "siete",
    "ocho",
    "nueve",
    "diez",
    "once",
    "doce",
    "trece",
    "catorce",
    "quince",
    "dieciséis",
    "diecisiete",
    "dieciocho",
    "diecinueve",
    "veinte",
    "veintiuno",
    "veintidós",
    "veintitrés",
    "veinticuatro",
    "veinticinco",
    "veintiséis",
    "veintisiete",
    "veintiocho",
    "veintinueve",
];

const TENS: [&str; 10] = [
    "",
    "",
    "",
    "treinta",
    "cuarenta",
    "cincuenta",
    "sesenta",
    "setenta",
    "ochenta",
    "noventa",
];

const HUNDREDS: [&str; 10] = [
    "",
    "ciento",
    "doscientos",
    "trescientos",
    "cuatrocientos",
    "quinientos",
    "seiscientos",
    "setecientos",
    "ochocientos",
    "novecientos",
];

const ORDINAL_UNITS: [&str; 10] = [
    "", "primero", "segundo", "tercero", "cuarto", "quinto", "sexto", "séptimo", "octavo", "noveno",
];

const ORDINAL_TENS: [&str; 10] = [
    "",
    "décimo",
    "vigésimo",
    "trigésimo",
    "cuadragésimo",
    "quincuagésimo",
    "sexagésimo",
    "septuagésimo",
    "octogésimo",
    "nonagésimo",
];

const MILLION: u64 = 1_000_000;

pub(super) fn digit(d: u8) -> &'static str {
    ONES[usize::from(d % 10)]
}

fn below_100(n: u64) -> String {
    if n < 30 {
        return ONES[n as usize].to_string();
    }
    let tens = TENS[(n / 10) as usize];
    match n % 10 {
        0 => tens.to_string(),
        unit => format!("{tens} y {}", ONES[unit as usize]),
    }
}

fn below_1000(n: u64) -> String {
    let hundreds = (n / 100) as usize;
    let rest = n % 100;
    match (hundreds, rest) {
        (0, _) => below_100(rest),
        (1, 0) => "cien".to_string(),
        (_, 0) => HUNDREDS[hundreds].to_string(),
        _ => format!("{} {}", HUNDREDS[hundreds], below_100(rest)),
    }
}

/// Shortens a final "uno" before a noun or "mil": "un", "veintiún", "treinta y un".
pub(super) fn apocope(words: String) -> String {
    if let Some(stem) = words.strip_suffix("veintiuno") {
        format!("{stem}veintiún")
    } else if let Some(stem) = words.strip_suffix("uno") {
        format!("{stem}un")
    } else {
        words
    }
}

/// Makes a number agree with a feminine noun: "una", "veintiuna", "doscientas".
pub(super) fn feminine(words: String) -> String {
    let words = words.replace("ientos", "ientas");
    match words.strip_suffix("uno") {
        Some(stem) => format!("{stem}una"),
        None => words,
    }
}

fn below_million(n: u64) -> String {
    let thousands = n / 1000;
    let rest = n % 1000;
    let head = match thousands {
        0 => String::new(),
        1 => "mil".to_string(),
        _ => format!("{} mil", apocope(below_1000(thousands))),
    };
    match (head.is_empty(), rest) {
        (true, _) => below_1000(rest),
        (false, 0) => head,
        (false, _) => format!("{head} {}", below_1000(rest)),
    }
}

pub(super) fn cardinal(n: u64) -> String {
    let groups = [
        (n / (MILLION * MILLION * MILLION), "trillón", "trillones"),
        ((n / (MILLION * MILLION)) % MILLION, "billón", "billones"),
        ((n / MILLION) % MILLION, "millón", "millones"),
    ];
    let mut parts = Vec::new();
    for (count, singular, plural) in groups {
        match count {
            0 => {}
            1 => parts.push(format!("un {singular}")),
            _ => parts.push(format!("{} {plural}", apocope(below_million(count)))),
        }
    }
    let rest = n % MILLION;
    if rest > 0 || parts.is_empty() {
        parts.push(below_million(rest));
    }
    parts.join(" ")
}

/// Returns whether `n` is a whole number of millions, which takes "de" before a noun: "un millón de
/// euros".
pub(super) fn takes_de(n: u64) -> bool {
    n >= MILLION && n.is_multiple_of(MILLION)
}

/// Masculine ordinal words up to 99 ("vigésimo primero"); larger numbers use the cardinal,
/// as Spanish usually does ("el piso ciento uno").
pub(super) fn ordinal(n: u64) -> String {
    match n {
        0 => cardinal(0),
        1..=9 => ORDINAL_UNITS[n as usize].to_string(),
        11 => "undécimo".to_string(),
        12 => "duodécimo".to_string(),
        13..=19 => format!("decimo{}", ORDINAL_UNITS[(n % 10) as usize]),
        10..=99 => {
            let tens = ORDINAL_TENS[(n / 10) as usize];
            match n % 10 {
                0 => tens.to_string(),
                unit => format!("{tens} {}", ORDINAL_UNITS[unit as usize]),
            }
        }
        100 => "centésimo".to_string(),
        _ => cardinal(n),
    }
}

/// Changes a masculine ordinal to feminine: "primera", "vigésima segunda".
pub(super) fn ordinal_feminine(words: &str) -> String {
    words
        .split(' ')
        .map(|word| match word.strip_suffix('o') {
            Some(stem) => format!("{stem}a"),
            None => word.to_string(),
        })
        .collect::<Vec<_>>()
        .join(" ")
}
