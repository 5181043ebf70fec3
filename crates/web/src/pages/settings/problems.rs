//! Problems with a profile, each placed next to the form input it belongs to, and the rest
//! gathered in a summary at the top of the form.

use std::cell::RefCell;
use std::collections::BTreeSet;

use maud::{html, Markup};
use standardiste_profile::FieldError;

use super::registry::capitalized;

/// The problems of one form page, with the input each belongs to.
///
/// Inputs take their problems while the form renders; the ones no input took are
/// [`FieldProblems::unplaced`], so the form is rendered before its summary.
#[derive(Debug, Default)]
pub struct FieldProblems {
    /// Each problem with the name of its input.
    problems: Vec<(String, FieldError)>,
    /// Inputs that showed their problems.
    placed: RefCell<BTreeSet<String>>,
}

impl FieldProblems {
    /// Places `problems` on the inputs `input_of` names for their fields.
    pub fn new(problems: &[FieldError], input_of: impl Fn(&str) -> String) -> FieldProblems {
        FieldProblems {
            problems: problems.iter().map(|problem| (input_of(&problem.field), problem.clone())).collect(),
            placed: RefCell::default(),
        }
    }

    /// Returns the messages for the inputs `names` and marks them as shown.
    pub fn take(&self, names: &[&str]) -> Vec<String> {
        let messages: Vec<String> = self
            .problems
            .iter()
            .filter(|(input, _)| names.contains(&input.as_str()))
            .map(|(_, problem)| message(problem))
            .collect();
        if !messages.is_empty() {
            self.placed.borrow_mut().extend(names.iter().map(|name| name.to_string()));
        }
        messages
    }

    /// Returns the problems whose input the form did not show.
    pub fn unplaced(&self) -> Vec<&FieldError> {
        let placed = self.placed.borrow();
        self.problems
            .iter()
            .filter(|(input, _)| !placed.contains(input))
            .map(|(_, problem)| problem)
            .collect()
    }

    /// Returns the number of problems, placed or not.
    pub fn count(&self) -> usize {
        self.problems.len()
    }
}

/// Returns a problem as shown next to its input: the value, unless it is empty or the
/// problem quotes it, what is wrong, and the fix.
pub fn message(problem: &FieldError) -> String {
    let body = format!("{}. Fix: {}.", problem.problem, problem.fix);
    match &problem.value {
        Some(value) if worth_quoting(&problem.problem, value) => format!("{value}: {body}"),
        _ => capitalized(&body),
    }
}

/// Tells whether the message should start with `value`, a TOML value: not when it is
/// empty, because the empty input shows that itself, nor when `problem` contains it.
fn worth_quoting(problem: &str, value: &str) -> bool {
    let bare = value.trim_matches('"');
    !bare.trim().is_empty() && !problem.contains(bare)
}

/// Renders the messages of one input, each under it.
pub fn messages(messages: &[String]) -> Markup {
    html! {
        @for message in messages { p.field-error role="alert" { (message) } }
    }
}

/// Renders a list of problems with their field and line, for the file editor and summaries.
pub fn list(problems: &[&FieldError]) -> Markup {
    html! {
        ul.problems {
            @for problem in problems { li { (problem.to_string()) } }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problem(field: &str, value: Option<&str>, problem: &str) -> FieldError {
        FieldError {
            field: field.to_string(),
            value: value.map(str::to_string),
            problem: problem.to_string(),
            fix: "write it as 45 GBP".to_string(),
            line: Some(3),
        }
    }

    #[test]
    fn message_quotes_value_once() {
        let price = problem("services[0].price", Some("\"cheap\""), "the price has no amount");
        assert_eq!(message(&price), "\"cheap\": the price has no amount. Fix: write it as 45 GBP.");
        let hours = problem("opening_hours.monday", Some("\"9 to 5\""), "`9 to 5` is not an interval");
        assert_eq!(message(&hours), "`9 to 5` is not an interval. Fix: write it as 45 GBP.");
        let empty = problem("name", Some("\"\""), "the text is empty");
        assert_eq!(message(&empty), "The text is empty. Fix: write it as 45 GBP.");
    }

    #[test]
    fn unshown_problems_stay_unplaced() {
        let problems = FieldProblems::new(
            &[problem("name", None, "the name is empty"), problem("languages[1]", None, "unknown")],
            |field| field.split('[').next().unwrap_or(field).to_string(),
        );
        assert_eq!(problems.take(&["name"]).len(), 1);
        assert!(problems.take(&["phone"]).is_empty());
        let unplaced = problems.unplaced();
        assert_eq!(unplaced.len(), 1);
        assert_eq!(unplaced[0].field, "languages[1]");
    }
}
