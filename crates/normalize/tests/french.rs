//! French: `normalize` on sentences, one row per rule.

use standardiste_normalize::{normalize, Lang};

const CASES: &[(&str, &str)] = &[
    // Times.
    (
        "Rendez-vous à 14h30.",
        "Rendez-vous à quatorze heures trente.",
    ),
    ("à 14h", "à quatorze heures"),
    ("à 14 h", "à quatorze heures"),
    ("à 9h05", "à neuf heures cinq"),
    ("à 14:30", "à quatorze heures trente"),
    ("à 1h", "à une heure"),
    ("à 21h01", "à vingt et une heures une"),
    ("à 0h00", "à minuit"),
    ("à 12h", "à midi"),
    ("de 9h à 17h", "de neuf heures à dix-sept heures"),
    ("9h-17h", "neuf heures à dix-sept heures"),
    // Dates.
    ("le 9 décembre", "le neuf décembre"),
    ("le 1er décembre", "le premier décembre"),
    (
        "le 9 décembre 2026",
        "le neuf décembre deux mille vingt-six",
    ),
    ("le 2026-12-09", "le neuf décembre deux mille vingt-six"),
    ("le 09/12/2026", "le neuf décembre deux mille vingt-six"),
    ("en décembre 2026", "en décembre deux mille vingt-six"),
    // Prices.
    ("45,50 €", "quarante-cinq euros cinquante"),
    ("45 €", "quarante-cinq euros"),
    ("45\u{a0}€", "quarante-cinq euros"),
    ("€45", "quarante-cinq euros"),
    ("1 €", "un euro"),
    ("0,50 €", "cinquante centimes"),
    ("3 000 000 €", "trois millions d'euros"),
    ("80 euros", "quatre-vingts euros"),
    // Phone numbers.
    (
        "Appelez le 06 12 34 56 78.",
        "Appelez le zéro six, douze, trente-quatre, cinquante-six, soixante-dix-huit.",
    ),
    (
        "+33 6 12 34 56 78",
        "plus trente-trois, six, douze, trente-quatre, cinquante-six, soixante-dix-huit",
    ),
    (
        "0612345678",
        "zéro six, douze, trente-quatre, cinquante-six, soixante-dix-huit",
    ),
    (
        "01.23.45.67.89",
        "zéro un, vingt-trois, quarante-cinq, soixante-sept, quatre-vingt-neuf",
    ),
    // Numbers.
    ("71 personnes", "soixante et onze personnes"),
    (
        "81, 91, 99",
        "quatre-vingt-un, quatre-vingt-onze, quatre-vingt-dix-neuf",
    ),
    (
        "200, 201, 280",
        "deux cents, deux cent un, deux cent quatre-vingts",
    ),
    ("2 000 et 200 000", "deux mille et deux cent mille"),
    ("1 000 000", "un million"),
    ("10 000 000 habitants", "dix millions habitants"),
    ("en 1990", "en mille neuf cent quatre-vingt-dix"),
    ("3,14", "trois virgule quatorze"),
    ("3,05", "trois virgule zéro cinq"),
    ("4,5 %", "quatre virgule cinq pour cent"),
    ("-3", "moins trois"),
    // Ordinals.
    ("la 2e fois", "la deuxième fois"),
    ("la 1re", "la première"),
    ("le 21e siècle", "le vingt et unième siècle"),
    ("le 5ème étage", "le cinquième étage"),
    // Abbreviations.
    ("Dr Martin", "docteur Martin"),
    ("M. Dupont", "monsieur Dupont"),
    ("Mme Durand", "madame Durand"),
    ("n° 12", "numéro douze"),
    ("Martin & fils", "Martin et fils"),
];

#[test]
fn french_table() {
    let mut failures = Vec::new();
    for (input, expected) in CASES {
        let actual = normalize(input, Lang::Fr);
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
fn french_table_output_is_stable() {
    for (_, expected) in CASES {
        assert_eq!(normalize(expected, Lang::Fr), *expected);
    }
}
