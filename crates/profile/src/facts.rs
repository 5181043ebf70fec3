//! The profile as text for the language model: everything the receptionist may tell callers.

use std::fmt::Write as _;

use crate::hours::{capitalized, Closure, WEEKDAYS};
use crate::BusinessProfile;

impl BusinessProfile {
    /// Opening hours in a form the LLM reads well, one listed day a line, in weekday order.
    pub fn hours_text(&self) -> String {
        WEEKDAYS
            .iter()
            .zip(&self.opening_hours.days)
            .filter_map(|(day, hours)| {
                let text = hours.text.as_ref()?;
                Some(format!("{}: {text}", capitalized(day)))
            })
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// Builds the facts block of the LLM prompt: hours, closures, services with prices,
    /// address, directions, staff names and roles, facts and FAQ.
    ///
    /// Staff phone numbers and e-mail addresses, caller lists and recap recipients never
    /// appear, nor the spoken texts (greeting, closed message): a small model
    /// repeats such a sentence instead of answering.
    pub fn facts_text(&self) -> String {
        let mut text = String::new();
        let _ = writeln!(text, "Business: {}", self.name);
        optional_line(&mut text, "About", self.description.as_deref());
        optional_line(&mut text, "Address", self.address.as_deref());
        optional_line(&mut text, "Directions", self.directions.as_deref());
        optional_line(&mut text, "Phone", self.phone.as_deref());
        optional_line(&mut text, "Website", self.website.as_deref());

        let hours = self.hours_text();
        if !hours.is_empty() {
            let _ = writeln!(text, "\nOpening hours (days not listed: closed):\n{hours}");
        }
        if !self.closures.is_empty() {
            let _ = writeln!(text, "\nClosures and special hours:");
            for closure in &self.closures {
                let _ = writeln!(text, "- {}", closure_line(closure));
            }
        }
        self.write_services(&mut text);
        self.write_people(&mut text);
        if !self.facts.is_empty() {
            let _ = writeln!(text, "\nFacts:");
            for fact in &self.facts {
                let _ = writeln!(text, "- {fact}");
            }
        }
        if !self.faq.is_empty() {
            let _ = writeln!(text, "\nFrequent questions:");
            for entry in &self.faq {
                let _ = writeln!(text, "Q: {}\nA: {}", entry.question, entry.answer);
            }
        }
        text.trim_end().to_string()
    }

    fn write_services(&self, text: &mut String) {
        if self.services.is_empty() {
            return;
        }
        let _ = writeln!(text, "\nServices:");
        for service in &self.services {
            let price = match &service.price {
                Some(price) => price.to_string(),
                None => "price on request".to_string(),
            };
            let _ = write!(text, "- {}: {price}", service.name);
            if let Some(minutes) = service.duration_min {
                let _ = write!(text, ", {minutes} minutes");
            }
            if let Some(description) = &service.description {
                let _ = write!(text, ". {description}");
            }
            text.push('\n');
        }
    }

    fn write_people(&self, text: &mut String) {
        if !self.staff.is_empty() {
            let _ = writeln!(text, "\nStaff:");
            for member in &self.staff {
                match &member.role {
                    Some(role) => {
                        let _ = writeln!(text, "- {}, {role}", member.name);
                    }
                    None => {
                        let _ = writeln!(text, "- {}", member.name);
                    }
                }
            }
        }
        if !self.appointment_types.is_empty() {
            let _ = writeln!(text, "\nAppointments that can be booked:");
            for appointment_type in &self.appointment_types {
                let _ = write!(
                    text,
                    "- {}: {} minutes",
                    appointment_type.name, appointment_type.duration_min
                );
                if !appointment_type.staff.is_empty() {
                    let _ = write!(text, ", with {}", appointment_type.staff.join(" or "));
                }
                if let Some(description) = &appointment_type.description {
                    let _ = write!(text, ". {description}");
                }
                text.push('\n');
            }
        }
    }
}

fn optional_line(text: &mut String, label: &str, value: Option<&str>) {
    if let Some(value) = value {
        let _ = writeln!(text, "{label}: {value}");
    }
}

fn closure_line(closure: &Closure) -> String {
    let dates = if closure.first == closure.last {
        closure.first.to_string()
    } else {
        format!("{} to {}", closure.first, closure.last)
    };
    let hours = if closure.hours.is_empty() {
        "closed".to_string()
    } else {
        let intervals: Vec<String> = closure.hours.iter().map(ToString::to_string).collect();
        format!("open {}", intervals.join(", "))
    };
    match &closure.reason {
        Some(reason) => format!("{dates}: {hours} ({reason})"),
        None => format!("{dates}: {hours}"),
    }
}
