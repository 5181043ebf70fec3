//! What the caller's own words show, checked before the model's reading is
//! believed.
//!
//! A small model copies values from the conversation so far (a name from
//! the staff list, the day asked about three turns ago) into a turn that
//! never said them. A detail is kept only when the caller's words carry it,
//! and short answers (yes, no, the second one) are read from the words
//! themselves.

use super::super::desk::fold;
use super::super::understand::{Intent, Understanding};

/// Words meaning yes in the four languages, folded.
const YES: &[&str] = &[
    "yes", "yeah", "yep", "sure", "ok", "okay", "right", "correct", "fine", "perfect", "please", "exactly",
    "oui", "ouais", "d'accord", "daccord", "parfait", "exactement", "volontiers", "tout a fait", "c'est ca", "cest ca",
    "ja", "genau", "richtig", "gerne", "stimmt", "si", "claro", "vale", "correcto", "de acuerdo", "perfecto",
];

/// Words meaning no, folded. They are checked before yes, because of "no, that's not right".
const NO: &[&str] = &[
    "no", "nope", "not", "wrong", "don't", "dont", "non", "pas", "nein", "nicht", "falsch", "incorrecto",
];

/// Words that name a day or a time of day, folded.
const WHEN: &[&str] = &[
    "today", "tomorrow", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "morning",
    "afternoon", "evening", "noon", "week", "aujourd'hui", "aujourdhui", "demain", "lundi", "mardi", "mercredi",
    "jeudi", "vendredi", "samedi", "dimanche", "matin", "apres-midi", "apres midi", "soir", "midi", "semaine",
    "heute", "morgen", "montag", "dienstag", "mittwoch", "donnerstag", "freitag", "samstag", "sonntag", "vormittag",
    "nachmittag", "abend", "woche", "hoy", "manana", "lunes", "martes", "miercoles", "jueves", "viernes", "sabado",
    "domingo", "tarde", "noche", "semana", "january", "february", "april", "june", "july", "august",
    "september", "october", "november", "december", "janvier", "fevrier", "mars", "avril", "mai", "juin", "juillet",
    "aout", "septembre", "octobre", "novembre", "decembre",
];

/// Phrases that name what the caller wants, folded, with the intent they
/// carry. Checked in this order: a caller who wants to "cancel my
/// appointment" is not booking one.
const WANTS: &[(Intent, &[&str])] = &[
    (Intent::Person, &[
        "speak to a person", "speak to someone", "talk to someone", "talk to a person", "real person", "a human",
        "parler a quelqu'un", "parler a une personne", "vraie personne", "mit jemandem sprechen", "mit einem menschen",
        "hablar con alguien", "hablar con una persona",
    ]),
    (Intent::Cancel, &["cancel", "annuler", "annulez", "absagen", "stornieren", "cancelar", "anular"]),
    (Intent::Reschedule, &[
        "move my appointment", "reschedule", "change my appointment", "deplacer mon rendez-vous", "changer mon rendez-vous",
        "decaler mon rendez-vous", "termin verschieben", "verschieben", "cambiar mi cita", "mover mi cita",
    ]),
    (Intent::Message, &[
        "call me back", "call back", "callback", "leave a message", "take a message", "me rappeler", "rappelez-moi",
        "me rappelle", "laisser un message", "zuruckrufen", "ruckruf", "nachricht hinterlassen", "devolver la llamada",
        "me llame", "dejar un mensaje",
    ]),
    (Intent::Book, &[
        "book", "appointment", "rendez-vous", "rendez vous", "reserver", "termin", "cita", "reservar",
    ]),
];

/// Day words, folded, with the English name the grammar uses.
const DAYS: &[(&str, &[&str])] = &[
    ("today", &["today", "aujourd'hui", "aujourdhui", "heute", "hoy"]),
    ("tomorrow", &["tomorrow", "demain", "morgen"]),
    ("monday", &["monday", "lundi", "montag", "lunes"]),
    ("tuesday", &["tuesday", "mardi", "dienstag", "martes"]),
    ("wednesday", &["wednesday", "mercredi", "mittwoch", "miercoles"]),
    ("thursday", &["thursday", "jeudi", "donnerstag", "jueves"]),
    ("friday", &["friday", "vendredi", "freitag", "viernes"]),
    ("saturday", &["saturday", "samedi", "samstag", "sabado"]),
    ("sunday", &["sunday", "dimanche", "sonntag", "domingo"]),
];

/// Parts of the day, folded, with the grammar's name.
const PARTS: &[(&str, &[&str])] = &[
    ("afternoon", &["afternoon", "apres-midi", "apres midi", "nachmittag", "nachmittags", "tarde"]),
    ("morning", &["morning", "matin", "matinee", "vormittag", "vormittags", "morgens"]),
    ("evening", &["evening", "soir", "soiree", "abend", "abends", "noche"]),
];

