//! The receptionist's decisions: what happens after each caller turn.
//!
//! The model reads the caller ([`Understanding`]); this state machine
//! decides. It offers slots the appointment book really has, reads a slot
//! back and books only after a yes, confirms the callback number digit group
//! by digit group, escalates by the profile's rules, and sums up before
//! goodbye. The model's own words are spoken only to answer questions, and
//! only when every number in them is one the profile's facts contain.

mod cues;
mod hours;
mod when;
pub mod words;

use time::PrimitiveDateTime;

use super::understand::{Intent, Understanding, Urgency};
pub use when::{resolve, Preference};
use words::Tongue;

/// Slots offered at once: two is what a caller can hold in mind on the phone.
const OFFERS: usize = 2;

/// Maximum repeats of one question before the box offers a message instead.
const MAX_REPEATS: u8 = 2;

/// Minimum delay between the call and an offered slot, so the caller has
/// time to reach the business.
const LEAD: time::Duration = time::Duration::hours(1);

/// A free time the appointment book can give.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Offer {
    pub start: PrimitiveDateTime,
    pub end: PrimitiveDateTime,
    pub staff: Option<String>,
}

/// A booked appointment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Appointment {
    pub id: i64,
    pub service: String,
    pub start: PrimitiveDateTime,
}

/// Reason a booking failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BookError {
    /// Someone else took the slot first.
    Taken,
    Failed(String),
}

/// Access to the business's appointment book, as the dialogue uses it.
pub trait Desk {
    /// Names of the appointment types, in the profile's order.
    fn services(&self) -> Vec<String>;
    /// Returns the appointment type the caller's words name, if any.
    fn match_service(&self, words: &str) -> Option<String>;
    /// Free slots for `service` starting at or after `from`, nearest first.
    fn free(&mut self, service: &str, from: PrimitiveDateTime, limit: usize) -> Vec<Offer>;
    fn book(&mut self, service: &str, offer: &Offer, name: &str, number: &str) -> Result<Appointment, BookError>;
    /// Returns the caller's own upcoming appointments, found by their number only.
    fn upcoming(&mut self, number: &str, now: PrimitiveDateTime) -> Vec<Appointment>;
    fn cancel(&mut self, id: i64, number: &str) -> Result<Appointment, BookError>;
    fn reschedule(&mut self, id: i64, number: &str, offer: &Offer) -> Result<Appointment, BookError>;
}

/// The profile's escalation rules, and what this call's line can do.
#[derive(Debug, Clone)]
pub struct Rules {
    /// Transfer destination. `None` makes every escalation end in a callback.
    pub transfer_to: Option<String>,
    /// Whether the line can transfer a call at all.
    pub can_transfer: bool,
    pub callback_within_min: u32,
    pub on_emergency: bool,
    pub on_request: bool,
    pub on_angry: bool,
    pub on_vip: bool,
    pub on_keypad_zero: bool,
    /// Every fact the box may state, for checking the model's numbers.
    pub facts: String,
    /// ISO code of the language the facts are written in.
    pub facts_language: String,
    /// Other names of the appointment types ("contrôle"), which count as
    /// known services in any language.
    pub aliases: Vec<String>,
    /// Words that make a call an emergency whatever the model read, folded
    /// to lowercase without accents.
    pub emergency_words: Vec<String>,
    /// The weekly hours and closures, which answer questions about opening
    /// hours.
    pub schedule: standardiste_booking::Schedule,
}

/// Reason a call was escalated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Escalation {
    Emergency,
    Request,
    Angry,
    Vip,
    Keypad,
}

impl Escalation {
    pub fn as_str(self) -> &'static str {
        match self {
            Escalation::Emergency => "emergency",
            Escalation::Request => "asked for a person",
            Escalation::Angry => "angry caller",
            Escalation::Vip => "VIP caller",
            Escalation::Keypad => "pressed 0",
        }
    }
}

/// One part of the box's next spoken response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Part {
    /// The model's reply, as it streams.
    Model,
    Text(String),
}

/// Something the call must do besides speaking.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    Transfer { to: String, why: Escalation },
    /// Urgent SMS to the on-call contact; the caller was promised a callback.
    AlertOnCall { why: Escalation },
    MessageTaken,
    Booked(Appointment),
    Cancelled(Appointment),
    Moved { from: Appointment, to: Appointment },
}

