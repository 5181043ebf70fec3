//! The product's own sentences, in each language the box speaks.
//!
//! Whenever the product, not the model, decides what happens (an offer of
//! slots, a read-back, a booking made, a promise of a callback), it says so
//! in these words, so a small model can never misstate a slot or a promise.
//! Numbers, dates and times stay in digits here; speech synthesis turns them
//! into words for the caller's language.

use time::{PrimitiveDateTime, Weekday};

/// A language the product has sentences for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tongue {
    En,
    Fr,
    De,
    Es,
}

impl Tongue {
    /// The tongue for an ISO 639-1 code; languages without sentences of
    /// their own get English.
    pub fn from_code(code: &str) -> Tongue {
        match code {
            "fr" => Tongue::Fr,
            "de" => Tongue::De,
            "es" => Tongue::Es,
            _ => Tongue::En,
        }
    }

    /// Returns the tongue of a profile language. Italian has no sentences of its own.
    pub fn of(language: standardiste_profile::Language) -> Tongue {
        Tongue::from_code(language.code())
    }

    pub fn code(self) -> &'static str {
        match self {
            Tongue::En => "en",
            Tongue::Fr => "fr",
            Tongue::De => "de",
            Tongue::Es => "es",
        }
    }
}

/// Picks the sentence for `tongue` from the four translations.
fn pick(tongue: Tongue, en: String, fr: String, de: String, es: String) -> String {
    match tongue {
        Tongue::En => en,
        Tongue::Fr => fr,
        Tongue::De => de,
        Tongue::Es => es,
    }
}

macro_rules! say {
    ($tongue:expr, en: $en:expr, fr: $fr:expr, de: $de:expr, es: $es:expr $(,)?) => {
        pick($tongue, format!($en), format!($fr), format!($de), format!($es))
    };
}

fn weekday(tongue: Tongue, day: Weekday) -> &'static str {
    let index = day.number_days_from_monday() as usize;
    let names: [&str; 7] = match tongue {
        Tongue::En => ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"],
        Tongue::Fr => ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"],
        Tongue::De => ["Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag"],
        Tongue::Es => ["lunes", "martes", "miércoles", "jueves", "viernes", "sábado", "domingo"],
    };
    names[index]
}

fn month(tongue: Tongue, month: time::Month) -> &'static str {
    let index = u8::from(month) as usize - 1;
    let names: [&str; 12] = match tongue {
        Tongue::En => [
            "January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
            "November", "December",
        ],
        Tongue::Fr => [
            "janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
            "novembre", "décembre",
        ],
        Tongue::De => [
            "Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober",
            "November", "Dezember",
        ],
        Tongue::Es => [
            "enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre",
            "noviembre", "diciembre",
        ],
    };
    names[index]
}

/// A slot as it is read back: "Tuesday 9 December at 14:30".
pub fn when(tongue: Tongue, at: PrimitiveDateTime) -> String {
    let day = weekday(tongue, at.weekday());
    let date = at.day();
    let name = month(tongue, at.month());
    let clock = format!("{:02}:{:02}", at.hour(), at.minute());
    say!(tongue,
        en: "{day} {date} {name} at {clock}",
        fr: "{day} {date} {name} à {clock}",
        de: "{day}, {date}. {name} um {clock}",
        es: "el {day} {date} de {name} a las {clock}",
    )
}