/// Function words that tell the caller's language, folded.
const LANGUAGES: &[(&str, &[&str])] = &[
    ("fr", &["je", "voudrais", "bonjour", "oui", "non", "c'est", "est", "le", "la", "les", "une", "un", "pour", "combien", "coute", "ou", "se", "trouve", "quelle", "quel", "heure", "prix", "d'un", "d'une", "du", "avez", "pouvez", "puis", "cabinet", "mon", "ma", "au", "revoir", "merci", "vous", "s'il", "plait", "rendez-vous", "aucun", "finalement", "ce", "serait", "mieux", "des", "deux", "premier", "deuxieme"]),
    ("en", &["i", "i'd", "i'm", "the", "my", "is", "to", "please", "yes", "hello", "thanks", "thank", "can", "you", "would", "like", "that's", "it's", "first", "second", "goodbye", "bye"]),
    ("de", &["ich", "der", "die", "das", "und", "ja", "nein", "bitte", "ist", "mochte", "guten", "danke", "einen", "termin", "wiedersehen"]),
    ("es", &["yo", "el", "los", "quiero", "gracias", "hola", "por", "favor", "una", "cita", "adios", "buenos"]),
];

const FIRST: &[&str] = &["first", "premier", "premiere", "erste", "ersten", "primer", "primera", "primero"];
const SECOND: &[&str] = &["second", "deuxieme", "seconde", "zweite", "zweiten", "segundo", "segunda", "other", "autre", "later"];

fn words(text: &str) -> Vec<String> {
    fold(text)
        .split(|c: char| !(c.is_alphanumeric() || c == '\''))
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

fn has_phrase(folded_words: &[String], phrase: &str) -> bool {
    let parts: Vec<&str> = phrase.split([' ', '-']).collect();
    folded_words.windows(parts.len()).any(|window| window.iter().zip(&parts).all(|(w, p)| w == p))
}

fn has_any(folded_words: &[String], list: &[&str]) -> bool {
    list.iter().any(|phrase| has_phrase(folded_words, phrase))
}

/// Returns yes or no when the caller's words state it plainly.
pub fn yes_or_no(heard: &str) -> Option<Intent> {
    let words = words(heard);
    if has_any(&words, NO) {
        Some(Intent::No)
    } else if has_any(&words, YES) {
        Some(Intent::Yes)
    } else {
        None
    }
}

/// Returns the day and time the caller's words name: a weekday or today/tomorrow in
/// English as the grammar spells it, and `HH:MM` ("13h30", "14:30") or a
/// part of the day.
pub fn when(heard: &str) -> (Option<&'static str>, Option<String>) {
    let words = words(heard);
    let day = DAYS.iter().find(|(_, names)| has_any(&words, names)).map(|(day, _)| *day);
    let part = PARTS.iter().find(|(_, names)| has_any(&words, names)).map(|(part, _)| part.to_string());
    (day, clock(heard).or(part))
}

/// Parses a time of day written with digits: "13h30", "9h", "14:30", "at 9".
fn clock(heard: &str) -> Option<String> {
    let bytes: Vec<char> = heard.chars().collect();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i].is_ascii_digit() && (i == 0 || !bytes[i - 1].is_ascii_digit()) {
            let mut j = i;
            while j < bytes.len() && bytes[j].is_ascii_digit() {
                j += 1;
            }
            let hour: String = bytes[i..j].iter().collect();
            if j - i <= 2 && j < bytes.len() && matches!(bytes[j], 'h' | 'H' | ':') {
                let mut k = j + 1;
                while k < bytes.len() && bytes[k].is_ascii_digit() && k - j <= 2 {
                    k += 1;
                }
                let minutes: String = bytes[j + 1..k].iter().collect();
                let hour: u32 = hour.parse().ok()?;
                let minutes: u32 = if minutes.is_empty() { 0 } else { minutes.parse().ok()? };
                if hour < 24 && minutes < 60 {
                    return Some(format!("{hour:02}:{minutes:02}"));
                }
            }
            i = j;
        } else {
            i += 1;
        }
    }
    None
}

/// The language the caller's words are in, when function words tell it
/// clearly (one language scores highest, alone).
pub fn language(heard: &str) -> Option<&'static str> {
    let words = words(heard);
    let mut scores: Vec<(usize, &'static str)> = LANGUAGES
        .iter()
        .map(|(code, list)| (words.iter().filter(|w| list.contains(&w.as_str())).count(), *code))
        .collect();
    scores.sort_by(|a, b| b.0.cmp(&a.0));
    match scores.as_slice() {
        [(best, code), (second, _), ..] if *best > 0 && best > second => Some(code),
        _ => None,
    }
}