/// The box's response to one caller turn or key press.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Response {
    pub say: Vec<Part>,
    pub effects: Vec<Effect>,
    /// Say the farewell and hang up after this.
    pub hang_up: bool,
}

impl Response {
    fn text(text: String) -> Response {
        Response {
            say: vec![Part::Text(text)],
            ..Response::default()
        }
    }

    fn then(mut self, text: String) -> Response {
        self.say.push(Part::Text(text));
        self
    }

    /// Joins the text parts, for logs and tests.
    pub fn spoken(&self) -> String {
        self.say
            .iter()
            .map(|part| match part {
                Part::Model => "<model>",
                Part::Text(text) => text.as_str(),
            })
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// The details taken from the caller, stored on the call.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Intake {
    pub name: Option<String>,
    pub number: Option<String>,
    pub number_confirmed: bool,
    pub reason: Option<String>,
    pub urgency: Option<Urgency>,
    pub escalation: Option<Escalation>,
    pub message: bool,
    pub booked: Option<Appointment>,
    pub callback_promised: bool,
}

/// The caller's goal with the appointment book.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Goal {
    New,
    Move(Appointment),
}

/// What to do once the detail being asked for is in.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Then {
    Book { service: String, offer: Offer, goal: Goal },
    Message,
    Escalate(Escalation),
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Stage {
    Open,
    ChooseService { goal: Goal },
    ChooseSlot { service: String, offers: Vec<Offer>, goal: Goal },
    ConfirmSlot { service: String, offer: Offer, goal: Goal },
    AskName(Then),
    AskNumber(Then),
    ConfirmNumber(Then),
    AskReason(Then),
    ConfirmCancel { appointment: Appointment, move_it: bool },
}

/// One call's conversation state.
#[derive(Debug)]
pub struct Dialogue {
    tongue: Tongue,
    stage: Stage,
    /// Times the current question was asked.
    repeats: u8,
    caller_number: Option<String>,
    vip: bool,
    rules: Rules,
    intake: Intake,
    /// Digits typed on the keypad while a number is asked for.
    keyed: String,
}

impl Dialogue {
    /// `caller_number` is the caller ID, if the network gave one.
    pub fn new(rules: Rules, caller_number: Option<String>, vip: bool, language: &str) -> Dialogue {
        let intake = Intake {
            number: caller_number.clone(),
            ..Intake::default()
        };
        Dialogue {
            tongue: Tongue::from_code(language),
            stage: Stage::Open,
            repeats: 0,
            caller_number,
            vip,
            rules,
            intake,
            keyed: String::new(),
        }
    }

    pub fn intake(&self) -> &Intake {
        &self.intake
    }