/// A phone number read back in groups: pairs for a ten-digit French
/// number, groups of three or four otherwise. Speech synthesis reads each
/// group in the caller's language.
pub fn grouped_number(number: &str) -> String {
    let plus = number.starts_with('+');
    let digits: Vec<char> = number.chars().filter(char::is_ascii_digit).collect();
    let country = |code: &str, len: usize| plus && digits.len() == len && digits.iter().collect::<String>().starts_with(code);
    let sizes: Vec<usize> = if !plus && digits.len() == 10 && digits[0] == '0' {
        vec![2; 5]
    } else if !plus && digits.len() == 11 && digits[0] == '0' {
        // A British number: area or mobile prefix, then the rest.
        vec![5, 6]
    } else if country("33", 11) {
        // +33 6 12 34 56 78
        vec![2, 1, 2, 2, 2, 2]
    } else if country("44", 12) {
        // +44 7700 900321
        vec![2, 4, 6]
    } else {
        let mut sizes = vec![3; digits.len() / 3];
        match digits.len() % 3 {
            0 => {}
            1 if !sizes.is_empty() => {
                let last = sizes.len() - 1;
                sizes[last] = 4;
            }
            rest => sizes.push(rest),
        }
        sizes
    };
    let mut groups = Vec::new();
    let mut at = 0;
    for size in sizes {
        let end = (at + size).min(digits.len());
        groups.push(digits[at..end].iter().collect::<String>());
        at = end;
    }
    let text = groups.join(" ");
    if plus {
        format!("+{text}")
    } else {
        text
    }
}

pub fn which_service(tongue: Tongue, names: &str) -> String {
    say!(tongue,
        en: "What kind of appointment would you like: {names}?",
        fr: "Quel type de rendez-vous souhaitez-vous : {names} ?",
        de: "Welche Art von Termin möchten Sie: {names}?",
        es: "¿Qué tipo de cita desea: {names}?",
    )
}

pub fn offer(tongue: Tongue, first: &str, second: Option<&str>) -> String {
    match second {
        Some(second) => say!(tongue,
            en: "The nearest free times are {first}, or {second}. Which would suit you?",
            fr: "Les prochains créneaux libres sont {first}, ou {second}. Lequel vous convient ?",
            de: "Die nächsten freien Termine sind {first} oder {second}. Was passt Ihnen?",
            es: "Los próximos huecos libres son {first}, o {second}. ¿Cuál le viene mejor?",
        ),
        None => say!(tongue,
            en: "The nearest free time is {first}. Would that suit you?",
            fr: "Le prochain créneau libre est {first}. Cela vous convient-il ?",
            de: "Der nächste freie Termin ist {first}. Passt Ihnen das?",
            es: "El próximo hueco libre es {first}. ¿Le viene bien?",
        ),
    }
}

pub fn no_slots(tongue: Tongue) -> String {
    say!(tongue,
        en: "I'm sorry, I have no free time in the coming weeks. I can take a message so that we call you back.",
        fr: "Je suis désolée, je n'ai aucun créneau libre dans les semaines à venir. Je peux prendre un message pour qu'on vous rappelle.",
        de: "Es tut mir leid, in den nächsten Wochen ist kein Termin frei. Ich kann eine Nachricht für einen Rückruf aufnehmen.",
        es: "Lo siento, no tengo huecos libres en las próximas semanas. Puedo tomar un mensaje para que le devolvamos la llamada.",
    )
}

pub fn confirm_slot(tongue: Tongue, service: &str, at: &str) -> String {
    say!(tongue,
        en: "So that's a {service} on {at}. Shall I book it?",
        fr: "Donc un rendez-vous {service} le {at}. Je le réserve ?",
        de: "Also ein Termin {service} am {at}. Soll ich ihn buchen?",
        es: "Entonces una cita de {service} {at}. ¿La reservo?",
    )
}

pub fn ask_name(tongue: Tongue) -> String {
    say!(tongue,
        en: "May I have your name, please?",
        fr: "Puis-je avoir votre nom, s'il vous plaît ?",
        de: "Darf ich Ihren Namen haben?",
        es: "¿Me dice su nombre, por favor?",
    )
}

pub fn confirm_number(tongue: Tongue, grouped: &str) -> String {
    say!(tongue,
        en: "Can we reach you at {grouped}?",
        fr: "Pouvons-nous vous joindre au {grouped} ?",
        de: "Erreichen wir Sie unter {grouped}?",
        es: "¿Podemos llamarle al {grouped}?",
    )
}