/// Words of a question about a price, folded.
const PRICE: &[&str] = &[
    "how much", "cost", "costs", "price", "prices", "fee", "charge", "combien", "coute", "coutent", "prix", "tarif",
    "tarifs", "kostet", "kosten", "preis", "cuanto", "cuesta", "precio",
];

/// Tells whether the caller asks what something costs.
pub fn asks_price(heard: &str) -> bool {
    has_any(&words(heard), PRICE)
}

/// Words that ask when the business is open, folded. "Close" alone is too
/// loose ("is there parking close by?"), so it counts only with a word
/// asking when.
const HOURS: &[&str] = &[
    "open", "opens", "opening", "closed", "closing", "hours", "ouvert", "ouverts", "ouverte", "ouvrez", "ouvre",
    "ouvrent", "ouverture", "ferme", "fermez", "fermes", "fermeture", "horaire", "horaires", "offen", "geoffnet",
    "offnen", "offnet", "offnungszeiten", "geschlossen", "abierto", "abiertos", "abren", "abre", "cerrado",
    "cierran", "horario", "horarios", "aperto", "aperti", "apre", "aprite", "orari", "orario", "chiuso",
];

const CLOSE: &[&str] = &["close", "closes", "schliessen", "schließen", "schliesst", "schließt", "cierra"];

const ASKING_WHEN: &[&str] = &[
    "when", "time", "what time", "quand", "heure", "wann", "uhr", "cuando", "hora", "quando", "ora",
];

/// Tells whether the caller asks when the business is open or closed.
pub fn asks_hours(heard: &str) -> bool {
    let words = words(heard);
    has_any(&words, HOURS) || (has_any(&words, CLOSE) && has_any(&words, ASKING_WHEN))
}

/// Words too common to name a topic, in any of the four languages.
const COMMON: &[&str] = &[
    "you", "your", "can", "the", "and", "for", "our", "are", "have", "has", "with", "into", "what", "when", "where",
    "how", "much", "does", "yes", "not", "this", "that", "there", "here", "please", "would", "like", "could", "will",
    "about", "from", "they", "them", "its", "it's", "any", "all", "out", "get", "who", "which", "way", "did",
];

/// A word of at least three letters that both the question and the answer
/// use and the facts (folded) never contain, when no other word of the
/// answer comes from the facts: the answer is then about a topic the
/// profile does not cover. "Where are you located?" answered with the
/// street of the facts is anchored, though "located" is not a fact.
pub fn shared_topic_outside(heard: &str, reply: &str, facts: &str) -> Option<String> {
    let asked = words(heard);
    let answered = words(reply);
    let topical = |w: &String| w.chars().count() >= 3 && !COMMON.contains(&w.as_str());
    let anchored = answered
        .iter()
        .filter(|w| topical(w) && w.chars().count() >= 4)
        .any(|w| facts.contains(w.as_str()));
    if anchored {
        return None;
    }
    asked.into_iter().filter(topical).filter(|w| answered.contains(w)).find(|w| !facts.contains(w.as_str()))
}

/// Returns the request the caller's words name plainly, if any.
pub fn wants(heard: &str) -> Option<Intent> {
    let words = words(heard);
    WANTS.iter().find(|(_, phrases)| has_any(&words, phrases)).map(|(intent, _)| *intent)
}

/// Returns which of two offered slots the caller picked: "the first", "la deuxième".
pub fn ordinal(heard: &str) -> Option<usize> {
    let words = words(heard);
    if has_any(&words, SECOND) {
        Some(1)
    } else if has_any(&words, FIRST) {
        Some(0)
    } else {
        None
    }
}

/// Tells whether the caller's words name a day or a time.
pub fn mentions_when(heard: &str) -> bool {
    let words = words(heard);
    has_any(&words, WHEN) || heard.chars().any(|c| c.is_ascii_digit())
}

/// Returns the digits in the caller's words.
pub fn digits(text: &str) -> String {
    text.chars().filter(char::is_ascii_digit).collect()
}

