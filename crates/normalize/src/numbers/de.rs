//! German number words: compounds below one million are one word ("zweitausenddreihundert",
//! "hundertzwei"), "Million" and larger are separate nouns ("zwei Millionen
//! dreihunderttausend"). Hundreds and thousands drop the leading "ein" ("hundert",
//! "tausend"), the common spoken form. Scales are long: "Milliarde" is 10^9.

const ONES: [&str; 20] = [
    "null",
    "eins",
    "zwei",
    "drei",
    "vier",
    "fünf",
    "sechs",
    "sieben",
    "acht",
    "neun",
    "zehn",
    "elf",
    "zwölf",
    "dreizehn",
    "vierzehn",
    "fünfzehn",
    "sechzehn",
    "siebzehn",
    "achtzehn",
    "neunzehn",
];

const TENS: [&str; 10] = [
    "", "", "zwanzig", "dreißig", "vierzig", "fünfzig", "sechzig", "siebzig", "achtzig", "neunzig",
];

const NOUN_SCALES: [(u64, &str, &str); 5] = [
    (1_000_000_000_000_000_000, "Trillion", "Trillionen"),
    (1_000_000_000_000_000, "Billiarde", "Billiarden"),
    (1_000_000_000_000, "Billion", "Billionen"),
    (1_000_000_000, "Milliarde", "Milliarden"),
    (1_000_000, "Million", "Millionen"),
];

/// Returns the digit name for phone numbers, with "zwo" for 2 as in German telephony, so
/// that "zwei" and "drei" are not confused on a noisy line.
pub(super) fn phone_digit(d: u8) -> &'static str {
    match d % 10 {
        2 => "zwo",
        other => ONES[usize::from(other)],
    }
}

pub(super) fn digit(d: u8) -> &'static str {
    ONES[usize::from(d % 10)]
}

fn below_100(n: u64) -> String {
    if n < 20 {
        return ONES[n as usize].to_string();
    }
    let tens = TENS[(n / 10) as usize];
    match n % 10 {
        0 => tens.to_string(),
        1 => format!("einund{tens}"),
        unit => format!("{}und{tens}", ONES[unit as usize]),
    }
}

fn below_1000(n: u64) -> String {
    let hundreds = n / 100;
    let rest = n % 100;
    let head = match hundreds {
        0 => String::new(),
        1 => "hundert".to_string(),
        _ => format!("{}hundert", ONES[hundreds as usize]),
    };
    if rest == 0 && hundreds > 0 {
        head
    } else {
        head + &below_100(rest)
    }
}

/// Replaces a final "eins" with `replacement`, for a number placed before a word.
fn replace_final_eins(words: String, replacement: &str) -> String {
    match words.strip_suffix("eins") {
        Some(stem) => format!("{stem}{replacement}"),
        None => words,
    }
}

pub(super) fn cardinal(n: u64) -> String {
    if n == 0 {
        return ONES[0].to_string();
    }
    let mut parts = Vec::new();
    let mut rest = n;
    for (value, singular, plural) in NOUN_SCALES {
        let count = rest / value;
        rest %= value;
        match count {
            0 => {}
            1 => parts.push(format!("eine {singular}")),
            _ => {
                let count_words = replace_final_eins(below_1000(count), "eine");
                parts.push(format!("{count_words} {plural}"));
            }
        }
    }
    let mut compound = match rest / 1000 {
        0 => String::new(),
        1 => "tausend".to_string(),
        thousands => replace_final_eins(below_1000(thousands), "ein") + "tausend",
    };
    if !rest.is_multiple_of(1000) {
        compound.push_str(&below_1000(rest % 1000));
    }
    if !compound.is_empty() {
        parts.push(compound);
    }
    parts.join(" ")
}

/// Writes `n` before a noun: "ein Euro", "einundzwanzig Euro", "ein Uhr".
pub(super) fn before_noun(n: u64) -> String {
    replace_final_eins(cardinal(n), "ein")
}

/// Returns the ordinal stem without its ending: "erst", "dritt", "neunt", "zwanzigst".
pub(super) fn ordinal_stem(n: u64) -> String {
    let words = cardinal(n);
    if n.is_multiple_of(100) || n % 100 >= 20 {
        return words + "st";
    }
    if let Some(stem) = words.strip_suffix("eins") {
        format!("{stem}erst")
    } else if let Some(stem) = words.strip_suffix("drei") {
        format!("{stem}dritt")
    } else if let Some(stem) = words.strip_suffix("sieben") {
        format!("{stem}siebt")
    } else if words.ends_with("acht") {
        words
    } else {
        words + "t"
    }
}

/// Reads a year: "neunzehnhundertneunzig" for 1100 to 1999, the cardinal otherwise
/// ("zweitausendsechsundzwanzig").
pub(super) fn year(y: u64) -> String {
    if !(1100..=1999).contains(&y) {
        return cardinal(y);
    }
    let low = y % 100;
    let head = format!("{}hundert", below_100(y / 100));
    if low == 0 {
        head
    } else {
        head + &below_100(low)
    }
}
