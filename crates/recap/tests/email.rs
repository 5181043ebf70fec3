//! The email recap: subject per language and urgency, every fact in the
//! body, the transcript and the link, and missing facts.

mod common;

use common::{assert_no_placeholder, bare, sample, LANGUAGES};
use standardiste_recap::{email, BookingAction, BookingNote, Speaker, TranscriptLine, Urgency};
use time::macros::datetime;

#[test]
fn subject_per_language_and_urgency() {
    let cases = [
        (
            "en",
            Some(Urgency::High),
            "[URGENT] Call from Alex Martin: broken tooth",
        ),
        (
            "en",
            Some(Urgency::Emergency),
            "[EMERGENCY] Call from Alex Martin: broken tooth",
        ),
        (
            "en",
            Some(Urgency::Normal),
            "Call from Alex Martin: broken tooth",
        ),
        ("en", None, "Call from Alex Martin: broken tooth"),
        (
            "fr",
            Some(Urgency::High),
            "[URGENT] Appel de Alex Martin : broken tooth",
        ),
        (
            "fr",
            Some(Urgency::Emergency),
            "[URGENCE] Appel de Alex Martin : broken tooth",
        ),
        (
            "fr",
            Some(Urgency::Low),
            "Appel de Alex Martin : broken tooth",
        ),
        (
            "de",
            Some(Urgency::Emergency),
            "[NOTFALL] Anruf von Alex Martin: broken tooth",
        ),
        (
            "es",
            Some(Urgency::High),
            "[URGENTE] Llamada de Alex Martin: broken tooth",
        ),
    ];
    for (language, urgency, expected) in cases {
        let mut recap = sample(language);
        recap.urgency = urgency;
        assert_eq!(email(&recap).subject, expected, "{language} {urgency:?}");
    }
}

#[test]
fn subject_gist_falls_back() {
    let mut recap = sample("en");
    recap.reason = None;
    assert_eq!(
        email(&recap).subject,
        "[URGENT] Call from Alex Martin: Booked Check-up"
    );
    recap.name = None;
    recap.booking = None;
    recap.urgency = None;
    assert_eq!(
        email(&recap).subject,
        "Call from +44 7700 900123: completed"
    );

    let cases = [
        ("en", "Call from an unknown caller: caller stayed silent"),
        ("fr", "Appel d'un inconnu : l'appelant est resté silencieux"),
        ("de", "Anruf von Unbekannt: Anrufer blieb stumm"),
        ("es", "Llamada de desconocido: el llamante no habló"),
    ];
    for (language, expected) in cases {
        assert_eq!(email(&bare(language)).subject, expected, "{language}");
    }
}

#[test]
fn body_lists_every_fact_in_english() {
    let mut recap = sample("en");
    recap.transferred_to = Some("+44 7700 900126".to_owned());
    let body = email(&recap).body;
    let expected = "\
Call recap: Harbour Dental

Call
  Started: Tuesday 14 May 2024, 10:30
  Duration: 3 min 12 s
  Line: Main line
  Outcome: completed

Caller
  Name: Alex Martin
  Callback number: +44 7700 900123 (confirmed)
  Caller ID: +44 7700 900123
  Language: French

Request
  Reason: broken tooth
  Urgency: high
  Message taken: yes

Appointment
  Booked: Check-up, Wednesday 15 May 2024, 09:00

Escalation
  Reason: emergency
  Transferred to: +44 7700 900126
  Callback promised: within 30 minutes, by about 11:03

Transcript
  Receptionist: Harbour Dental, how can I help?
  Caller: I broke a tooth this morning.

Full transcript: https://box.local/calls/42
";
    assert_eq!(body, expected);
}

#[test]
fn body_lists_every_fact_in_french() {
    let body = email(&sample("fr")).body;
    let expected = "\
Récapitulatif d'appel : Harbour Dental

Appel
  Début : mardi 14 mai 2024 à 10h30
  Durée : 3 min 12 s
  Ligne : Main line
  Issue : terminé normalement

Appelant
  Nom : Alex Martin
  Numéro de rappel : +44 7700 900123 (confirmé)
  Numéro présenté : +44 7700 900123
  Langue : français

Demande
  Motif : broken tooth
  Priorité : haute
  Message pris : oui

Rendez-vous
  Pris : Check-up, mercredi 15 mai 2024 à 9h00

Escalade
  Raison : emergency
  Rappel promis : sous 30 minutes, vers 11h03

Transcription
  Standardiste : Harbour Dental, how can I help?
  Appelant : I broke a tooth this morning.

Transcription complète : https://box.local/calls/42
";
    assert_eq!(body, expected);
}

