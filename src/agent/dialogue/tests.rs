//! The state machine against a small appointment book kept in memory; the
//! SQLite appointment book and the real model are exercised by the
//! scenario suite.

use time::macros::datetime;
use time::{Duration, PrimitiveDateTime};

use super::*;
use crate::agent::understand::Understanding;

const NOW: PrimitiveDateTime = datetime!(2026-12-04 16:00);

#[derive(Default)]
struct Book {
    taken: Vec<Appointment>,
    steal_next: bool,
}

impl Desk for Book {
    fn services(&self) -> Vec<String> {
        vec!["check-up".to_string(), "cleaning".to_string()]
    }
    fn match_service(&self, words: &str) -> Option<String> {
        self.services().into_iter().find(|s| words.to_lowercase().contains(s.as_str()))
    }
    fn free(&mut self, _: &str, from: PrimitiveDateTime, limit: usize) -> Vec<Offer> {
        // Every weekday at 10:00 and 14:00, not taken.
        let mut offers = Vec::new();
        let mut day = from.date();
        while offers.len() < limit && day < from.date() + Duration::days(30) {
            if day.weekday().number_days_from_monday() < 5 {
                for hour in [10, 14] {
                    let start = day.with_hms(hour, 0, 0).unwrap();
                    if start >= from && !self.taken.iter().any(|a| a.start == start) && offers.len() < limit {
                        offers.push(Offer { start, end: start + Duration::minutes(30), staff: None });
                    }
                }
            }
            day = day.next_day().unwrap();
        }
        offers
    }
    fn book(&mut self, service: &str, offer: &Offer, _: &str, _: &str) -> Result<Appointment, BookError> {
        if std::mem::take(&mut self.steal_next) || self.taken.iter().any(|a| a.start == offer.start) {
            self.taken.push(Appointment { id: 99, service: service.to_string(), start: offer.start });
            return Err(BookError::Taken);
        }
        let appointment = Appointment { id: self.taken.len() as i64 + 1, service: service.to_string(), start: offer.start };
        self.taken.push(appointment.clone());
        Ok(appointment)
    }
    fn upcoming(&mut self, _: &str, _: PrimitiveDateTime) -> Vec<Appointment> {
        self.taken.clone()
    }
    fn cancel(&mut self, id: i64, _: &str) -> Result<Appointment, BookError> {
        let index = self.taken.iter().position(|a| a.id == id).ok_or(BookError::Taken)?;
        Ok(self.taken.remove(index))
    }
    fn reschedule(&mut self, id: i64, _: &str, offer: &Offer) -> Result<Appointment, BookError> {
        let appointment = self.taken.iter_mut().find(|a| a.id == id).ok_or(BookError::Taken)?;
        appointment.start = offer.start;
        Ok(appointment.clone())
    }
}

fn rules() -> Rules {
    Rules {
        transfer_to: None,
        can_transfer: false,
        callback_within_min: 30,
        on_emergency: true,
        on_request: true,
        on_angry: true,
        on_vip: true,
        on_keypad_zero: true,
        facts: "Opening hours: Saturday 09:00-12:00. A check-up costs 45 pounds.".to_string(),
        emergency_words: vec!["bleeding".to_string(), "urgence".to_string()],
        facts_language: "en".to_string(),
        aliases: vec!["contrôle".to_string()],
        schedule: saturday_mornings(),
    }
}

/// Returns the facts' hours: Saturday 09:00-12:00, closed the rest of the week.
fn saturday_mornings() -> standardiste_booking::Schedule {
    let mut schedule = standardiste_booking::Schedule::default();
    schedule.weekly[5] = vec![standardiste_booking::Interval::hm(9, 0, 12, 0)];
    schedule
}