pub fn ask_number(tongue: Tongue) -> String {
    say!(tongue,
        en: "What number should we call you back on? You can also type it on your keypad, then press the hash key.",
        fr: "À quel numéro pouvons-nous vous rappeler ? Vous pouvez aussi le taper sur le clavier, puis appuyer sur dièse.",
        de: "Unter welcher Nummer können wir Sie zurückrufen? Sie können sie auch eintippen und dann die Rautetaste drücken.",
        es: "¿A qué número le devolvemos la llamada? También puede marcarlo en el teclado y pulsar almohadilla.",
    )
}

pub fn ask_reason(tongue: Tongue) -> String {
    say!(tongue,
        en: "What is it about?",
        fr: "C'est à quel sujet ?",
        de: "Worum geht es?",
        es: "¿De qué se trata?",
    )
}

pub fn booked(tongue: Tongue, service: &str, at: &str) -> String {
    say!(tongue,
        en: "Your {service} is booked for {at}.",
        fr: "Votre rendez-vous {service} est réservé pour le {at}.",
        de: "Ihr Termin {service} ist für {at} gebucht.",
        es: "Su cita de {service} queda reservada para {at}.",
    )
}

pub fn slot_taken(tongue: Tongue) -> String {
    say!(tongue,
        en: "I'm sorry, that time has just been taken.",
        fr: "Je suis désolée, ce créneau vient d'être pris.",
        de: "Es tut mir leid, dieser Termin wurde gerade vergeben.",
        es: "Lo siento, ese hueco se acaba de ocupar.",
    )
}

pub fn no_booking_found(tongue: Tongue) -> String {
    say!(tongue,
        en: "I can't find an upcoming appointment made from this phone number. I can take a message for the team.",
        fr: "Je ne trouve pas de rendez-vous à venir pris depuis ce numéro. Je peux prendre un message pour l'équipe.",
        de: "Ich finde keinen kommenden Termin für diese Telefonnummer. Ich kann eine Nachricht für das Team aufnehmen.",
        es: "No encuentro ninguna cita próxima hecha desde este número. Puedo tomar un mensaje para el equipo.",
    )
}

pub fn number_withheld(tongue: Tongue) -> String {
    say!(tongue,
        en: "Your number is withheld, so I can't look up your appointment. I can take a message and the team will call you back.",
        fr: "Votre numéro est masqué, je ne peux donc pas retrouver votre rendez-vous. Je peux prendre un message et l'équipe vous rappellera.",
        de: "Ihre Nummer ist unterdrückt, daher kann ich Ihren Termin nicht finden. Ich kann eine Nachricht aufnehmen, und das Team ruft Sie zurück.",
        es: "Su número está oculto, así que no puedo buscar su cita. Puedo tomar un mensaje y el equipo le llamará.",
    )
}

pub fn confirm_cancel(tongue: Tongue, service: &str, at: &str) -> String {
    say!(tongue,
        en: "You have a {service} on {at}. Shall I cancel it?",
        fr: "Vous avez un rendez-vous {service} le {at}. Je l'annule ?",
        de: "Sie haben einen Termin {service} am {at}. Soll ich ihn absagen?",
        es: "Tiene una cita de {service} {at}. ¿La cancelo?",
    )
}

pub fn cancelled(tongue: Tongue, at: &str) -> String {
    say!(tongue,
        en: "Your appointment on {at} is cancelled.",
        fr: "Votre rendez-vous du {at} est annulé.",
        de: "Ihr Termin am {at} ist abgesagt.",
        es: "Su cita {at} queda cancelada.",
    )
}

pub fn kept(tongue: Tongue) -> String {
    say!(tongue,
        en: "All right, I've left it as it was. Is there anything else?",
        fr: "D'accord, je n'ai rien changé. Puis-je faire autre chose pour vous ?",
        de: "In Ordnung, ich habe nichts geändert. Kann ich sonst noch etwas tun?",
        es: "De acuerdo, no he cambiado nada. ¿Algo más?",
    )
}

