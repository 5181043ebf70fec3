//! Italian: `normalize` on sentences, one row per rule.

use standardiste_normalize::{normalize, Lang};

const CASES: &[(&str, &str)] = &[
    ("alle 14:30", "alle quattordici e trenta"),
    ("il 1° dicembre 2026", "il primo dicembre duemilaventisei"),
    ("il 9 dicembre", "il nove dicembre"),
    ("23, 21, 28", "ventitré, ventuno, ventotto"),
    ("103 e 2345", "centotré e duemilatrecentoquarantacinque"),
    ("21.000", "ventunmila"),
    ("45,50 €", "quarantacinque euro e cinquanta"),
    ("1 euro", "un euro"),
    ("Dott.ssa Rossi", "dottoressa Rossi"),
    ("il 3º piano", "il terzo piano"),
];

#[test]
fn italian_table() {
    let mut failures = Vec::new();
    for (input, expected) in CASES {
        let actual = normalize(input, Lang::It);
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