/// An understanding with `intent` and the fields given as `key=value`.
fn turn(intent: &str, fields: &[(&str, &str)]) -> Understanding {
    let field = |name: &str| {
        fields
            .iter()
            .find(|(key, _)| *key == name)
            .map_or("null".to_string(), |(_, value)| format!("\"{value}\""))
    };
    let text = format!(
        r#"{{"intent":"{intent}","name":{},"phone":{},"reason":{},"service":{},"day":{},"time":{},"urgency":"{}","angry":{},"language":"{}","reply":"{}"}}"#,
        field("name"),
        field("phone"),
        field("reason"),
        field("service"),
        field("day"),
        field("time"),
        fields.iter().find(|(k, _)| *k == "urgency").map_or("normal", |(_, v)| v),
        fields.iter().any(|(k, _)| *k == "angry"),
        fields.iter().find(|(k, _)| *k == "language").map_or("en", |(_, v)| v),
        fields.iter().find(|(k, _)| *k == "reply").map_or("Okay.", |(_, v)| v),
    );
    Understanding::parse(&text).unwrap()
}

#[test]
fn a_booking_is_offered_read_back_and_made_only_after_yes() {
    let mut book = Book::default();
    let mut dialogue = Dialogue::new(rules(), Some("0612345678".to_string()), false, "en");
    let r = dialogue.respond(
        &turn("book", &[("service", "check-up"), ("day", "tuesday"), ("time", "afternoon")]),
        "I'd like a check-up on Tuesday afternoon",
        NOW,
        &mut book,
    );
    assert_eq!(r.spoken(), "The nearest free time is Tuesday 8 December at 14:00. Would that suit you?");
    let r = dialogue.respond(&turn("yes", &[]), "yes", NOW, &mut book);
    assert_eq!(r.spoken(), "So that's a check-up on Tuesday 8 December at 14:00. Shall I book it?");
    assert!(book.taken.is_empty());
    let r = dialogue.respond(&turn("yes", &[]), "yes please", NOW, &mut book);
    assert_eq!(r.spoken(), "May I have your name, please?");
    let r = dialogue.respond(&turn("details", &[("name", "Tom Baker")]), "Tom Baker", NOW, &mut book);
    assert_eq!(r.spoken(), "Can we reach you at 06 12 34 56 78?");
    assert!(book.taken.is_empty(), "nothing is booked before the number is confirmed");
    let r = dialogue.respond(&turn("yes", &[]), "yes", NOW, &mut book);
    assert_eq!(book.taken.len(), 1);
    assert_eq!(book.taken[0].start, datetime!(2026-12-08 14:00));
    assert!(matches!(r.effects[..], [Effect::Booked(_)]));
    let r = dialogue.respond(&turn("goodbye", &[]), "bye", NOW, &mut book);
    assert!(r.hang_up);
    assert_eq!(r.spoken(), "To sum up: we'll see you on Tuesday 8 December at 14:00.");
}

#[test]
fn a_no_brings_the_next_slots_and_a_lost_race_offers_others() {
    let mut book = Book::default();
    let mut dialogue = Dialogue::new(rules(), Some("0612345678".to_string()), false, "fr");
    let r = dialogue.respond(
        &turn("book", &[("service", "cleaning"), ("name", "Anna"), ("language", "fr")]),
        "Bonjour, c'est Anna, je voudrais un rendez-vous cleaning",
        NOW,
        &mut book,
    );
    assert!(r.spoken().contains("lundi 7 décembre à 10:00"), "{}", r.spoken());
    let r = dialogue.respond(&turn("no", &[("language", "fr")]), "non", NOW, &mut book);
    assert!(r.spoken().contains("mardi 8 décembre à 10:00"), "{}", r.spoken());
    let r = dialogue.respond(&turn("yes", &[("language", "fr")]), "le deuxième", NOW, &mut book);
    assert!(r.spoken().contains("mardi 8 décembre à 14:00"), "{}", r.spoken());
    dialogue.respond(&turn("yes", &[("language", "fr")]), "oui", NOW, &mut book);
    book.steal_next = true;
    let r = dialogue.respond(&turn("yes", &[("language", "fr")]), "oui", NOW, &mut book);
    assert!(r.spoken().starts_with("Je suis désolée, ce créneau vient d'être pris."), "{}", r.spoken());
    assert!(r.effects.is_empty());
}

