//! The SMS recap and the urgent alert: wording in each language, missing
//! facts, and the two-part limit.

mod common;

use common::{assert_no_placeholder, assert_valid_sms, bare, sample, sms_size, LANGUAGES};
use standardiste_recap::{
    sms_text, urgent_alert, BookingAction, BookingNote, Channel, Urgency, UrgentAlert,
};

use time::macros::datetime;

#[test]
fn sample_text_per_language() {
    let cases = [
        (
            "en",
            "URGENT: Call from Alex Martin, +44 7700 900123. Reason: broken tooth. \
             Booked: Check-up, Wed 15 May 09:00. Callback promised within 30 min.",
        ),
        (
            "fr",
            "URGENT : Appel de Alex Martin, +44 7700 900123. Motif : broken tooth. \
             RDV pris : Check-up, mer. 15 mai 9h00. Rappel promis sous 30 min.",
        ),
        (
            "de",
            "DRINGEND: Anruf von Alex Martin, +44 7700 900123. Anliegen: broken tooth. \
             Termin gebucht: Check-up, Mi. 15. Mai 09:00. Rückruf zugesagt binnen 30 Min.",
        ),
        (
            "es",
            "URGENTE: Llamada de Alex Martin, +44 7700 900123. Motivo: broken tooth. \
             Cita reservada: Check-up, mié. 15 may. 09:00. \
             Prometido llamar en 30 min.",
        ),
        (
            "it",
            "URGENT: Call from Alex Martin, +44 7700 900123. Reason: broken tooth. \
             Booked: Check-up, Wed 15 May 09:00. Callback promised within 30 min.",
        ),
    ];
    for (language, expected) in cases {
        let text = sms_text(&sample(language));
        assert_eq!(text, expected, "{language}");
        assert_valid_sms(&text, language);
    }
}

#[test]
fn missing_facts_read_as_phrases() {
    let cases = [
        (
            "en",
            "Call from an unknown caller, no name or number. Reason not given.",
        ),
        (
            "fr",
            "Appel d'un inconnu, ni nom ni numéro. Motif non donné.",
        ),
        (
            "de",
            "Anruf von Unbekannt, weder Name noch Nummer. Anliegen nicht genannt.",
        ),
        (
            "es",
            "Llamada de desconocido, sin nombre ni numero. Motivo no indicado.",
        ),
    ];
    for (language, expected) in cases {
        let text = sms_text(&bare(language));
        assert_eq!(text, expected, "{language}");
        assert_no_placeholder(&text, language);
    }
}

#[test]
fn name_or_number_alone() {
    let mut no_name = bare("en");
    no_name.caller_id = Some("+33 6 12 34 56 78".to_owned());
    assert_eq!(
        sms_text(&no_name),
        "Call from +33 6 12 34 56 78, name not given. Reason not given."
    );
    no_name.language = "fr".to_owned();
    assert_eq!(
        sms_text(&no_name),
        "Appel du +33 6 12 34 56 78, nom non donné. Motif non donné."
    );

    let mut no_number = bare("en");
    no_number.name = Some("Alex".to_owned());
    assert_eq!(
        sms_text(&no_number),
        "Call from Alex, number unknown. Reason not given."
    );
    no_number.language = "fr".to_owned();
    assert_eq!(
        sms_text(&no_number),
        "Appel de Alex, numéro inconnu. Motif non donné."
    );
}

#[test]
fn caller_id_shown_when_it_differs() {
    let mut recap = sample("en");
    recap.callback_number = Some("+44 7700 900999".to_owned());
    let text = sms_text(&recap);
    assert!(
        text.contains("Alex Martin, +44 7700 900999 (caller ID +44 7700 900123)."),
        "{text}"
    );

    // The same number in national form is not repeated.
    recap.callback_number = Some("07700 900123".to_owned());
    let text = sms_text(&recap);
    assert!(text.contains("Alex Martin, 07700 900123."), "{text}");
    assert!(!text.contains("caller ID"), "{text}");
}