    /// ISO code of the language the box now answers in.
    pub fn language(&self) -> &'static str {
        self.tongue.code()
    }

    /// Switches to the language speech-to-text identified in the caller's
    /// voice, when the box has sentences in it; other languages are ignored.
    pub fn hear_language(&mut self, code: &str) {
        if matches!(code, "en" | "fr" | "de" | "es") {
            self.tongue = Tongue::from_code(code);
        }
    }

    /// The transfer an escalation asked for did not go through (the network
    /// refused it or nobody answered): the on-call contact is alerted at once
    /// with the caller ID, and the caller promised a callback. Without a
    /// caller ID the box first asks for a number, as on a line that cannot
    /// transfer.
    pub fn transfer_failed(&mut self) -> Response {
        self.rules.can_transfer = false;
        self.stage = Stage::Open;
        let why = self.intake.escalation.unwrap_or(Escalation::Request);
        if self.intake.number.is_none() {
            let mut desk = NoDesk;
            return self.proceed(Then::Escalate(why), &mut desk);
        }
        self.alert(why)
    }

    /// Returns the closing words when the caller says goodbye: what happens next.
    pub fn goodbye(&mut self) -> Response {
        self.close()
    }

    /// Decides the answer to a caller turn. `heard` is the transcript.
    pub fn respond(&mut self, u: &Understanding, heard: &str, now: PrimitiveDateTime, desk: &mut dyn Desk) -> Response {
        let grounded = cues::ground(u.clone(), heard);
        let u = &grounded;
        // The caller's own words tell the language better than the small
        // model does; a turn that does not tell it keeps the language so far.
        if let Some(code) = cues::language(heard) {
            self.tongue = Tongue::from_code(code);
        }
        self.absorb(u);
        // A short answer is read from the caller's words when they are plain.
        let answer = cues::yes_or_no(heard).unwrap_or(u.intent);

        if let Some(why) = self.escalation_for(u, heard) {
            if self.intake.escalation.is_none() {
                return self.escalate(why);
            }
        }
        if u.intent == Intent::Goodbye {
            return self.close();
        }
        let stage = std::mem::replace(&mut self.stage, Stage::Open);
        match stage {
            Stage::Open => self.open(u, heard, now, desk),
            Stage::ChooseService { goal } => self.choose_service(u, heard, goal, now, desk),
            Stage::ChooseSlot { service, offers, goal } => self.choose_slot(u, answer, heard, service, offers, goal, now, desk),
            Stage::ConfirmSlot { service, offer, goal } => match answer {
                Intent::Yes => self.proceed(Then::Book { service, offer, goal }, desk),
                Intent::No if u.day.is_none() && u.time.is_none() => {
                    let offers = desk.free(&service, offer.end, OFFERS);
                    self.offer(service, offers, goal)
                }
                _ => self.search(service, u, goal, now, desk),
            },
            Stage::AskName(then) => {
                let name = u.name.clone().or_else(|| bare_name(heard));
                match name {
                    Some(name) => {
                        self.intake.name = Some(name);
                        self.proceed(then, desk)
                    }
                    None => self.ask_again(Stage::AskName(then), words::ask_name(self.tongue)),
                }
            }
            Stage::AskNumber(then) => {
                let number = u.phone.clone().or_else(|| digits_in(heard));
                match number {
                    Some(number) => {
                        self.intake.number = Some(number.clone());
                        self.intake.number_confirmed = false;
                        self.confirm_number(number, then)
                    }
                    None => self.ask_again(Stage::AskNumber(then), words::ask_number(self.tongue)),
                }
            }
            Stage::ConfirmNumber(then) => {
                let said = u.phone.clone().or_else(|| digits_in(heard));
                if let Some(number) = said.filter(|n| Some(n) != self.intake.number.as_ref()) {
                    self.intake.number = Some(number.clone());
                    return self.confirm_number(number, then);
                }
                match answer {
                    Intent::Yes => {
                        self.intake.number_confirmed = true;
                        self.proceed(then, desk)
                    }
                    Intent::No => {
                        self.intake.number = None;
                        self.ask(Stage::AskNumber(then), words::ask_number(self.tongue))
                    }
                    _ => {
                        let grouped = words::grouped_number(self.intake.number.as_deref().unwrap_or_default());
                        self.ask_again(Stage::ConfirmNumber(then), words::confirm_number(self.tongue, &grouped))
                    }
                }
            }
            Stage::AskReason(then) => {
                let reason = u.reason.clone().unwrap_or_else(|| heard.trim().to_string());
                self.intake.reason = Some(reason);
                self.proceed(then, desk)
            }
            Stage::ConfirmCancel { appointment, move_it } => match answer {
                Intent::Yes if move_it => {
                    let service = appointment.service.clone();
                    self.search(service, u, Goal::Move(appointment), now, desk)
                }
                Intent::Yes => self.cancel(appointment, desk),
                _ => Response::text(words::kept(self.tongue)),
            },
        }
    }

    /// Asks the caller to repeat, when their turn could not be understood;
    /// the question pending, if any, stays pending.
    pub fn pardon(&self) -> Response {
        Response::text(words::pardon(self.tongue))
    }

    /// A key pressed on the caller's keypad; `None` when it changes nothing.
    pub fn key(&mut self, digit: char) -> Option<Response> {
        if digit == '0' && self.rules.on_keypad_zero && !matches!(self.stage, Stage::AskNumber(_)) {
            return Some(self.escalate(Escalation::Keypad));
        }
        let Stage::AskNumber(_) = &self.stage else {
            return None;
        };
        match digit {
            '0'..='9' | '+' if self.keyed.len() < 20 => {
                self.keyed.push(digit);
                None
            }
            '#' if self.keyed.chars().filter(char::is_ascii_digit).count() >= 6 => {
                let number = std::mem::take(&mut self.keyed);
                let Stage::AskNumber(then) = std::mem::replace(&mut self.stage, Stage::Open) else {
                    return None;
                };
                self.intake.number = Some(number.clone());
                self.intake.number_confirmed = false;
                Some(self.confirm_number(number, then))
            }
            '#' | '*' => {
                self.keyed.clear();
                Some(Response::text(words::ask_number(self.tongue)))
            }
            _ => None,
        }
    }

    fn absorb(&mut self, u: &Understanding) {
        if let Some(name) = &u.name {
            self.intake.name = Some(name.clone());
        }
        if u.reason.is_some() && self.intake.reason.is_none() {
            self.intake.reason = u.reason.clone();
        }
        self.intake.urgency = self.intake.urgency.max(Some(u.urgency));
    }

    fn escalation_for(&self, u: &Understanding, heard: &str) -> Option<Escalation> {
        let rules = &self.rules;
        let folded = super::desk::fold(heard);
        let emergency_word = rules.emergency_words.iter().any(|word| contains_words(&folded, word));
        if rules.on_emergency && (u.intent == Intent::Emergency || emergency_word) {
            Some(Escalation::Emergency)
        } else if rules.on_request && (u.intent == Intent::Person || cues::wants(heard) == Some(Intent::Person)) {
            Some(Escalation::Request)
        } else if rules.on_angry && u.angry {
            Some(Escalation::Angry)
        } else if rules.on_vip && self.vip {
            Some(Escalation::Vip)
        } else {
            None
        }
    }

    fn open(&mut self, u: &Understanding, heard: &str, now: PrimitiveDateTime, desk: &mut dyn Desk) -> Response {
        // A request the caller's words name plainly wins over the model's
        // reading; a question ("how much is a check-up?") names none.
        // The small model often reads an action into a plain question
        // ("what time do you open?" as a reschedule), so an action needs the
        // caller's words to name it, or for a booking, to name a service.
        let intent = match (cues::wants(heard), u.intent) {
            (Some(wanted), _) => wanted,
            (None, Intent::Book) if desk.match_service(heard).is_some() => Intent::Book,
            (None, Intent::Book | Intent::Cancel | Intent::Reschedule | Intent::Message) => Intent::Question,
            (None, intent) => intent,
        };
        match intent {
            Intent::Book => {
                let service = desk
                    .match_service(heard)
                    .or_else(|| u.service.as_deref().and_then(|words| desk.match_service(words)));
                let services = desk.services();
                match service.or_else(|| (services.len() == 1).then(|| services[0].clone())) {
                    Some(service) => self.search(service, u, Goal::New, now, desk),
                    None if services.is_empty() => self.take_message(),
                    None => self.ask(Stage::ChooseService { goal: Goal::New }, words::which_service(self.tongue, &services.join(", "))),
                }
            }
            Intent::Cancel | Intent::Reschedule => {
                let Some(number) = self.caller_number.clone() else {
                    return Response::text(words::number_withheld(self.tongue));
                };
                match desk.upcoming(&number, now).into_iter().next() {
                    Some(appointment) => {
                        let at = words::when(self.tongue, appointment.start);
                        let text = words::confirm_cancel(self.tongue, &appointment.service, &at);
                        let move_it = intent == Intent::Reschedule;
                        self.ask(Stage::ConfirmCancel { appointment, move_it }, text)
                    }
                    None => Response::text(words::no_booking_found(self.tongue)),
                }
            }
            Intent::Message => self.take_message(),
            _ if cues::asks_hours(heard) => {
                let day = cues::when(heard).0.or(u.day.as_deref());
                match hours::answer(self.tongue, &self.rules.schedule, day, now) {
                    Some(text) => Response::text(text),
                    None => self.model_answer(),
                }
            }
            _ => self.model_answer(),
        }
    }

    /// An answer from the model's words, which [`Dialogue::vet_reply`] checks.
    fn model_answer(&self) -> Response {
        Response {
            say: vec![Part::Model],
            ..Response::default()
        }
    }

    /// Checks the model's answer to a question before it is spoken: every
    /// number in it must be one the facts state, and a service the caller
    /// named must be in the facts. Returns the sentence to say instead.
    pub fn vet_reply(&self, reply: &str, u: &Understanding, heard: &str) -> Option<String> {
        let facts = super::desk::fold(&self.rules.facts);
        let known = format!("{facts} {}", super::desk::fold(&self.rules.aliases.join(" ")));
        let unknown_service = cues::asks_price(heard) && u.service.as_deref().is_some_and(|service| {
            let words: Vec<String> = super::desk::fold(service)
                .split(|c: char| !c.is_alphanumeric())
                .filter(|w| w.len() > 3)
                .map(str::to_string)
                .collect();
            !words.is_empty() && !words.iter().any(|w| known.contains(w.as_str()))
        });
        // When the caller speaks the facts' language, a topic word that the
        // question and the answer share but the facts lack means the model is
        // answering about something the profile does not cover ("can I bring
        // my dog?" "Yes, you can bring your dog").
        let same_language = self.tongue.code() == self.rules.facts_language;
        let off_topic = same_language && cues::shared_topic_outside(heard, reply, &facts).is_some();
        if reply.trim().is_empty() {
            Some(words::pardon(self.tongue))
        } else if unknown_service || off_topic || !grounded(reply, &self.rules.facts) {
            tracing::debug!(unknown_service, off_topic, reply, "the model's answer is not in the profile; the box declines instead");
            Some(words::not_known(self.tongue))
        } else {
            None
        }
    }

    fn choose_service(&mut self, u: &Understanding, heard: &str, goal: Goal, now: PrimitiveDateTime, desk: &mut dyn Desk) -> Response {
        let named = desk.match_service(heard).or_else(|| u.service.as_deref().and_then(|words| desk.match_service(words)));
        match named {
            Some(service) => self.search(service, u, goal, now, desk),
            None => {
                let services = desk.services().join(", ");
                self.ask_again(Stage::ChooseService { goal }, words::which_service(self.tongue, &services))
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn choose_slot(
        &mut self,
        u: &Understanding,
        answer: Intent,
        heard: &str,
        service: String,
        offers: Vec<Offer>,
        goal: Goal,
        now: PrimitiveDateTime,
        desk: &mut dyn Desk,
    ) -> Response {
        let wish = resolve(u.day.as_deref(), u.time.as_deref(), now);
        let chosen = if let Some(index) = cues::ordinal(heard) {
            offers.get(index).cloned()
        } else if !wish.is_empty() {
            offers.iter().find(|offer| wish.accepts(offer.start)).cloned()
        } else if answer == Intent::Yes {
            offers.first().cloned()
        } else {
            None
        };
        if let Some(offer) = chosen {
            return self.confirm_slot(service, offer, goal);
        }
        if wish.is_empty() && answer == Intent::No {
            let after = offers.last().map_or(now, |offer| offer.end);
            let next = desk.free(&service, after, OFFERS);
            return self.offer(service, next, goal);
        }
        if wish.is_empty() {
            let text = offer_text(self.tongue, &offers);
            return self.ask_again(Stage::ChooseSlot { service, offers, goal }, text);
        }
        self.search(service, u, goal, now, desk)
    }

    /// Finds slots matching the caller's wish, or the nearest ones.
    fn search(&mut self, service: String, u: &Understanding, goal: Goal, now: PrimitiveDateTime, desk: &mut dyn Desk) -> Response {
        let wish = resolve(u.day.as_deref(), u.time.as_deref(), now);
        let from = wish.search_from(now + LEAD);
        let mut offers: Vec<Offer> = desk
            .free(&service, from, 24)
            .into_iter()
            .filter(|offer| wish.accepts(offer.start))
            .take(OFFERS)
            .collect();
        if offers.is_empty() {
            offers = desk.free(&service, from, OFFERS);
        }
        self.offer(service, offers, goal)
    }

    fn offer(&mut self, service: String, offers: Vec<Offer>, goal: Goal) -> Response {
        if offers.is_empty() {
            return Response::text(words::no_slots(self.tongue));
        }
        let text = offer_text(self.tongue, &offers);
        self.ask(Stage::ChooseSlot { service, offers, goal }, text)
    }

    fn confirm_slot(&mut self, service: String, offer: Offer, goal: Goal) -> Response {
        let at = words::when(self.tongue, offer.start);
        let text = words::confirm_slot(self.tongue, &service, &at);
        self.ask(Stage::ConfirmSlot { service, offer, goal }, text)
    }

    fn confirm_number(&mut self, number: String, then: Then) -> Response {
        let grouped = words::grouped_number(&number);
        self.ask(Stage::ConfirmNumber(then), words::confirm_number(self.tongue, &grouped))
    }

    /// Asks for whatever `then` still lacks, or does it.
    fn proceed(&mut self, then: Then, desk: &mut dyn Desk) -> Response {
        let needs_name = matches!(then, Then::Message | Then::Book { goal: Goal::New, .. });
        if needs_name && self.intake.name.is_none() {
            return self.ask(Stage::AskName(then), words::ask_name(self.tongue));
        }
        if !matches!(then, Then::Book { goal: Goal::Move(_), .. }) {
            match (&self.intake.number, self.intake.number_confirmed) {
                (None, _) => return self.ask(Stage::AskNumber(then), words::ask_number(self.tongue)),
                (Some(number), false) => return self.confirm_number(number.clone(), then),
                _ => {}
            }
        }
        if matches!(then, Then::Message) && self.intake.reason.is_none() {
            return self.ask(Stage::AskReason(then), words::ask_reason(self.tongue));
        }
        match then {
            Then::Book { service, offer, goal } => self.book(service, offer, goal, desk),
            Then::Message => {
                self.intake.message = true;
                Response {
                    say: vec![Part::Text(words::message_taken(self.tongue)), Part::Text(words::anything_else(self.tongue))],
                    effects: vec![Effect::MessageTaken],
                    hang_up: false,
                }
            }
            Then::Escalate(why) => self.alert(why),
        }
    }

    /// Alerts the on-call contact and promises the caller a callback.
    fn alert(&mut self, why: Escalation) -> Response {
        self.intake.callback_promised = true;
        self.intake.message = true;
        Response {
            say: vec![
                Part::Text(words::callback_promise(self.tongue, self.rules.callback_within_min)),
                Part::Text(words::anything_else(self.tongue)),
            ],
            effects: vec![Effect::AlertOnCall { why }],
            hang_up: false,
        }
    }

    fn book(&mut self, service: String, offer: Offer, goal: Goal, desk: &mut dyn Desk) -> Response {
        let number = self.intake.number.clone().unwrap_or_default();
        let result = match &goal {
            Goal::New => desk.book(&service, &offer, self.intake.name.as_deref().unwrap_or_default(), &number),
            Goal::Move(old) => desk.reschedule(old.id, self.caller_number.as_deref().unwrap_or_default(), &offer),
        };
        match result {
            Ok(appointment) => {
                let at = words::when(self.tongue, appointment.start);
                self.intake.booked = Some(appointment.clone());
                let effect = match goal {
                    Goal::New => Effect::Booked(appointment.clone()),
                    Goal::Move(from) => Effect::Moved { from, to: appointment.clone() },
                };
                Response {
                    say: vec![
                        Part::Text(words::booked(self.tongue, &appointment.service, &at)),
                        Part::Text(words::anything_else(self.tongue)),
                    ],
                    effects: vec![effect],
                    hang_up: false,
                }
            }
            Err(BookError::Taken) => {
                let offers = desk.free(&service, offer.start, OFFERS);
                let taken = words::slot_taken(self.tongue);
                let mut response = self.offer(service, offers, goal);
                response.say.insert(0, Part::Text(taken));
                response
            }
            Err(BookError::Failed(message)) => {
                tracing::error!(message, "booking failed; the box takes a message instead");
                self.take_message()
            }
        }
    }

    fn cancel(&mut self, appointment: Appointment, desk: &mut dyn Desk) -> Response {
        let number = self.caller_number.clone().unwrap_or_default();
        match desk.cancel(appointment.id, &number) {
            Ok(cancelled) => {
                let at = words::when(self.tongue, cancelled.start);
                Response {
                    say: vec![Part::Text(words::cancelled(self.tongue, &at)), Part::Text(words::anything_else(self.tongue))],
                    effects: vec![Effect::Cancelled(cancelled)],
                    hang_up: false,
                }
            }
            Err(_) => Response::text(words::no_booking_found(self.tongue)),
        }
    }

    fn take_message(&mut self) -> Response {
        let mut desk = NoDesk;
        self.proceed(Then::Message, &mut desk)
    }

    fn escalate(&mut self, why: Escalation) -> Response {
        self.intake.escalation = Some(why);
        self.stage = Stage::Open;
        if let (true, Some(to)) = (self.rules.can_transfer, self.rules.transfer_to.clone()) {
            return Response {
                say: vec![Part::Text(words::transferring(self.tongue))],
                effects: vec![Effect::Transfer { to, why }],
                hang_up: false,
            };
        }
        let mut desk = NoDesk;
        self.proceed(Then::Escalate(why), &mut desk)
    }

    fn close(&mut self) -> Response {
        let mut response = Response {
            hang_up: true,
            ..Response::default()
        };
        if let Some(appointment) = &self.intake.booked {
            response = response.then(words::recap_booking(self.tongue, &words::when(self.tongue, appointment.start)));
        } else if self.intake.message {
            let grouped = words::grouped_number(self.intake.number.as_deref().unwrap_or_default());
            response = response.then(words::recap_callback(self.tongue, &grouped));
        }
        response
    }

    fn ask(&mut self, stage: Stage, text: String) -> Response {
        self.stage = stage;
        self.repeats = 0;
        Response::text(text)
    }

    /// Asks again, or after too many tries offers a message instead.
    fn ask_again(&mut self, stage: Stage, text: String) -> Response {
        self.repeats += 1;
        if self.repeats > MAX_REPEATS {
            self.repeats = 0;
            self.stage = Stage::Open;
            return Response::text(words::not_known(self.tongue));
        }
        self.stage = stage;
        Response::text(text)
    }
}

fn offer_text(tongue: Tongue, offers: &[Offer]) -> String {
    let first = offers.first().map(|o| words::when(tongue, o.start)).unwrap_or_default();
    let second = offers.get(1).map(|o| words::when(tongue, o.start));
    words::offer(tongue, &first, second.as_deref())
}

/// A desk with no appointment book, for steps that never touch it.
struct NoDesk;

impl Desk for NoDesk {
    fn services(&self) -> Vec<String> {
        Vec::new()
    }
    fn match_service(&self, _: &str) -> Option<String> {
        None
    }
    fn free(&mut self, _: &str, _: PrimitiveDateTime, _: usize) -> Vec<Offer> {
        Vec::new()
    }
    fn book(&mut self, _: &str, _: &Offer, _: &str, _: &str) -> Result<Appointment, BookError> {
        Err(BookError::Failed("no appointment book at this step".to_string()))
    }
    fn upcoming(&mut self, _: &str, _: PrimitiveDateTime) -> Vec<Appointment> {
        Vec::new()
    }
    fn cancel(&mut self, _: i64, _: &str) -> Result<Appointment, BookError> {
        Err(BookError::Failed("no appointment book at this step".to_string()))
    }
    fn reschedule(&mut self, _: i64, _: &str, _: &Offer) -> Result<Appointment, BookError> {
        Err(BookError::Failed("no appointment book at this step".to_string()))
    }
}

/// Whether every number in `reply` is one that `facts` states. Leading
/// zeros are ignored, so "9" matches "09:00".
pub fn grounded(reply: &str, facts: &str) -> bool {
    let known: std::collections::HashSet<String> = numbers(facts).collect();
    numbers(reply).all(|n| known.contains(&n))
}

fn numbers(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !c.is_ascii_digit())
        .filter(|run| !run.is_empty())
        .map(|run| {
            let trimmed = run.trim_start_matches('0');
            if trimmed.is_empty() { "0".to_string() } else { trimmed.to_string() }
        })
}

/// Whether `phrase` occurs in `text` as whole words.
fn contains_words(text: &str, phrase: &str) -> bool {
    let phrase = phrase.trim();
    !phrase.is_empty()
        && text.match_indices(phrase).any(|(at, _)| {
            let before = text[..at].chars().next_back();
            let after = text[at + phrase.len()..].chars().next();
            !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
        })
}

/// A short answer to "may I have your name": at most four words, no digits.
fn bare_name(heard: &str) -> Option<String> {
    let cleaned = heard.trim().trim_end_matches(['.', '!', '?', ',']).trim();
    let words = cleaned.split_whitespace().count();
    (words > 0 && words <= 4 && !cleaned.chars().any(|c| c.is_ascii_digit())).then(|| cleaned.to_string())
}

/// Digits said as figures in a transcript ("06 12 34 56 78"), six or more.
fn digits_in(heard: &str) -> Option<String> {
    let digits: String = heard.chars().filter(|c| c.is_ascii_digit() || *c == '+').collect();
    (digits.chars().filter(char::is_ascii_digit).count() >= 6).then_some(digits)
}

#[cfg(test)]
mod tests;
