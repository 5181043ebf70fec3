//! Text normalisation for speech synthesis: rewrites the numbers, times, dates, prices,
//! phone numbers and abbreviations in a sentence as the words a receptionist would say, so
//! that a TTS engine (Piper, SVOX Pico) reads them correctly.
//!
//! The entry point is [`normalize`], which takes a whole sentence from the language model
//! and returns it with every recognised token replaced and all other text unchanged. The
//! building blocks are public too: [`cardinal`], [`say_time`], [`say_date`],
//! [`say_day_month`], [`say_phone_number`] and [`say_price`].
//!
//! Languages: English, French, German, Spanish and Italian ([`Lang`]).
//!
//! # What `normalize` recognises
//!
//! Tokens are tried in this order at each digit, sign or currency symbol:
//!
//! 1. All-digit dates: year first ("2026-12-09", "2026/12/09"), or day first ("09/12/2026",
//!    "9.12.26", "09-12-2026") unless the second number cannot be a month and the first can
//!    ("12/25/2026" is 25 December). Two-digit years are in the 2000s.
//! 2. Times: "14h30", "9h05", "14:30", "14:30:00", "2:30 pm", "2pm", "2 p.m.", German
//!    "14 Uhr" and "14.30 Uhr". A following "h", "Uhr", "horas", "heures" is absorbed. "14h"
//!    alone is a time in French and a duration ("14 hours") elsewhere.
//! 3. A day followed by a month name: "9 December 2026", "9th of December", "1er décembre",
//!    "9. Dezember", "9 de diciembre de 2026", "1° dicembre". English also reads "December
//!    9, 2026", and every language reads "décembre 2026" with the year as a year.
//! 4. Ordinals: "1st", "21st", "1er", "1re", "2e", "2ème", "3º", "1ª", "1er" (Spanish
//!    "primer"), "1°" in Italian, and German "3." after an article ("der 3. Stock", "am 3.").
//! 5. Prices: "$500", "€45", "45 €", "45,50 €", "45.50 EUR", "EUR 45", "£60", "$1.5
//!    million", and an amount followed by a currency name ("60 pounds", "1 Euro").
//! 6. Percentages ("15 %", "4,5%") and temperatures ("20 °C").
//! 7. Phone numbers: a run of digit groups joined by single spaces, dots or dashes with 8
//!    digits or more, or starting with "+" and 7 digits or more, or an undivided run of 8
//!    digits or more. A number with valid group separators for the language ("10 000 000"
//!    in French, "10.000.000" in German) stays a number.
//! 8. Plain numbers: integers with the language's group separator ("1,000" in English,
//!    "1 000" in French, "1.000" in German, Spanish and Italian) and decimals with its
//!    decimal mark (point in English, comma elsewhere, where a point followed by other than
//!    three digits is also read as decimal). A leading zero or more than 15 digits reads
//!    the digits one by one. In English and German a four-digit number after "in", "since",
//!    "seit" and similar words is read as a year. A "-" or "+" at the start of a token is
//!    read as "minus" or "plus", and a dash between two numbers as "to" ("à", "bis", "a").
//!
//! Words are checked at their start for currency codes ("EUR 45"), month names starting a
//! date, and abbreviations: titles ("Dr.", "M.", "Mme", "Sr.", "Dott."), street types ("St."
//! in English is "Street" or "Saint" by context, German "Hauptstr."), "No." and "n°" before
//! a number, and a few common ones ("z. B.", "etc."). "&" becomes the local "and".
//!
//! Output never contains an ASCII digit: every digit is consumed by one of the rules above.
//! Digits in other scripts are left alone.
//!
//! # Reading conventions per language
//!
//! - English: British "and" in numbers ("one hundred and five"), short scale, years in
//!   pairs ("twenty twenty-six"), dates "the ninth of December", 12-hour times with the part
//!   of the day ("two thirty in the afternoon"), phone numbers digit by digit.
//! - French: traditional hyphenation ("vingt et un", "quatre-vingts", "deux cent un"), long
//!   scale, 24-hour times ("quatorze heures trente"), dates "neuf décembre" with "premier"
//!   for day 1, phone numbers in pairs.
//! - German: compounds in one word ("zweitausenddreihundert"), years 1100 to 1999 in
//!   hundreds ("neunzehnhundertneunzig"), dates "neunter Dezember" ("am neunten Dezember"),
//!   "vierzehn Uhr dreißig", phone digits with "zwo".
//! - Spanish: "veintiuno", "ciento uno", "quinientos", apocope before nouns ("veintiún
//!   euros"), dates "nueve de diciembre", times "las catorce y treinta", phone digits one by
//!   one.
//! - Italian: "ventuno", "ventitré", "duemila", dates "nove dicembre" with "primo" for day 1,
//!   times "le quattordici e trenta".
//!
//! # Limits
//!
//! The scanner has no sentence-level grammar. German and Spanish cardinals before a noun
//! keep their counting form ("eins Person", "uno persona"), and article agreement is only
//! handled where listed above.

mod date;
mod lang;
mod numbers;
mod phone;
mod price;
mod scan;
mod time;

pub use date::{say_date, say_day_month};
pub use lang::Lang;
pub use numbers::cardinal;
pub use phone::say_phone_number;
pub use price::say_price;
pub use scan::normalize;
pub use time::say_time;