#[test]
fn body_of_bare_call_reads_well() {
    let cases = [
        (
            "en",
            [
                "Name: not given",
                "Caller ID: withheld",
                "Urgency: not assessed",
                "no change",
                "no transcript",
                "Full transcript: no link",
            ],
        ),
        (
            "fr",
            [
                "Nom : non donné",
                "Numéro présenté : masqué",
                "Priorité : non évaluée",
                "aucun changement",
                "pas de transcription",
                "Transcription complète : pas de lien",
            ],
        ),
        (
            "de",
            [
                "Name: nicht genannt",
                "Angezeigte Nummer: unterdrückt",
                "Dringlichkeit: nicht eingeschätzt",
                "keine Änderung",
                "kein Gesprächsverlauf",
                "Vollständiger Verlauf: kein Link",
            ],
        ),
        (
            "es",
            [
                "Nombre: no indicado",
                "Número entrante: oculto",
                "Urgencia: no evaluada",
                "sin cambios",
                "sin transcripción",
                "Transcripción completa: sin enlace",
            ],
        ),
    ];
    for (language, phrases) in cases {
        let body = email(&bare(language)).body;
        assert_no_placeholder(&body, language);
        for phrase in phrases {
            assert!(
                body.contains(phrase),
                "{language}: {phrase:?} missing from\n{body}"
            );
        }
    }
    let body = email(&bare("en")).body;
    assert!(body.starts_with("Call recap\n"), "no business name: {body}");
    assert!(body.contains("  Line: not given\n"), "{body}");
    assert!(body.contains("Escalation\n  none\n"), "{body}");
}

#[test]
fn moved_and_cancelled_appointments() {
    let moved = BookingNote {
        action: BookingAction::Moved,
        service: "Cleaning".to_owned(),
        start: datetime!(2024-05-17 14:15),
        previous_start: Some(datetime!(2024-05-16 08:45)),
    };
    let cases = [
        ("en", "Moved: Cleaning, from Thursday 16 May 2024, 08:45 to Friday 17 May 2024, 14:15"),
        ("fr", "Déplacé : Cleaning, du jeudi 16 mai 2024 à 8h45 au vendredi 17 mai 2024 à 14h15"),
        ("de", "Verschoben: Cleaning, von Donnerstag, 16. Mai 2024, 08:45 auf Freitag, 17. Mai 2024, 14:15"),
        ("es", "Cambiada: Cleaning, del jueves 16 de mayo de 2024, 08:45 al viernes 17 de mayo de 2024, 14:15"),
    ];
    for (language, expected) in cases {
        let mut recap = sample(language);
        recap.booking = Some(moved.clone());
        let body = email(&recap).body;
        assert!(
            body.contains(expected),
            "{language}: {expected:?} missing from\n{body}"
        );
    }

    let mut recap = sample("fr");
    recap.booking = Some(BookingNote {
        action: BookingAction::Cancelled,
        ..moved
    });
    let body = email(&recap).body;
    assert!(
        body.contains("Annulé : Cleaning, vendredi 17 mai 2024 à 14h15"),
        "{body}"
    );
}

#[test]
fn unconfirmed_number_and_other_language() {
    let mut recap = sample("en");
    recap.callback_confirmed = false;
    recap.caller_language = Some("pl".to_owned());
    let body = email(&recap).body;
    assert!(
        body.contains("Callback number: +44 7700 900123 (not confirmed)"),
        "{body}"
    );
    assert!(body.contains("Language: pl"), "{body}");
}

#[test]
fn long_transcript_is_cut_with_note() {
    for language in LANGUAGES {
        let mut recap = sample(language);
        recap.transcript = (0..200)
            .map(|n| TranscriptLine {
                speaker: if n % 2 == 0 {
                    Speaker::Caller
                } else {
                    Speaker::Receptionist
                },
                text: format!("line {n} ") + &"word ".repeat(400),
            })
            .collect();
        let body = email(&recap).body;
        assert!(body.len() < 200_000, "{language}: {} bytes", body.len());
        let note = body
            .lines()
            .find(|line| line.trim_start().starts_with('['))
            .unwrap_or_else(|| panic!("{language}: no note about the cut transcript"));
        // Each line is cut to 2,000 characters, so 50 lines fill the 100,000.
        assert!(note.contains("150"), "{language}: {note}");
        assert!(body.contains("line 49 "), "{language}: early lines kept");
        assert!(
            !body.contains("line 50 "),
            "{language}: lines past the limit left out"
        );
    }
}
