//! English number words: short scale, hyphenated tens ("twenty-one") and British "and"
//! before the last part below one hundred ("one hundred and five").

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

const SCALES: [(u64, &str); 6] = [
    (1_000_000_000_000_000_000, "quintillion"),
    (1_000_000_000_000_000, "quadrillion"),
    (1_000_000_000_000, "trillion"),
    (1_000_000_000, "billion"),
    (1_000_000, "million"),
    (1_000, "thousand"),
];

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
        unit => format!("{tens}-{}", ONES[unit as usize]),
    }
}

fn below_1000(n: u64) -> String {
    let hundreds = n / 100;
    let rest = n % 100;
    match (hundreds, rest) {
        (0, _) => below_100(rest),
        (_, 0) => format!("{} hundred", ONES[hundreds as usize]),
        _ => format!(
            "{} hundred and {}",
            ONES[hundreds as usize],
            below_100(rest)
        ),
    }
}

pub(super) fn cardinal(n: u64) -> String {
    if n == 0 {
        return ONES[0].to_string();
    }
    let mut parts = Vec::new();
    let mut rest = n;
    for (value, name) in SCALES {
        if rest >= value {
            parts.push(format!("{} {name}", below_1000(rest / value)));
            rest %= value;
        }
    }
    if rest > 0 {
        if !parts.is_empty() && rest < 100 {
            parts.push(format!("and {}", below_100(rest)));
        } else {
            parts.push(below_1000(rest));
        }
    }
    parts.join(" ")
}

pub(super) fn ordinal(n: u64) -> String {
    let words = cardinal(n);
    let split = words.rfind([' ', '-']).map_or(0, |i| i + 1);
    let (head, last) = words.split_at(split);
    let last = match last {
        "one" => "first".to_string(),
        "two" => "second".to_string(),
        "three" => "third".to_string(),
        "five" => "fifth".to_string(),
        "eight" => "eighth".to_string(),
        "nine" => "ninth".to_string(),
        "twelve" => "twelfth".to_string(),
        other => match other.strip_suffix('y') {
            Some(stem) => format!("{stem}ieth"),
            None => format!("{other}th"),
        },
    };
    format!("{head}{last}")
}

/// Reads a year the way it is spoken: "nineteen ninety", "twenty twenty-six", "nineteen oh
/// five", "eighteen hundred", but "two thousand and five" for 2000 to 2009 and whole
/// thousands.
pub(super) fn year(y: u64) -> String {
    if !(1000..=9999).contains(&y) || y % 1000 < 10 {
        return cardinal(y);
    }
    let high = below_100(y / 100);
    match y % 100 {
        0 => format!("{high} hundred"),
        low @ 1..=9 => format!("{high} oh {}", ONES[low as usize]),
        low => format!("{high} {}", below_100(low)),
    }
}
