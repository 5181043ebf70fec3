//! English: `normalize` on sentences, one row per rule.

use standardiste_normalize::{normalize, Lang};

const CASES: &[(&str, &str)] = &[
    // Times.
    ("Meet at 2:30 pm.", "Meet at two thirty in the afternoon."),
    ("at 2pm", "at two o'clock in the afternoon"),
    ("at 2 PM", "at two o'clock in the afternoon"),
    ("at 14:30", "at two thirty in the afternoon"),
    ("at 9:05 am", "at nine oh five in the morning"),
    ("at 12:00", "at noon"),
    ("at 7 p.m. sharp", "at seven o'clock in the evening sharp"),
    ("at 14h30", "at two thirty in the afternoon"),
    ("open 9-5", "open nine to five"),
    ("from 1990-2000", "from nineteen ninety to two thousand"),
    // Dates.
    (
        "on 2026-12-09",
        "on the ninth of December twenty twenty-six",
    ),
    (
        "on 09/12/2026",
        "on the ninth of December twenty twenty-six",
    ),
    (
        "on 12/25/2026",
        "on the twenty-fifth of December twenty twenty-six",
    ),
    (
        "on 9 December 2026",
        "on the ninth of December twenty twenty-six",
    ),
    (
        "on December 9, 2026",
        "on December ninth, twenty twenty-six",
    ),
    ("on the 9th of December", "on the ninth of December"),
    ("Tuesday 9 Dec", "Tuesday the ninth of December"),
    // Prices.
    ("$500", "five hundred dollars"),
    ("$5.99", "five dollars and ninety-nine cents"),
    ("£60", "sixty pounds"),
    ("60 pounds", "sixty pounds"),
    ("45.50 EUR", "forty-five euros and fifty cents"),
    ("€45", "forty-five euros"),
    ("$1", "one dollar"),
    ("$1.5 million", "one point five million dollars"),
    ("$1,200", "one thousand two hundred dollars"),
    // Phone numbers.
    (
        "Call 023 9200 1234.",
        "Call zero two three, nine two zero zero, one two three four.",
    ),
    (
        "02392001234",
        "zero two three, nine two zero zero, one two three four",
    ),
    (
        "+44 23 9200 1234",
        "plus four four, two three, nine two zero zero, one two three four",
    ),
    (
        "(555) 123-4567",
        "five five five, one two three, four five six seven",
    ),
    ("call 555-1234", "call five five five, one two three four"),
    // Numbers.
    ("15%", "fifteen percent"),
    ("3.14", "three point one four"),
    ("1,234", "one thousand two hundred and thirty-four"),
    ("105", "one hundred and five"),
    ("in 2026", "in twenty twenty-six"),
    ("in 2005", "in two thousand and five"),
    ("-5 degrees", "minus five degrees"),
    ("20 °C", "twenty degrees Celsius"),
    ("007", "zero zero seven"),
    ("B12", "B twelve"),
    // Ordinals.
    (
        "the 1st, 2nd, 3rd and 4th",
        "the first, second, third and fourth",
    ),
    ("21st", "twenty-first"),
    ("the 12th", "the twelfth"),
    // Abbreviations.
    ("Dr. Smith", "Doctor Smith"),
    ("12 Main St.", "twelve Main Street."),
    ("at St. Mary's", "at Saint Mary's"),
    ("No. 5", "number five"),
    ("Smith & Sons", "Smith and Sons"),
    ("No. I can't.", "No. I can't."),
];

#[test]
fn english_table() {
    let mut failures = Vec::new();
    for (input, expected) in CASES {
        let actual = normalize(input, Lang::En);
        if actual != *expected {
            failures.push(format!(
                "{input:?}\n  expected {expected:?}\n  actual   {actual:?}"
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        CASES.len(),
        failures.join("\n")
    );
}

#[test]
fn english_table_output_is_stable() {
    for (_, expected) in CASES {
        assert_eq!(normalize(expected, Lang::En), *expected);
    }
}
