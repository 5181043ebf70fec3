//! The words of the recap texts in English, French, German and Spanish, and
//! the dates and times written the way each language writes them.

use time::{Month, PrimitiveDateTime, Weekday};

use crate::model::{BookingAction, Outcome, Speaker, Urgency};

/// Language of a recap text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Lang {
    En,
    Fr,
    De,
    Es,
}

impl Lang {
    /// Reads a language code such as `fr` or `fr-BE`, case-insensitive.
    /// Any other code gives English.
    pub(crate) fn from_code(code: &str) -> Lang {
        match primary_code(code).as_str() {
            "fr" => Lang::Fr,
            "de" => Lang::De,
            "es" => Lang::Es,
            _ => Lang::En,
        }
    }

    /// Returns the ISO 639-1 code.
    pub(crate) fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Fr => "fr",
            Lang::De => "de",
            Lang::Es => "es",
        }
    }

    /// Returns the fixed words of this language.
    pub(crate) fn words(self) -> &'static Words {
        match self {
            Lang::En => &EN,
            Lang::Fr => &FR,
            Lang::De => &DE,
            Lang::Es => &ES,
        }
    }

    /// Returns the separator between a label and its value: French puts a
    /// space before the colon.
    pub(crate) fn colon(self) -> &'static str {
        match self {
            Lang::Fr => " : ",
            _ => ": ",
        }
    }
}