pub fn message_taken(tongue: Tongue) -> String {
    say!(tongue,
        en: "Thank you, I've passed on your message and the team will call you back.",
        fr: "Merci, j'ai transmis votre message et l'équipe vous rappellera.",
        de: "Danke, ich habe Ihre Nachricht weitergegeben, und das Team ruft Sie zurück.",
        es: "Gracias, he pasado su mensaje y el equipo le llamará.",
    )
}

pub fn transferring(tongue: Tongue) -> String {
    say!(tongue,
        en: "I'm putting you through to a colleague now, please hold.",
        fr: "Je vous passe un collègue, ne quittez pas.",
        de: "Ich verbinde Sie mit einem Kollegen, bitte bleiben Sie dran.",
        es: "Le paso con un compañero, no cuelgue.",
    )
}

pub fn callback_promise(tongue: Tongue, minutes: u32) -> String {
    say!(tongue,
        en: "I've alerted the person on call: they will call you back within {minutes} minutes.",
        fr: "J'ai prévenu la personne de garde : elle vous rappellera dans les {minutes} minutes.",
        de: "Ich habe die diensthabende Person benachrichtigt: Sie ruft Sie innerhalb von {minutes} Minuten zurück.",
        es: "He avisado a la persona de guardia: le llamará en menos de {minutes} minutos.",
    )
}

/// Returns a weekday as the box speaks it. With `with_date`, the day of the
/// month and the month follow ("Thursday 24 December"), for a day whose
/// hours differ from the usual week.
pub fn day(tongue: Tongue, date: time::Date, with_date: bool) -> String {
    let name = weekday(tongue, date.weekday());
    if !with_date {
        return name.to_string();
    }
    let number = date.day();
    let month = month(tongue, date.month());
    say!(tongue,
        en: "{name} {number} {month}",
        fr: "{name} {number} {month}",
        de: "{name}, {number}. {month}",
        es: "{name} {number} de {month}",
    )
}

/// Returns opening periods as spoken: "from 08:30 to 12:30 and from 13:30 to 18:00".
pub fn periods(tongue: Tongue, periods: &[(u16, u16)]) -> String {
    let clock = |minutes: u16| format!("{:02}:{:02}", minutes / 60, minutes % 60);
    let spoken: Vec<String> = periods
        .iter()
        .map(|&(open, close)| {
            let (open, close) = (clock(open), clock(close));
            say!(tongue,
                en: "from {open} to {close}",
                fr: "de {open} à {close}",
                de: "von {open} bis {close}",
                es: "de {open} a {close}",
            )
        })
        .collect();
    let and = say!(tongue, en: " and ", fr: " et ", de: " und ", es: " y ");
    spoken.join(&and)
}

pub fn open_on(tongue: Tongue, day: &str, periods: &str) -> String {
    say!(tongue,
        en: "On {day} we are open {periods}.",
        fr: "Le {day}, nous sommes ouverts {periods}.",
        de: "Am {day} haben wir {periods} geöffnet.",
        es: "El {day} abrimos {periods}.",
    )
}

pub fn closed_on(tongue: Tongue, day: &str) -> String {
    say!(tongue,
        en: "On {day} we are closed.",
        fr: "Le {day}, nous sommes fermés.",
        de: "Am {day} haben wir geschlossen.",
        es: "El {day} está cerrado.",
    )
}

pub fn open_today(tongue: Tongue, periods: &str) -> String {
    say!(tongue,
        en: "Today we are open {periods}.",
        fr: "Aujourd'hui, nous sommes ouverts {periods}.",
        de: "Heute haben wir {periods} geöffnet.",
        es: "Hoy abrimos {periods}.",
    )
}

pub fn was_open_today(tongue: Tongue, periods: &str) -> String {
    say!(tongue,
        en: "Today we were open {periods}.",
        fr: "Aujourd'hui, nous étions ouverts {periods}.",
        de: "Heute hatten wir {periods} geöffnet.",
        es: "Hoy hemos abierto {periods}.",
    )
}