#[test]
fn a_message_takes_name_number_and_reason() {
    let mut book = Book::default();
    let mut dialogue = Dialogue::new(rules(), None, false, "en");
    let r = dialogue.respond(&turn("message", &[]), "can someone call me back", NOW, &mut book);
    assert_eq!(r.spoken(), "May I have your name, please?");
    let r = dialogue.respond(&turn("details", &[]), "Mary Jones.", NOW, &mut book);
    assert!(r.spoken().starts_with("What number"), "{}", r.spoken());
    let r = dialogue.respond(&turn("details", &[("phone", "07700 900123")]), "07700 900123", NOW, &mut book);
    assert_eq!(r.spoken(), "Can we reach you at 07700 900123?");
    let r = dialogue.respond(&turn("no", &[("phone", "07700 900124")]), "no, it is 07700 900124", NOW, &mut book);
    assert_eq!(r.spoken(), "Can we reach you at 07700 900124?");
    let r = dialogue.respond(&turn("yes", &[]), "yes", NOW, &mut book);
    assert_eq!(r.spoken(), "What is it about?");
    let r = dialogue.respond(&turn("details", &[("reason", "invoice question")]), "about my invoice", NOW, &mut book);
    assert!(matches!(r.effects[..], [Effect::MessageTaken]));
    let intake = dialogue.intake();
    assert_eq!(intake.name.as_deref(), Some("Mary Jones"));
    assert_eq!(intake.number.as_deref(), Some("07700900124"));
    assert!(intake.number_confirmed);
    assert_eq!(intake.reason.as_deref(), Some("invoice question"));
}

#[test]
fn an_emergency_without_transfer_alerts_and_promises_a_callback() {
    let mut book = Book::default();
    let mut dialogue = Dialogue::new(rules(), Some("+447700900123".to_string()), false, "en");
    let r = dialogue.respond(&turn("emergency", &[("urgency", "emergency")]), "my tooth is bleeding badly", NOW, &mut book);
    assert_eq!(r.spoken(), "Can we reach you at +44 7700 900123?");
    let r = dialogue.respond(&turn("yes", &[]), "yes", NOW, &mut book);
    assert!(matches!(r.effects[..], [Effect::AlertOnCall { why: Escalation::Emergency }]));
    assert!(r.spoken().contains("within 30 minutes"));
}

#[test]
fn a_person_request_transfers_when_the_line_can() {
    let mut book = Book::default();
    let mut with_transfer = rules();
    with_transfer.can_transfer = true;
    with_transfer.transfer_to = Some("+447700900999".to_string());
    let mut dialogue = Dialogue::new(with_transfer, None, false, "en");
    let r = dialogue.respond(&turn("person", &[]), "put me through to someone", NOW, &mut book);
    assert!(matches!(&r.effects[..], [Effect::Transfer { why: Escalation::Request, .. }]));
}

#[test]
fn refused_transfer_alerts_with_caller_id() {
    let mut book = Book::default();
    let mut with_transfer = rules();
    with_transfer.can_transfer = true;
    with_transfer.transfer_to = Some("+447700900999".to_string());
    let mut dialogue = Dialogue::new(with_transfer.clone(), Some("+447700900321".to_string()), false, "en");
    let r = dialogue.key('0').unwrap();
    assert!(matches!(&r.effects[..], [Effect::Transfer { why: Escalation::Keypad, .. }]));
    let r = dialogue.transfer_failed();
    assert!(matches!(r.effects[..], [Effect::AlertOnCall { why: Escalation::Keypad }]));
    assert!(r.spoken().contains("within 30 minutes"), "{}", r.spoken());
    assert!(dialogue.intake().callback_promised);
    // Later escalations no longer try to transfer.
    let r = dialogue.respond(&turn("person", &[]), "put me through to someone", NOW, &mut book);
    assert!(!r.effects.iter().any(|e| matches!(e, Effect::Transfer { .. })), "{r:?}");

    // Without a caller ID the box asks for a number before alerting.
    let mut withheld = Dialogue::new(with_transfer, None, false, "fr");
    withheld.key('0').unwrap();
    let r = withheld.transfer_failed();
    assert!(r.effects.is_empty(), "{r:?}");
    assert!(r.spoken().contains("numéro"), "{}", r.spoken());
}