/// The fixed words and phrases of one language. Phrases that take a value
/// are functions of this module.
pub(crate) struct Words {
    /// Prefix of a recap about an emergency.
    pub emergency_tag: &'static str,
    /// Prefix of a recap about a high-urgency call.
    pub urgent_tag: &'static str,
    /// Prefix of the alert sent during a call.
    pub alert_tag: &'static str,
    /// Urgency values, in the order low, normal, high, emergency.
    pub urgency_values: [&'static str; 4],
    pub urgency: &'static str,
    pub urgency_missing: &'static str,
    pub reason: &'static str,
    /// Reason label of the SMS, where German prefers another word.
    pub sms_reason: &'static str,
    pub reason_missing: &'static str,
    /// Booking actions in the SMS, in the order booked, cancelled, moved.
    pub sms_booking: [&'static str; 3],
    /// Booking actions in the email, in the order booked, cancelled, moved.
    pub booking_actions: [&'static str; 3],
    pub transferred_to: &'static str,
    pub call_back_soon: &'static str,
    pub recap_title: &'static str,
    pub section_call: &'static str,
    pub started: &'static str,
    pub duration: &'static str,
    pub line: &'static str,
    pub outcome: &'static str,
    /// Outcome values, in the order of [`Outcome`].
    pub outcomes: [&'static str; 6],
    pub section_caller: &'static str,
    pub name: &'static str,
    pub callback_number: &'static str,
    pub confirmed: &'static str,
    pub not_confirmed: &'static str,
    pub caller_id: &'static str,
    pub caller_id_missing: &'static str,
    pub language: &'static str,
    pub unknown: &'static str,
    pub not_given: &'static str,
    pub section_request: &'static str,
    pub message_taken: &'static str,
    pub yes: &'static str,
    pub no: &'static str,
    pub section_booking: &'static str,
    pub no_booking_change: &'static str,
    pub section_escalation: &'static str,
    pub escalation_reason: &'static str,
    pub callback_promised: &'static str,
    pub none: &'static str,
    pub section_transcript: &'static str,
    /// Speaker labels, in the order caller, receptionist.
    pub speakers: [&'static str; 2],
    pub no_transcript: &'static str,
    pub transcript_link: &'static str,
    pub no_link: &'static str,
    /// Names of English, French, German, Spanish, Italian and Portuguese.
    pub language_names: [&'static str; 6],
    /// Weekdays from Monday, in full.
    pub weekdays: [&'static str; 7],
    /// Weekdays from Monday, abbreviated.
    pub weekdays_short: [&'static str; 7],
    /// Months from January, in full.
    pub months: [&'static str; 12],
    /// Months from January, abbreviated.
    pub months_short: [&'static str; 12],
}

static EN: Words = Words {
    emergency_tag: "EMERGENCY",
    urgent_tag: "URGENT",
    alert_tag: "URGENT CALLBACK",
    urgency_values: ["low", "normal", "high", "emergency"],
    urgency: "Urgency",
    urgency_missing: "not assessed",
    reason: "Reason",
    sms_reason: "Reason",
    reason_missing: "Reason not given",
    sms_booking: ["Booked", "Cancelled", "Moved"],
    booking_actions: ["Booked", "Cancelled", "Moved"],
    transferred_to: "Transferred to",
    call_back_soon: "Call back as soon as possible.",
    recap_title: "Call recap",
    section_call: "Call",
    started: "Started",
    duration: "Duration",
    line: "Line",
    outcome: "Outcome",
    outcomes: [
        "completed",
        "caller hung up",
        "caller stayed silent",
        "time limit reached",
        "interrupted",
        "stopped on an error",
    ],
    section_caller: "Caller",
    name: "Name",
    callback_number: "Callback number",
    confirmed: "confirmed",
    not_confirmed: "not confirmed",
    caller_id: "Caller ID",
    caller_id_missing: "withheld",
    language: "Language",
    unknown: "unknown",
    not_given: "not given",
    section_request: "Request",
    message_taken: "Message taken",
    yes: "yes",
    no: "no",
    section_booking: "Appointment",
    no_booking_change: "no change",
    section_escalation: "Escalation",
    escalation_reason: "Reason",
    callback_promised: "Callback promised",
    none: "none",
    section_transcript: "Transcript",
    speakers: ["Caller", "Receptionist"],
    no_transcript: "no transcript",
    transcript_link: "Full transcript",
    no_link: "no link",
    language_names: [
        "English",
        "French",
        "German",
        "Spanish",
        "Italian",
        "Portuguese",
    ],
    weekdays: [
        "Monday",
        "Tuesday",
        "Wednesday",
        "Thursday",
        "Friday",
        "Saturday",
        "Sunday",
    ],
    weekdays_short: ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"],
    months: [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ],
    months_short: [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ],
};

static FR: Words = Words {
    emergency_tag: "URGENCE",
    urgent_tag: "URGENT",
    alert_tag: "RAPPEL URGENT",
    urgency_values: ["basse", "normale", "haute", "urgence"],
    urgency: "Priorité",
    urgency_missing: "non évaluée",
    reason: "Motif",
    sms_reason: "Motif",
    reason_missing: "Motif non donné",
    sms_booking: ["RDV pris", "RDV annulé", "RDV déplacé"],
    booking_actions: ["Pris", "Annulé", "Déplacé"],
    transferred_to: "Transféré au",
    call_back_soon: "Rappeler dès que possible.",
    recap_title: "Récapitulatif d'appel",
    section_call: "Appel",
    started: "Début",
    duration: "Durée",
    line: "Ligne",
    outcome: "Issue",
    outcomes: [
        "terminé normalement",
        "l'appelant a raccroché",
        "l'appelant est resté silencieux",
        "durée maximale atteinte",
        "interrompu",
        "arrêté sur une erreur",
    ],
    section_caller: "Appelant",
    name: "Nom",
    callback_number: "Numéro de rappel",
    confirmed: "confirmé",
    not_confirmed: "non confirmé",
    caller_id: "Numéro présenté",
    caller_id_missing: "masqué",
    language: "Langue",
    unknown: "inconnue",
    not_given: "non donné",
    section_request: "Demande",
    message_taken: "Message pris",
    yes: "oui",
    no: "non",
    section_booking: "Rendez-vous",
    no_booking_change: "aucun changement",
    section_escalation: "Escalade",
    escalation_reason: "Raison",
    callback_promised: "Rappel promis",
    none: "aucune",
    section_transcript: "Transcription",
    speakers: ["Appelant", "Standardiste"],
    no_transcript: "pas de transcription",
    transcript_link: "Transcription complète",
    no_link: "pas de lien",
    language_names: [
        "anglais",
        "français",
        "allemand",
        "espagnol",
        "italien",
        "portugais",
    ],
    weekdays: [
        "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche",
    ],
    weekdays_short: ["lun.", "mar.", "mer.", "jeu.", "ven.", "sam.", "dim."],
    months: [
        "janvier",
        "février",
        "mars",
        "avril",
        "mai",
        "juin",
        "juillet",
        "août",
        "septembre",
        "octobre",
        "novembre",
        "décembre",
    ],
    months_short: [
        "janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.",
        "déc.",
    ],
};

static DE: Words = Words {
    emergency_tag: "NOTFALL",
    urgent_tag: "DRINGEND",
    alert_tag: "DRINGENDER RÜCKRUF",
    urgency_values: ["niedrig", "normal", "hoch", "Notfall"],
    urgency: "Dringlichkeit",
    urgency_missing: "nicht eingeschätzt",
    reason: "Grund",
    sms_reason: "Anliegen",
    reason_missing: "Anliegen nicht genannt",
    sms_booking: ["Termin gebucht", "Termin abgesagt", "Termin verschoben"],
    booking_actions: ["Gebucht", "Abgesagt", "Verschoben"],
    transferred_to: "Weitergeleitet an",
    call_back_soon: "Bitte schnellstmöglich zurückrufen.",
    recap_title: "Anrufprotokoll",
    section_call: "Anruf",
    started: "Beginn",
    duration: "Dauer",
    line: "Leitung",
    outcome: "Ergebnis",
    outcomes: [
        "abgeschlossen",
        "Anrufer hat aufgelegt",
        "Anrufer blieb stumm",
        "Zeitlimit erreicht",
        "unterbrochen",
        "mit einem Fehler abgebrochen",
    ],
    section_caller: "Anrufer",
    name: "Name",
    callback_number: "Rückrufnummer",
    confirmed: "bestätigt",
    not_confirmed: "nicht bestätigt",
    caller_id: "Angezeigte Nummer",
    caller_id_missing: "unterdrückt",
    language: "Sprache",
    unknown: "unbekannt",
    not_given: "nicht genannt",
    section_request: "Anliegen",
    message_taken: "Nachricht aufgenommen",
    yes: "ja",
    no: "nein",
    section_booking: "Termin",
    no_booking_change: "keine Änderung",
    section_escalation: "Eskalation",
    escalation_reason: "Grund",
    callback_promised: "Rückruf zugesagt",
    none: "keine",
    section_transcript: "Gesprächsverlauf",
    speakers: ["Anrufer", "Empfang"],
    no_transcript: "kein Gesprächsverlauf",
    transcript_link: "Vollständiger Verlauf",
    no_link: "kein Link",
    language_names: [
        "Englisch",
        "Französisch",
        "Deutsch",
        "Spanisch",
        "Italienisch",
        "Portugiesisch",
    ],
    weekdays: [
        "Montag",
        "Dienstag",
        "Mittwoch",
        "Donnerstag",
        "Freitag",
        "Samstag",
        "Sonntag",
    ],
    weekdays_short: ["Mo.", "Di.", "Mi.", "Do.", "Fr.", "Sa.", "So."],
    months: [
        "Januar",
        "Februar",
        "März",
        "April",
        "Mai",
        "Juni",
        "Juli",
        "August",
        "September",
        "Oktober",
        "November",
        "Dezember",
    ],
    months_short: [
        "Jan.", "Feb.", "März", "Apr.", "Mai", "Juni", "Juli", "Aug.", "Sep.", "Okt.", "Nov.",
        "Dez.",
    ],
};

static ES: Words = Words {
    emergency_tag: "EMERGENCIA",
    urgent_tag: "URGENTE",
    alert_tag: "DEVOLVER LLAMADA URGENTE",
    urgency_values: ["baja", "normal", "alta", "emergencia"],
    urgency: "Urgencia",
    urgency_missing: "no evaluada",
    reason: "Motivo",
    sms_reason: "Motivo",
    reason_missing: "Motivo no indicado",
    sms_booking: ["Cita reservada", "Cita cancelada", "Cita cambiada"],
    booking_actions: ["Reservada", "Cancelada", "Cambiada"],
    transferred_to: "Transferida al",
    call_back_soon: "Devolver la llamada lo antes posible.",
    recap_title: "Resumen de llamada",
    section_call: "Llamada",
    started: "Inicio",
    duration: "Duración",
    line: "Línea",
    outcome: "Resultado",
    outcomes: [
        "completada",
        "el llamante colgó",
        "el llamante no habló",
        "límite de tiempo alcanzado",
        "interrumpida",
        "detenida por un error",
    ],
    section_caller: "Llamante",
    name: "Nombre",
    callback_number: "Número de contacto",
    confirmed: "confirmado",
    not_confirmed: "sin confirmar",
    caller_id: "Número entrante",
    caller_id_missing: "oculto",
    language: "Idioma",
    unknown: "desconocido",
    not_given: "no indicado",
    section_request: "Solicitud",
    message_taken: "Mensaje tomado",
    yes: "sí",
    no: "no",
    section_booking: "Cita",
    no_booking_change: "sin cambios",
    section_escalation: "Escalado",
    escalation_reason: "Motivo",
    callback_promised: "Devolución prometida",
    none: "ninguno",
    section_transcript: "Transcripción",
    speakers: ["Llamante", "Recepción"],
    no_transcript: "sin transcripción",
    transcript_link: "Transcripción completa",
    no_link: "sin enlace",
    language_names: [
        "inglés",
        "francés",
        "alemán",
        "español",
        "italiano",
        "portugués",
    ],
    weekdays: [
        "lunes",
        "martes",
        "miércoles",
        "jueves",
        "viernes",
        "sábado",
        "domingo",
    ],
    weekdays_short: ["lun.", "mar.", "mié.", "jue.", "vie.", "sáb.", "dom."],
    months: [
        "enero",
        "febrero",
        "marzo",
        "abril",
        "mayo",
        "junio",
        "julio",
        "agosto",
        "septiembre",
        "octubre",
        "noviembre",
        "diciembre",
    ],
    months_short: [
        "ene.", "feb.", "mar.", "abr.", "may.", "jun.", "jul.", "ago.", "sept.", "oct.", "nov.",
        "dic.",
    ],
};

impl Words {
    pub(crate) fn urgency_value(&self, urgency: Urgency) -> &'static str {
        let index = match urgency {
            Urgency::Low => 0,
            Urgency::Normal => 1,
            Urgency::High => 2,
            Urgency::Emergency => 3,
        };
        self.urgency_values[index]
    }

    /// Returns the prefix that flags a high or emergency call, or `None`.
    pub(crate) fn urgency_tag(&self, urgency: Option<Urgency>) -> Option<&'static str> {
        match urgency {
            Some(Urgency::Emergency) => Some(self.emergency_tag),
            Some(Urgency::High) => Some(self.urgent_tag),
            _ => None,
        }
    }

    pub(crate) fn outcome_value(&self, outcome: Outcome) -> &'static str {
        let index = match outcome {
            Outcome::Completed => 0,
            Outcome::CallerHungUp => 1,
            Outcome::Silence => 2,
            Outcome::TimeLimit => 3,
            Outcome::Interrupted => 4,
            Outcome::Failed => 5,
        };
        self.outcomes[index]
    }

    pub(crate) fn speaker(&self, speaker: Speaker) -> &'static str {
        match speaker {
            Speaker::Caller => self.speakers[0],
            Speaker::Receptionist => self.speakers[1],
        }
    }

    pub(crate) fn sms_booking_action(&self, action: BookingAction) -> &'static str {
        self.sms_booking[action_index(action)]
    }

    pub(crate) fn booking_action(&self, action: BookingAction) -> &'static str {
        self.booking_actions[action_index(action)]
    }

    /// Returns the name of the language with ISO 639-1 `code`, or `None` for
    /// a language this module has no name for.
    pub(crate) fn language_name(&self, code: &str) -> Option<&'static str> {
        let index = match primary_code(code).as_str() {
            "en" => 0,
            "fr" => 1,
            "de" => 2,
            "es" => 3,
            "it" => 4,
            "pt" => 5,
            _ => return None,
        };
        Some(self.language_names[index])
    }
}

/// Returns the language of a code such as `fr-BE`, lowercase: `fr`.
fn primary_code(code: &str) -> String {
    code.trim()
        .split(['-', '_'])
        .next()
        .unwrap_or("")
        .to_ascii_lowercase()
}

fn action_index(action: BookingAction) -> usize {
    match action {
        BookingAction::Booked => 0,
        BookingAction::Cancelled => 1,
        BookingAction::Moved => 2,
    }
}

/// Returns who called, for the SMS and the alert: "Call from NAME, NUMBER",
/// with a phrase in place of a missing name or number.
pub(crate) fn call_from(lang: Lang, name: Option<&str>, number: Option<&str>) -> String {
    match (lang, name, number) {
        (Lang::En, Some(name), Some(number)) => format!("Call from {name}, {number}"),
        (Lang::En, None, Some(number)) => format!("Call from {number}, name not given"),
        (Lang::En, Some(name), None) => format!("Call from {name}, number unknown"),
        (Lang::En, None, None) => "Call from an unknown caller, no name or number".to_owned(),
        (Lang::Fr, Some(name), Some(number)) => format!("Appel de {name}, {number}"),
        (Lang::Fr, None, Some(number)) => format!("Appel du {number}, nom non donné"),
        (Lang::Fr, Some(name), None) => format!("Appel de {name}, numéro inconnu"),
        (Lang::Fr, None, None) => "Appel d'un inconnu, ni nom ni numéro".to_owned(),
        (Lang::De, Some(name), Some(number)) => format!("Anruf von {name}, {number}"),
        (Lang::De, None, Some(number)) => format!("Anruf von {number}, Name nicht genannt"),
        (Lang::De, Some(name), None) => format!("Anruf von {name}, Nummer unbekannt"),
        (Lang::De, None, None) => "Anruf von Unbekannt, weder Name noch Nummer".to_owned(),
        (Lang::Es, Some(name), Some(number)) => format!("Llamada de {name}, {number}"),
        (Lang::Es, None, Some(number)) => format!("Llamada del {number}, nombre no indicado"),
        (Lang::Es, Some(name), None) => format!("Llamada de {name}, número desconocido"),
        (Lang::Es, None, None) => "Llamada de desconocido, sin nombre ni número".to_owned(),
    }
}

/// Returns the caller as the email subject names them: the name, else the
/// number, else a phrase.
pub(crate) fn subject_caller(lang: Lang, name: Option<&str>, number: Option<&str>) -> String {
    match (lang, name.or(number)) {
        (Lang::En, Some(who)) => format!("Call from {who}"),
        (Lang::En, None) => "Call from an unknown caller".to_owned(),
        (Lang::Fr, Some(who)) if name.is_some() => format!("Appel de {who}"),
        (Lang::Fr, Some(who)) => format!("Appel du {who}"),
        (Lang::Fr, None) => "Appel d'un inconnu".to_owned(),
        (Lang::De, Some(who)) => format!("Anruf von {who}"),
        (Lang::De, None) => "Anruf von Unbekannt".to_owned(),
        (Lang::Es, Some(who)) if name.is_some() => format!("Llamada de {who}"),
        (Lang::Es, Some(who)) => format!("Llamada del {who}"),
        (Lang::Es, None) => "Llamada de desconocido".to_owned(),
    }
}

/// Returns "caller ID NUMBER" for the SMS, shown when it differs from the
/// callback number.
pub(crate) fn sms_caller_id(lang: Lang, number: &str) -> String {
    match lang {
        Lang::En => format!("caller ID {number}"),
        Lang::Fr => format!("numéro présenté {number}"),
        Lang::De => format!("angezeigt {number}"),
        Lang::Es => format!("número entrante {number}"),
    }
}

/// Returns the sentence of the SMS about a callback promise.
pub(crate) fn sms_callback(lang: Lang, minutes: u32) -> String {
    match lang {
        Lang::En => format!("Callback promised within {minutes} min."),
        Lang::Fr => format!("Rappel promis sous {minutes} min."),
        Lang::De => format!("Rückruf zugesagt binnen {minutes} Min."),
        Lang::Es => format!("Prometido llamar en {minutes} min."),
    }
}

/// Returns the email's value of a callback promise: the delay, and the clock
/// time it ends at when `by` is known.
pub(crate) fn email_callback(lang: Lang, minutes: u32, by: Option<PrimitiveDateTime>) -> String {
    let delay = match lang {
        Lang::En => format!("within {minutes} minutes"),
        Lang::Fr => format!("sous {minutes} minutes"),
        Lang::De => format!("binnen {minutes} Minuten"),
        Lang::Es => format!("en {minutes} minutos"),
    };
    let Some(by) = by else {
        return delay;
    };
    let clock = clock_time(lang, by);
    match lang {
        Lang::En => format!("{delay}, by about {clock}"),
        Lang::Fr => format!("{delay}, vers {clock}"),
        Lang::De => format!("{delay}, bis etwa {clock}"),
        Lang::Es => format!("{delay}, hacia las {clock}"),
    }
}

/// Returns the value of a moved appointment in the email: "from OLD to NEW".
pub(crate) fn moved_from_to(lang: Lang, from: &str, to: &str) -> String {
    match lang {
        Lang::En => format!("from {from} to {to}"),
        Lang::Fr => format!("du {from} au {to}"),
        Lang::De => format!("von {from} auf {to}"),
        Lang::Es => format!("del {from} al {to}"),
    }
}

/// Returns the note that ends a transcript cut for length.
pub(crate) fn transcript_cut(lang: Lang, omitted_lines: usize) -> String {
    match lang {
        Lang::En => format!("[{omitted_lines} more lines left out; see the full transcript]"),
        Lang::Fr => {
            format!("[{omitted_lines} lignes de plus omises ; voir la transcription complète]")
        }
        Lang::De => {
            format!("[{omitted_lines} weitere Zeilen ausgelassen; siehe vollständigen Verlauf]")
        }
        Lang::Es => format!("[{omitted_lines} líneas más omitidas; ver la transcripción completa]"),
    }
}

/// Returns the clock time: `10:30`, or `10h30` in French.
pub(crate) fn clock_time(lang: Lang, at: PrimitiveDateTime) -> String {
    let (hour, minute) = (at.hour(), at.minute());
    match lang {
        Lang::Fr => format!("{hour}h{minute:02}"),
        _ => format!("{hour:02}:{minute:02}"),
    }
}

/// Returns a short date and time for the SMS, such as `Tue 14 May 10:30`.
pub(crate) fn short_date_time(lang: Lang, at: PrimitiveDateTime) -> String {
    let words = lang.words();
    let weekday = words.weekdays_short[weekday_index(at.weekday())];
    let month = words.months_short[month_index(at.month())];
    let day = at.day();
    let clock = clock_time(lang, at);
    match lang {
        Lang::De => format!("{weekday} {day}. {month} {clock}"),
        _ => format!("{weekday} {day} {month} {clock}"),
    }
}

/// Returns a full date and time for the email, such as
/// `Tuesday 14 May 2024, 10:30`.
pub(crate) fn long_date_time(lang: Lang, at: PrimitiveDateTime) -> String {
    let words = lang.words();
    let weekday = words.weekdays[weekday_index(at.weekday())];
    let month = words.months[month_index(at.month())];
    let (day, year) = (at.day(), at.year());
    let clock = clock_time(lang, at);
    match lang {
        Lang::En => format!("{weekday} {day} {month} {year}, {clock}"),
        Lang::Fr => format!("{weekday} {day} {month} {year} à {clock}"),
        Lang::De => format!("{weekday}, {day}. {month} {year}, {clock}"),
        Lang::Es => format!("{weekday} {day} de {month} de {year}, {clock}"),
    }
}

fn weekday_index(weekday: Weekday) -> usize {
    usize::from(weekday.number_days_from_monday())
}

fn month_index(month: Month) -> usize {
    usize::from(u8::from(month) - 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn code_table() {
        let cases = [
            ("en", Lang::En),
            ("fr", Lang::Fr),
            ("FR-be", Lang::Fr),
            ("de_AT", Lang::De),
            (" es ", Lang::Es),
            ("it", Lang::En),
            ("", Lang::En),
            ("français", Lang::En),
        ];
        for (code, expected) in cases {
            assert_eq!(Lang::from_code(code), expected, "{code:?}");
        }
    }

    #[test]
    fn dates_table() {
        let at = datetime!(2024-05-14 09:05);
        let cases = [
            (Lang::En, "Tue 14 May 09:05", "Tuesday 14 May 2024, 09:05"),
            (Lang::Fr, "mar. 14 mai 9h05", "mardi 14 mai 2024 à 9h05"),
            (
                Lang::De,
                "Di. 14. Mai 09:05",
                "Dienstag, 14. Mai 2024, 09:05",
            ),
            (
                Lang::Es,
                "mar. 14 may. 09:05",
                "martes 14 de mayo de 2024, 09:05",
            ),
        ];
        for (lang, short, long) in cases {
            assert_eq!(short_date_time(lang, at), short, "{lang:?}");
            assert_eq!(long_date_time(lang, at), long, "{lang:?}");
        }
    }

    #[test]
    fn every_month_and_weekday_named() {
        for lang in [Lang::En, Lang::Fr, Lang::De, Lang::Es] {
            let words = lang.words();
            for name in words.months.iter().chain(words.weekdays.iter()) {
                assert!(!name.is_empty(), "{lang:?}");
            }
        }
        // 2024-12-29 is a Sunday, the last weekday and month of the tables.
        let at = datetime!(2024-12-29 23:59);
        assert_eq!(short_date_time(Lang::En, at), "Sun 29 Dec 23:59");
        assert_eq!(short_date_time(Lang::Fr, at), "dim. 29 déc. 23h59");
    }
}