#[test]
fn urgency_per_level() {
    let cases = [
        ("en", Some(Urgency::Emergency), "EMERGENCY: Call from", None),
        ("en", Some(Urgency::High), "URGENT: Call from", None),
        (
            "en",
            Some(Urgency::Normal),
            "Call from",
            Some("Urgency: normal."),
        ),
        ("en", Some(Urgency::Low), "Call from", Some("Urgency: low.")),
        ("en", None, "Call from", None),
        ("fr", Some(Urgency::Emergency), "URGENCE : Appel de", None),
        (
            "fr",
            Some(Urgency::Normal),
            "Appel de",
            Some("Priorité : normale."),
        ),
        ("de", Some(Urgency::Emergency), "NOTFALL: Anruf von", None),
        (
            "de",
            Some(Urgency::Low),
            "Anruf von",
            Some("Dringlichkeit: niedrig."),
        ),
        (
            "es",
            Some(Urgency::Emergency),
            "EMERGENCIA: Llamada de",
            None,
        ),
        (
            "es",
            Some(Urgency::Low),
            "Llamada de",
            Some("Urgencia: baja."),
        ),
    ];
    for (language, urgency, start, sentence) in cases {
        let mut recap = sample(language);
        recap.urgency = urgency;
        let text = sms_text(&recap);
        assert!(text.starts_with(start), "{language} {urgency:?}: {text}");
        if let Some(sentence) = sentence {
            assert!(text.contains(sentence), "{language} {urgency:?}: {text}");
        }
    }
}

#[test]
fn booking_actions() {
    let moved = BookingNote {
        action: BookingAction::Moved,
        service: "Cleaning".to_owned(),
        start: datetime!(2024-05-17 14:15),
        previous_start: Some(datetime!(2024-05-16 08:45)),
    };
    let cancelled = BookingNote {
        action: BookingAction::Cancelled,
        service: "Cleaning".to_owned(),
        start: datetime!(2024-05-16 08:45),
        previous_start: None,
    };
    let cases = [
        (
            "en",
            moved.clone(),
            "Moved: Cleaning, Thu 16 May 08:45 -> Fri 17 May 14:15.",
        ),
        (
            "fr",
            moved.clone(),
            "RDV déplacé : Cleaning, jeu. 16 mai 8h45 -> ven. 17 mai 14h15.",
        ),
        (
            "de",
            moved.clone(),
            "Termin verschoben: Cleaning, Do. 16. Mai 08:45 -> Fr. 17. Mai 14:15.",
        ),
        (
            "en",
            cancelled.clone(),
            "Cancelled: Cleaning, Thu 16 May 08:45.",
        ),
        (
            "fr",
            cancelled.clone(),
            "RDV annulé : Cleaning, jeu. 16 mai 8h45.",
        ),
        (
            "es",
            cancelled,
            "Cita cancelada: Cleaning, jue. 16 may. 08:45.",
        ),
    ];
    for (language, note, expected) in cases {
        let mut recap = sample(language);
        recap.booking = Some(note);
        let text = sms_text(&recap);
        assert!(text.contains(expected), "{language}: {text}");
    }
}

#[test]
fn transfer_is_named() {
    let cases = [
        ("en", "Transferred to +44 7700 900126."),
        ("fr", "Transféré au +44 7700 900126."),
        ("de", "Weitergeleitet an +44 7700 900126."),
        ("es", "Transferida al +44 7700 900126."),
    ];
    for (language, expected) in cases {
        let mut recap = sample(language);
        recap.transferred_to = Some("+44 7700 900126".to_owned());
        let text = sms_text(&recap);
        assert!(text.ends_with(expected), "{language}: {text}");
    }
}

#[test]
fn long_reason_is_cut_not_numbers() {
    let long_reason = "the crown came off while eating and now the tooth hurts a lot ".repeat(10);
    let accented = "la couronne s'est détachée, ça fait très mal depuis hier soir ".repeat(10);
    let emoji = "😭 ".repeat(200);
    let decorated = format!("{long_reason} 😭😭");
    let cyrillic = "зуб сломался, очень болит ".repeat(10);
    let cases = [
        ("en", long_reason.as_str(), "EMERGENCY", true),
        ("fr", long_reason.as_str(), "URGENCE", true),
        ("fr", accented.as_str(), "URGENCE", true),
        ("en", decorated.as_str(), "EMERGENCY", true),
        ("en", emoji.as_str(), "EMERGENCY", false),
        ("de", emoji.as_str(), "NOTFALL", false),
        ("es", cyrillic.as_str(), "EMERGENCIA", false),
    ];
    for (language, reason, tag, gsm) in cases {
        let mut recap = sample(language);
        recap.reason = Some(reason.to_owned());
        // Without the booking, some reason fits even in UCS-2.
        recap.booking = None;
        recap.transferred_to = Some("+44 7700 900126".to_owned());
        recap.urgency = Some(Urgency::Emergency);
        let text = sms_text(&recap);
        let context = format!("{language}, {} chars", reason.len());
        assert_valid_sms(&text, &context);
        assert_eq!(sms_size(&text).1, gsm, "{context}: encoding of {text}");
        assert!(text.contains("+44 7700 900123"), "{context}: {text}");
        assert!(text.contains("+44 7700 900126"), "{context}: {text}");
        assert!(text.starts_with(tag), "{context}: {text}");
        assert!(
            text.contains("...") || text.contains('…'),
            "{context}: cut reason is marked: {text}"
        );
        // The reason keeps as much as fits, not a stub.
        let (size, _) = sms_size(&text);
        let limit = if gsm { 306 } else { 134 };
        assert!(
            size + 20 >= limit,
            "{context}: only {size} of {limit}: {text}"
        );
    }
}

