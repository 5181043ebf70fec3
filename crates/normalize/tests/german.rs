//! German: `normalize` on sentences, one row per rule.

use standardiste_normalize::{normalize, Lang};

const CASES: &[(&str, &str)] = &[
    ("um 14:30 Uhr", "um vierzehn Uhr dreißig"),
    ("um 14 Uhr", "um vierzehn Uhr"),
    ("um 1 Uhr", "um ein Uhr"),
    ("um 14.30 Uhr", "um vierzehn Uhr dreißig"),
    (
        "am 9. Dezember 2026",
        "am neunten Dezember zweitausendsechsundzwanzig",
    ),
    ("Dienstag, 9. Dezember", "Dienstag, neunter Dezember"),
    (
        "am 09.12.2026",
        "am neunten Dezember zweitausendsechsundzwanzig",
    ),
    ("am 09.12. um 9 Uhr", "am neunten Dezember um neun Uhr"),
    ("Kapitel 1.2. lesen", "Kapitel eins Komma zwei. lesen"),
    ("21 Personen", "einundzwanzig Personen"),
    ("102", "hundertzwei"),
    ("2300", "zweitausenddreihundert"),
    ("1.000.000", "eine Million"),
    ("2.500.000", "zwei Millionen fünfhunderttausend"),
    ("45,50 €", "fünfundvierzig Euro fünfzig"),
    ("1 Euro", "ein Euro"),
    ("0,50 €", "fünfzig Cent"),
    ("3,5 %", "drei Komma fünf Prozent"),
    (
        "030 12345678",
        "null drei null, eins zwo drei vier, fünf sechs sieben acht",
    ),
    ("der 3. Stock", "der dritte Stock"),
    ("Ich komme um 3.", "Ich komme um drei."),
    ("Dr. Müller", "Doktor Müller"),
    ("Nr. 7", "Nummer sieben"),
    ("seit 1990", "seit neunzehnhundertneunzig"),
    ("Hauptstr. 5", "Hauptstraße fünf"),
    ("z. B. morgen", "zum Beispiel morgen"),
];

#[test]
fn german_table() {
    let mut failures = Vec::new();
    for (input, expected) in CASES {
        let actual = normalize(input, Lang::De);
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
fn german_table_output_is_stable() {
    for (_, expected) in CASES {
        assert_eq!(normalize(expected, Lang::De), *expected);
    }
}
