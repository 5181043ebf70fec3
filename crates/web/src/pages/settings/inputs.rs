//! The inputs of the settings forms: each with its label, a hint, the value from the form's
//! values, and its problems under it.
//!
//! An input's name is the path of its value in the profile file (`answering.rings`,
//! `services[1].price`), which is also its id, so a label and a problem find it.

use maud::{html, Markup};

use super::problems::messages;
use super::registry::FormContext;

/// Kind of control of an input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Control {
    Text,
    /// A whole number, typed as text so that "30 min" reaches the server and gets a message.
    Number,
    Tel,
    Email,
    Date,
    /// A text area with this many rows.
    Area(u8),
}

/// An input being described, rendered by [`Input::render`].
pub struct Input {
    name: String,
    label: String,
    hint: Option<String>,
    placeholder: Option<String>,
    control: Control,
    /// More input names whose problems show under this input.
    also: Vec<String>,
}

impl Input {
    pub fn text(name: impl Into<String>, label: impl Into<String>) -> Input {
        Input {
            name: name.into(),
            label: label.into(),
            hint: None,
            placeholder: None,
            control: Control::Text,
            also: Vec::new(),
        }
    }

    pub fn number(name: impl Into<String>, label: impl Into<String>) -> Input {
        Input {
            control: Control::Number,
            ..Input::text(name, label)
        }
    }

    pub fn tel(name: impl Into<String>, label: impl Into<String>) -> Input {
        Input {
            control: Control::Tel,
            ..Input::text(name, label)
        }
    }

    pub fn email(name: impl Into<String>, label: impl Into<String>) -> Input {
        Input {
            control: Control::Email,
            ..Input::text(name, label)
        }
    }

    /// Creates an input for a date written `YYYY-MM-DD`.
    pub fn date(name: impl Into<String>, label: impl Into<String>) -> Input {
        Input {
            control: Control::Date,
            ..Input::text(name, label)
        }
    }

    pub fn area(name: impl Into<String>, label: impl Into<String>, rows: u8) -> Input {
        Input {
            control: Control::Area(rows),
            ..Input::text(name, label)
        }
    }

    pub fn hint(mut self, hint: impl Into<String>) -> Input {
        self.hint = Some(hint.into());
        self
    }

    pub fn placeholder(mut self, placeholder: impl Into<String>) -> Input {
        self.placeholder = Some(placeholder.into());
        self
    }

    /// Shows the problems of the input `name` under this one too.
    pub fn also(mut self, name: impl Into<String>) -> Input {
        self.also.push(name.into());
        self
    }

    /// Renders the label, the hint, the control with its value, and the problems, followed
    /// by `extra`, such as a Listen button.
    pub fn render_with(&self, form: &FormContext, extra: Markup) -> Markup {
        let mut names: Vec<&str> = vec![self.name.as_str()];
        names.extend(self.also.iter().map(String::as_str));
        let problems = form.problems.take(&names);
        let invalid = (!problems.is_empty()).then_some("true");
        let hint_id = format!("{}-hint", self.name);
        let described = self.hint.as_ref().map(|_| hint_id.as_str());
        let value = form.values.get(&self.name);
        html! {
            div.field {
                label for=(self.name) { (self.label) }
                @if let Some(hint) = &self.hint { p.hint id=(hint_id) { (hint) } }
                @match self.control {
                    Control::Area(rows) => {
                        textarea id=(self.name) name=(self.name) rows=(rows) placeholder=[self.placeholder.as_deref()]
                            aria-invalid=[invalid] aria-describedby=[described] { (value) }
                    }
                    control => {
                        input id=(self.name) name=(self.name) type=(input_type(control)) value=(value)
                            inputmode=[(control == Control::Number).then_some("numeric")]
                            placeholder=[self.placeholder.as_deref()]
                            aria-invalid=[invalid] aria-describedby=[described];
                    }
                }
                (extra)
                (messages(&problems))
            }
        }
    }

    pub fn render(&self, form: &FormContext) -> Markup {
        self.render_with(form, html! {})
    }
}

fn input_type(control: Control) -> &'static str {
    match control {
        Control::Tel => "tel",
        Control::Email => "email",
        // A text input, not type=date, so a wrongly written date stays visible to correct.
        Control::Date | Control::Text | Control::Number | Control::Area(_) => "text",
    }
}

/// Renders a checkbox, ticked when the form's value of `name` is true.
pub fn checkbox(form: &FormContext, name: &str, label: &str, hint: Option<&str>) -> Markup {
    let problems = form.problems.take(&[name]);
    html! {
        div.field.check {
            label {
                input type="checkbox" id=(name) name=(name) value=(super::values::TICKED) checked[form.values.is_ticked(name)];
                " " (label)
            }
            @if let Some(hint) = hint { p.hint { (hint) } }
            (messages(&problems))
        }
    }
}

/// Renders a choice among `options`, given as value and label. A value of the form that is not
/// among them, such as a mistyped one in the file, is offered too, so it shows with its
/// problem.
pub fn select(form: &FormContext, name: &str, label: &str, options: &[(&str, &str)]) -> Markup {
    let problems = form.problems.take(&[name]);
    let current = form.values.get(name);
    let unknown = !current.is_empty() && !options.iter().any(|(value, _)| *value == current);
    html! {
        div.field {
            label for=(name) { (label) }
            select id=(name) name=(name) aria-invalid=[(!problems.is_empty()).then_some("true")] {
                @for (value, text) in options {
                    option value=(value) selected[*value == current] { (text) }
                }
                @if unknown { option value=(current) selected { (current) " (not a known value)" } }
            }
            (messages(&problems))
        }
    }
}

/// Renders the problems of a whole row, such as two closures that overlap.
pub fn row_problems(form: &FormContext, row: &str) -> Markup {
    messages(&form.problems.take(&[row]))
}