#[test]
fn accented_letters_fold_to_gsm() {
    let mut recap = sample("fr");
    recap.name = Some("François Lefèvre".to_owned());
    recap.reason = Some("dent cassée, très douloureuse".to_owned());
    let text = sms_text(&recap);
    assert!(text.contains("Francois Lefèvre"), "{text}");
    assert!(text.contains("dent cassée, très douloureuse"), "{text}");
    assert!(sms_size(&text).1, "stays GSM-7: {text}");

    // A character with no GSM-7 form keeps the text as written, in UCS-2.
    recap.name = Some("François 🙂".to_owned());
    let text = sms_text(&recap);
    assert!(text.contains("François 🙂"), "{text}");
    assert!(!sms_size(&text).1, "UCS-2: {text}");
    assert_valid_sms(&text, "UCS-2 name");
}

fn alert(language: &str) -> UrgentAlert {
    UrgentAlert {
        call_id: 42,
        language: language.to_owned(),
        name: Some("Alex Martin".to_owned()),
        callback_number: Some("+44 7700 900123".to_owned()),
        caller_id: None,
        reason: Some("broken tooth, heavy bleeding".to_owned()),
        escalation: Some("emergency".to_owned()),
        callback_within_min: Some(15),
    }
}

#[test]
fn alert_text_per_language() {
    let cases = [
        (
            "en",
            "URGENT CALLBACK (emergency): Call from Alex Martin, +44 7700 900123. \
             Reason: broken tooth, heavy bleeding. Callback promised within 15 min.",
        ),
        (
            "fr",
            "RAPPEL URGENT (emergency) : Appel de Alex Martin, +44 7700 900123. \
             Motif : broken tooth, heavy bleeding. Rappel promis sous 15 min.",
        ),
        (
            "de",
            "DRINGENDER RÜCKRUF (emergency): Anruf von Alex Martin, +44 7700 900123. \
             Anliegen: broken tooth, heavy bleeding. Rückruf zugesagt binnen 15 Min.",
        ),
        (
            "es",
            "DEVOLVER LLAMADA URGENTE (emergency): Llamada de Alex Martin, +44 7700 900123. \
             Motivo: broken tooth, heavy bleeding. Prometido llamar en 15 min.",
        ),
    ];
    for (language, expected) in cases {
        let item = urgent_alert(&alert(language), "+44 7700 900126");
        assert_eq!(item.body, expected, "{language}");
        assert_eq!(item.channel, Channel::Sms);
        assert_eq!(item.recipient, "+447700900126");
        assert_valid_sms(&item.body, language);
    }
}

#[test]
fn alert_without_facts_reads_well() {
    for language in LANGUAGES {
        let bare = UrgentAlert {
            call_id: 1,
            language: language.to_owned(),
            name: None,
            callback_number: None,
            caller_id: Some("+33 6 12 34 56 78".to_owned()),
            reason: None,
            escalation: None,
            callback_within_min: None,
        };
        let text = urgent_alert(&bare, "+33600000000").body;
        assert_no_placeholder(&text, language);
        assert!(text.contains("+33 6 12 34 56 78"), "{language}: {text}");
        assert!(!text.contains("()"), "{language}: {text}");
    }
    let english = UrgentAlert {
        call_id: 1,
        language: "en".to_owned(),
        name: None,
        callback_number: None,
        caller_id: None,
        reason: None,
        escalation: None,
        callback_within_min: None,
    };
    assert_eq!(
        urgent_alert(&english, "+33600000000").body,
        "URGENT CALLBACK: Call from an unknown caller, no name or number. \
         Reason not given. Call back as soon as possible."
    );
}

#[test]
fn ucs2_name_drops_booking_before_numbers() {
    let mut recap = sample("en");
    recap.name = Some("Иван Петров".to_owned());
    recap.urgency = Some(Urgency::Emergency);
    recap.transferred_to = Some("+44 7700 900126".to_owned());
    let text = sms_text(&recap);
    assert_valid_sms(&text, "Cyrillic name");
    assert!(
        text.starts_with("EMERGENCY: Call from Иван Петров, +44 7700 900123."),
        "{text}"
    );
    assert!(text.contains("Callback promised within 30 min."), "{text}");
    assert!(text.ends_with("Transferred to +44 7700 900126."), "{text}");
    assert!(!text.contains("Booked"), "the booking goes first: {text}");
    assert!(
        text.contains("Reason: broken"),
        "the reason fills the room left: {text}"
    );
}
