//! Spanish: `normalize` on sentences, one row per rule.

use standardiste_normalize::{normalize, Lang};

const CASES: &[(&str, &str)] = &[
    ("a las 14:30", "a las catorce y treinta"),
    ("a la 1:05", "a la una y cinco"),
    ("cita 14:30", "cita las catorce y treinta"),
    ("a las 21h", "a las veintiuna horas"),
    (
        "el 9 de diciembre de 2026",
        "el nueve de diciembre de dos mil veintiséis",
    ),
    (
        "el 2026-12-09",
        "el nueve de diciembre de dos mil veintiséis",
    ),
    ("21 euros", "veintiún euros"),
    ("1 euro", "un euro"),
    ("45,50 €", "cuarenta y cinco euros con cincuenta"),
    ("$500", "quinientos dólares"),
    ("100, 101, 500", "cien, ciento uno, quinientos"),
    ("1.000.000", "un millón"),
    ("21.000", "veintiún mil"),
    (
        "el 1º, la 2ª, el 3er piso",
        "el primero, la segunda, el tercer piso",
    ),
    (
        "612 345 678",
        "seis uno dos, tres cuatro cinco, seis siete ocho",
    ),
    (
        "+34 612 345 678",
        "más tres cuatro, seis uno dos, tres cuatro cinco, seis siete ocho",
    ),
    ("Sr. García", "señor García"),
    ("15 %", "quince por ciento"),
    ("3,5", "tres coma cinco"),
];

#[test]
fn spanish_table() {
    let mut failures = Vec::new();
    for (input, expected) in CASES {
        let actual = normalize(input, Lang::Es);
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
fn spanish_table_output_is_stable() {
    for (_, expected) in CASES {
        assert_eq!(normalize(expected, Lang::Es), *expected);
    }
}