#[test]
fn keypad_zero_escalates_and_typed_digits_give_the_number() {
    let mut book = Book::default();
    let mut dialogue = Dialogue::new(rules(), None, false, "en");
    let r = dialogue.key('0').unwrap();
    assert!(r.spoken().starts_with("What number"), "{}", r.spoken());
    for digit in "0612345678".chars() {
        assert_eq!(dialogue.key(digit), None);
    }
    let r = dialogue.key('#').unwrap();
    assert_eq!(r.spoken(), "Can we reach you at 06 12 34 56 78?");
    let r = dialogue.respond(&turn("yes", &[]), "yes", NOW, &mut book);
    assert!(matches!(r.effects[..], [Effect::AlertOnCall { why: Escalation::Keypad }]));
}

#[test]
fn invented_answers_are_not_spoken() {
    let mut book = Book::default();
    let mut dialogue = Dialogue::new(rules(), None, false, "en");
    let question = turn("question", &[]);
    let r = dialogue.respond(&question, "how much is a crown", NOW, &mut book);
    assert_eq!(r.say, vec![Part::Model]);
    let declined = dialogue.vet_reply("A crown costs 300 pounds.", &question, "how much is a crown").unwrap();
    assert!(declined.starts_with("I'm sorry, I don't have that information"), "{declined}");
    assert_eq!(dialogue.vet_reply("On Saturday we open at 9 until 12.", &question, "when do you open on saturday"), None);
    let whitening = turn("question", &[("service", "whitening")]);
    assert!(dialogue.vet_reply("Whitening costs 45 pounds.", &whitening, "how much is whitening").is_some(), "a service absent from the facts");
}

#[test]
fn cancelling_needs_the_callers_own_number() {
    let mut book = Book::default();
    book.taken.push(Appointment { id: 1, service: "check-up".to_string(), start: datetime!(2026-12-08 10:00) });
    let mut withheld = Dialogue::new(rules(), None, false, "en");
    let r = withheld.respond(&turn("cancel", &[]), "cancel my appointment", NOW, &mut book);
    assert!(r.spoken().contains("withheld"));
    let mut dialogue = Dialogue::new(rules(), Some("0612345678".to_string()), false, "en");
    let r = dialogue.respond(&turn("cancel", &[]), "cancel my appointment", NOW, &mut book);
    assert_eq!(r.spoken(), "You have a check-up on Tuesday 8 December at 10:00. Shall I cancel it?");
    let r = dialogue.respond(&turn("yes", &[]), "yes", NOW, &mut book);
    assert!(matches!(r.effects[..], [Effect::Cancelled(_)]));
    assert!(book.taken.is_empty());
}

#[test]
fn hours_questions_are_answered_from_the_timetable() {
    // Saturday 5 December 2026, after closing: the model once answered with
    // the time now, which the prompt states.
    let saturday = datetime!(2026-12-05 13:51);
    let mut dialogue = Dialogue::new(rules(), None, false, "en");
    let question = turn("question", &[("day", "saturday"), ("reply", "We open on Saturday at 13:51.")]);
    let r = dialogue.respond(&question, "What time do you open on Saturday?", saturday, &mut Book::default());
    assert_eq!(
        r.spoken(),
        "Today we were open from 09:00 to 12:00. We are closed at the moment. We open again on Saturday 12 December at 09:00."
    );
    let r = dialogue.respond(&turn("question", &[]), "Are you open on Sunday?", saturday, &mut Book::default());
    assert_eq!(r.spoken(), "On Sunday we are closed.");
    let r = dialogue.respond(&turn("question", &[("language", "fr")]), "Vous êtes ouverts quand ?", saturday, &mut Book::default());
    assert_eq!(r.spoken(), "Nous sommes fermés pour le moment. Nous rouvrons le samedi 12 décembre à 09:00.");
    // Other questions still go to the model, whose words are vetted.
    let r = dialogue.respond(&turn("question", &[]), "Is there parking close by?", saturday, &mut Book::default());
    assert!(r.say.contains(&Part::Model), "{:?}", r.say);
}