/// Drops the details of a reading that the caller's words do not carry.
pub fn ground(mut u: Understanding, heard: &str) -> Understanding {
    let heard_words = words(heard);
    if let Some(name) = &u.name {
        let name_words = words(name);
        let said = !name_words.is_empty() && name_words.iter().all(|w| heard_words.contains(w));
        if !said {
            u.name = None;
        }
    }
    if let Some(phone) = &u.phone {
        let said = digits(heard);
        let claimed = digits(phone);
        if said.len() < 6 || !(said.contains(&claimed) || claimed.ends_with(&said)) {
            u.phone = None;
        }
    }
    if !mentions_when(heard) {
        u.day = None;
        u.time = None;
    }
    // A day or time the words name plainly wins over the model's reading.
    let (day, time) = when(heard);
    if let Some(day) = day {
        u.day = Some(day.to_string());
    }
    if let Some(time) = time {
        u.time = Some(time);
    }
    if let Some(service) = &u.service {
        let service_words = words(service);
        if !service_words.iter().any(|w| w.len() > 3 && heard_words.iter().any(|h| h.starts_with(w.as_str()) || w.starts_with(h.as_str()) && h.len() > 3)) {
            u.service = None;
        }
    }
    u
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_answers_are_read_from_the_words() {
        let cases = [
            ("Yes, that's right.", Some(Intent::Yes)),
            ("Oui, d'accord.", Some(Intent::Yes)),
            ("No, that's not my number.", Some(Intent::No)),
            ("Non, ce n'est pas ça.", Some(Intent::No)),
            ("Ja, genau.", Some(Intent::Yes)),
            ("Sí, claro.", Some(Intent::Yes)),
            ("Tom Baker.", None),
        ];
        for (heard, expected) in cases {
            assert_eq!(yes_or_no(heard), expected, "{heard}");
        }
    }

    #[test]
    fn plain_requests_name_the_intent() {
        let cases = [
            ("Could someone call me back about my invoice?", Some(Intent::Message)),
            ("Pouvez-vous demander au dentiste de me rappeler ?", Some(Intent::Message)),
            ("I need to cancel my appointment.", Some(Intent::Cancel)),
            ("Je voudrais un rendez-vous mardi.", Some(Intent::Book)),
            ("Can I speak to a real person, please?", Some(Intent::Person)),
            ("What time do you open on Saturday?", None),
        ];
        for (heard, expected) in cases {
            assert_eq!(wants(heard), expected, "{heard}");
        }
    }

    #[test]
    fn days_times_and_languages_come_from_the_words() {
        assert_eq!(when("un contrôle mardi après-midi"), (Some("tuesday"), Some("afternoon".to_string())));
        assert_eq!(when("jeudi à 13h30"), (Some("thursday"), Some("13:30".to_string())));
        assert_eq!(when("tomorrow at 9h"), (Some("tomorrow"), Some("09:00".to_string())));
        assert_eq!(when("as soon as possible"), (None, None));
        assert_eq!(language("Je voudrais un rendez-vous mardi."), Some("fr"));
        assert_eq!(language("I'd like to book a check-up."), Some("en"));
        assert_eq!(language("Ich möchte einen Termin."), Some("de"));
        assert_eq!(language("Oui."), Some("fr"));
        assert_eq!(language("No."), None);
    }

    #[test]
    fn topics_outside_the_facts_are_found() {
        let facts = fold("Opening hours: Saturday 09:00-12:00. A check-up costs 45 pounds. Address: 12 Quay Street");
        let dog = shared_topic_outside("Can I bring my dog into the waiting room?", "Yes, you can bring your dog into the waiting room.", &facts);
        assert_eq!(dog.as_deref(), Some("bring"));
        assert_eq!(shared_topic_outside("What time do you open on Saturday?", "We open on Saturday at 9.", &facts), None);
        assert_eq!(shared_topic_outside("How much does a check-up cost?", "A check-up costs 45 pounds.", &facts), None);
        assert_eq!(shared_topic_outside("Where are you located?", "We are located at 12 Quay Street.", &facts), None);
    }

    #[test]
    fn ordinals_pick_an_offer() {
        assert_eq!(ordinal("The first one please."), Some(0));
        assert_eq!(ordinal("Le deuxième."), Some(1));
        assert_eq!(ordinal("the other one"), Some(1));
        assert_eq!(ordinal("Tuesday"), None);
    }

    #[test]
    fn details_not_in_the_words_are_dropped() {
        let reading = r#"{"intent":"book","name":"Sarah Jones","phone":"0612345678","reason":null,"service":"check-up","day":"tuesday","time":"afternoon","urgency":"normal","angry":false,"language":"en","reply":"Okay."}"#;
        let u = Understanding::parse(reading).unwrap();
        let grounded = ground(u.clone(), "Tom Baker.");
        assert_eq!((grounded.name, grounded.phone, grounded.day, grounded.service), (None, None, None, None));
        let kept = ground(u, "I'm Sarah Jones, a check-up on Tuesday afternoon, my number is 06 12 34 56 78");
        assert_eq!(kept.name.as_deref(), Some("Sarah Jones"));
        assert_eq!(kept.phone.as_deref(), Some("0612345678"));
        assert_eq!(kept.day.as_deref(), Some("tuesday"));
        assert_eq!(kept.service.as_deref(), Some("check-up"));
    }
}
