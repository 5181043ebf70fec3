//! French number words with traditional (pre-1990) hyphenation: hyphens only between tens
//! and units below one hundred ("vingt-deux", "vingt et un", "deux cent trois").
//!
//! "cent" and "quatre-vingt" take a plural "s" only at the end of the number or before a
//! noun such as "million" ("deux cents", "quatre-vingts millions"), never before "mille"
//! ("deux cent mille"), which is invariable. Scales are long: "milliard" is 10^9 and
//! "billion" is 10^12.

const UNITS: [&str; 17] = [
    "zéro", "un", "deux", "trois", "quatre", "cinq", "six", "sept", "huit", "neuf", "dix", "onze",
    "douze", "treize", "quatorze", "quinze", "seize",
];

const TENS: [&str; 7] = [
    "",
    "",
    "vingt",
    "trente",
    "quarante",
    "cinquante",
    "soixante",
];

const NOUN_SCALES: [(u64, &str); 5] = [
    (1_000_000_000_000_000_000, "trillion"),
    (1_000_000_000_000_000, "billiard"),
    (1_000_000_000_000, "billion"),
    (1_000_000_000, "milliard"),
    (1_000_000, "million"),
];

pub(super) fn digit(d: u8) -> &'static str {
    UNITS[usize::from(d % 10)]
}

/// Writes `n < 100` as words. `last` is true when the number ends here, which decides the
/// "s" of "quatre-vingts".
fn below_100(n: u64, last: bool) -> String {
    let unit = (n % 10) as usize;
    match n {
        0..=16 => UNITS[n as usize].to_string(),
        17..=19 => format!("dix-{}", UNITS[unit]),
        20..=69 => {
            let tens = TENS[(n / 10) as usize];
            match unit {
                0 => tens.to_string(),
                1 => format!("{tens} et un"),
                _ => format!("{tens}-{}", UNITS[unit]),
            }
        }
        71 => "soixante et onze".to_string(),
        70..=79 => format!("soixante-{}", below_100(n - 60, last)),
        80 if last => "quatre-vingts".to_string(),
        80 => "quatre-vingt".to_string(),
        _ => format!("quatre-vingt-{}", below_100(n - 80, last)),
    }
}

fn below_1000(n: u64, last: bool) -> String {
    let hundreds = n / 100;
    let rest = n % 100;
    if hundreds == 0 {
        return below_100(rest, last);
    }
    let head = if hundreds == 1 {
        "cent".to_string()
    } else {
        format!("{} cent", UNITS[hundreds as usize])
    };
    match rest {
        0 if hundreds > 1 && last => format!("{head}s"),
        0 => head,
        _ => format!("{head} {}", below_100(rest, last)),
    }
}

pub(super) fn cardinal(n: u64) -> String {
    if n == 0 {
        return UNITS[0].to_string();
    }
    let mut parts = Vec::new();
    let mut rest = n;
    for (value, name) in NOUN_SCALES {
        let count = rest / value;
        rest %= value;
        match count {
            0 => {}
            1 => parts.push(format!("un {name}")),
            _ => parts.push(format!("{} {name}s", below_1000(count, true))),
        }
    }
    match rest / 1000 {
        0 => {}
        1 => parts.push("mille".to_string()),
        thousands => parts.push(format!("{} mille", below_1000(thousands, false))),
    }
    if !rest.is_multiple_of(1000) {
        parts.push(below_1000(rest % 1000, true));
    }
    parts.join(" ")
}

/// Turns a final "un" into "une" for feminine nouns: "une heure", "vingt et une heures".
pub(super) fn feminine(words: String) -> String {
    if words == "un" || words.ends_with(" un") || words.ends_with("-un") {
        words + "e"
    } else {
        words
    }
}

pub(super) fn ordinal(n: u64, feminine: bool) -> String {
    if n == 1 {
        return if feminine { "première" } else { "premier" }.to_string();
    }
    let mut words = cardinal(n);
    for plural in ["cents", "vingts", "millions", "milliards"] {
        if words.ends_with(plural) {
            words.pop();
        }
    }
    if words.ends_with("cinq") {
        words + "uième"
    } else if let Some(stem) = words.strip_suffix("neuf") {
        format!("{stem}neuvième")
    } else if let Some(stem) = words.strip_suffix('e') {
        format!("{stem}ième")
    } else {
        words + "ième"
    }
}
