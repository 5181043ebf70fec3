//! Italian number words: compounds below one million are one word
//! ("duemilatrecentoquarantacinque"), tens drop their final vowel before "uno" and "otto"
//! ("ventuno", "ventotto"), a final "tre" in a compound is "tré" ("ventitré"). "milione"
//! and "miliardo" are separate words ("due milioni").

const ONES: [&str; 20] = [
    "zero",
    "uno",
    "due",
    "tre",
    "quattro",
    "cinque",
    "sei",
    "sette",
    "otto",
    "nove",
    "dieci",
    "undici",
    "dodici",
    "tredici",
    "quattordici",
    "quindici",
    "sedici",
    "diciassette",
    "diciotto",
    "diciannove",
];

const TENS: [&str; 10] = [
    "",
    "",
    "venti",
    "trenta",
    "quaranta",
    "cinquanta",
    "sessanta",
    "settanta",
    "ottanta",
    "novanta",
];

const NOUN_SCALES: [(u64, &str, &str); 5] = [
    (1_000_000_000_000_000_000, "trilione", "trilioni"),
    (1_000_000_000_000_000, "biliardo", "biliardi"),
    (1_000_000_000_000, "bilione", "bilioni"),
    (1_000_000_000, "miliardo", "miliardi"),
    (1_000_000, "milione", "milioni"),
];

const ORDINALS: [&str; 11] = [
    "", "primo", "secondo", "terzo", "quarto", "quinto", "sesto", "settimo", "ottavo", "nono",
    "decimo",
];

pub(super) fn digit(d: u8) -> &'static str {
    ONES[usize::from(d % 10)]
}

/// Drops the final vowel of `word`, as Italian does before a vowel.
fn elide(word: &str) -> &str {
    let mut chars = word.chars();
    chars.next_back();
    chars.as_str()
}

fn below_100(n: u64) -> String {
    if n < 20 {
        return ONES[n as usize].to_string();
    }
    let tens = TENS[(n / 10) as usize];
    match n % 10 {
        0 => tens.to_string(),
        unit @ (1 | 8) => format!("{}{}", elide(tens), ONES[unit as usize]),
        unit => format!("{tens}{}", ONES[unit as usize]),
    }
}

fn below_1000(n: u64) -> String {
    let hundreds = n / 100;
    let rest = n % 100;
    let head = match hundreds {
        0 => String::new(),
        1 => "cento".to_string(),
        _ => format!("{}cento", ONES[hundreds as usize]),
    };
    if rest == 0 && hundreds > 0 {
        return head;
    }
    let tail = below_100(rest);
    if hundreds > 0 && (rest == 8 || rest / 10 == 8) {
        format!("{}{tail}", elide(&head))
    } else {
        head + &tail
    }
}

/// Accents a final "tre" of a compound ("ventitré", "centotré"), leaving "tre" alone.
fn accent_final_tre(words: String) -> String {
    match words.strip_suffix("tre") {
        Some(stem) if !stem.is_empty() && !stem.ends_with(' ') => format!("{stem}tré"),
        _ => words,
    }
}

fn below_million(n: u64) -> String {
    let thousands = n / 1000;
    let mut words = match thousands {
        0 => String::new(),
        1 => "mille".to_string(),
        _ => {
            let count = below_1000(thousands);
            match count.strip_suffix("uno") {
                Some(stem) => format!("{stem}unmila"),
                None => count + "mila",
            }
        }
    };
    if !n.is_multiple_of(1000) || thousands == 0 {
        words.push_str(&below_1000(n % 1000));
    }
    accent_final_tre(words)
}

pub(super) fn cardinal(n: u64) -> String {
    let mut parts = Vec::new();
    let mut rest = n;
    for (value, singular, plural) in NOUN_SCALES {
        let count = rest / value;
        rest %= value;
        match count {
            0 => {}
            1 => parts.push(format!("un {singular}")),
            _ => parts.push(format!("{} {plural}", below_million(count))),
        }
    }
    if rest > 0 || parts.is_empty() {
        parts.push(below_million(rest));
    }
    parts.join(" ")
}

/// Writes `n` before a noun: "un euro", "una sterlina" when `feminine`.
pub(super) fn before_noun(n: u64, feminine: bool) -> String {
    match (n, feminine) {
        (1, false) => "un".to_string(),
        (1, true) => "una".to_string(),
        _ => cardinal(n),
    }
}

/// Returns whether `n` is a whole number of millions, which takes "di" before a noun: "un milione di
/// euro".
pub(super) fn takes_di(n: u64) -> bool {
    n >= 1_000_000 && n.is_multiple_of(1_000_000)
}

pub(super) fn ordinal(n: u64, feminine: bool) -> String {
    let masculine = match n {
        1..=10 => ORDINALS[n as usize].to_string(),
        _ => {
            let words = cardinal(n);
            if let Some(stem) = words.strip_suffix("tré") {
                format!("{stem}treesimo")
            } else if words.ends_with("sei") {
                words + "esimo"
            } else {
                format!("{}esimo", elide(&words))
            }
        }
    };
    match (feminine, masculine.strip_suffix('o')) {
        (true, Some(stem)) => format!("{stem}a"),
        _ => masculine,
    }
}