/// Closed for the rest of today; `at` is the next opening as [`when`] formats it.
pub fn closed_until(tongue: Tongue, at: &str) -> String {
    say!(tongue,
        en: "We are closed at the moment. We open again on {at}.",
        fr: "Nous sommes fermés pour le moment. Nous rouvrons le {at}.",
        de: "Wir haben gerade geschlossen und öffnen wieder am {at}.",
        es: "Ahora está cerrado. Volvemos a abrir {at}.",
    )
}

pub fn not_known(tongue: Tongue) -> String {
    say!(tongue,
        en: "I'm sorry, I don't have that information. I can take a message so that someone calls you back.",
        fr: "Je suis désolée, je n'ai pas cette information. Je peux prendre un message pour qu'on vous rappelle.",
        de: "Es tut mir leid, diese Information habe ich nicht. Ich kann eine Nachricht für einen Rückruf aufnehmen.",
        es: "Lo siento, no tengo esa información. Puedo tomar un mensaje para que le llamen.",
    )
}

pub fn still_there(tongue: Tongue) -> String {
    say!(tongue,
        en: "Are you still there?",
        fr: "Êtes-vous toujours là ?",
        de: "Sind Sie noch da?",
        es: "¿Sigue ahí?",
    )
}

pub fn pardon(tongue: Tongue) -> String {
    say!(tongue,
        en: "Sorry, could you say that again?",
        fr: "Pardon, pouvez-vous répéter ?",
        de: "Entschuldigung, können Sie das wiederholen?",
        es: "Perdone, ¿puede repetirlo?",
    )
}

pub fn anything_else(tongue: Tongue) -> String {
    say!(tongue,
        en: "Is there anything else I can do for you?",
        fr: "Puis-je faire autre chose pour vous ?",
        de: "Kann ich sonst noch etwas für Sie tun?",
        es: "¿Puedo ayudarle en algo más?",
    )
}

pub fn recap_booking(tongue: Tongue, at: &str) -> String {
    say!(tongue,
        en: "To sum up: we'll see you on {at}.",
        fr: "Pour résumer : nous vous attendons le {at}.",
        de: "Zusammengefasst: Wir sehen Sie am {at}.",
        es: "En resumen: le esperamos {at}.",
    )
}

pub fn recap_callback(tongue: Tongue, grouped: &str) -> String {
    say!(tongue,
        en: "To sum up: the team will call you back on {grouped}.",
        fr: "Pour résumer : l'équipe vous rappellera au {grouped}.",
        de: "Zusammengefasst: Das Team ruft Sie unter {grouped} zurück.",
        es: "En resumen: el equipo le llamará al {grouped}.",
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn a_slot_reads_back_with_day_date_and_time() {
        let at = datetime!(2026-12-08 14:30);
        assert_eq!(when(Tongue::En, at), "Tuesday 8 December at 14:30");
        assert_eq!(when(Tongue::Fr, at), "mardi 8 décembre à 14:30");
        assert_eq!(when(Tongue::De, at), "Dienstag, 8. Dezember um 14:30");
        assert_eq!(when(Tongue::Es, at), "el martes 8 de diciembre a las 14:30");
    }

    #[test]
    fn numbers_are_grouped_for_reading_back() {
        assert_eq!(grouped_number("0612345678"), "06 12 34 56 78");
        assert_eq!(grouped_number("+447700900123"), "+44 7700 900123");
        assert_eq!(grouped_number("+33 6 12 34 56 78"), "+33 6 12 34 56 78");
        assert_eq!(grouped_number("+4930123456"), "+493 012 3456");
        assert_eq!(grouped_number("02392001234"), "02392 001234");
        assert_eq!(grouped_number("07700900461"), "07700 900461");
        assert_eq!(grouped_number("2025550123"), "202 555 0123");
        assert_eq!(grouped_number("12345"), "123 45");
        assert_eq!(grouped_number(""), "");
    }
}
