//! The business's offer to callers: the services with their prices, and the answers to
//! frequent questions.

use maud::{html, Markup};
use standardiste_profile::edit::{FaqRow, ProfileDraft, ServiceRow};

use super::inputs::Input;
use super::registry::{counted, FormContext, SectionForm};
use super::rows;
use super::values::{row_input, FormValues};

pub static FAQ: SectionForm = SectionForm {
    slug: "faq",
    title: "Questions",
    intro: "Questions callers often ask, with the answer the box gives.",
    read: read_faq,
    render: render_faq,
    apply: apply_faq,
    summary: |draft| counted(draft.faq_rows().len(), "question", "questions"),
};

pub static SERVICES: SectionForm = SectionForm {
    slug: "services",
    title: "Services",
    intro: "What the business offers, with prices and lengths callers may ask about.",
    read: read_services,
    render: render_services,
    apply: apply_services,
    summary: services_summary,
};

const FAQ_TABLE: &str = "faq";
const SERVICES_TABLE: &str = "services";

fn read_faq(draft: &ProfileDraft, values: &mut FormValues) {
    for (index, row) in draft.faq_rows().into_iter().enumerate() {
        values.set(&row_input(FAQ_TABLE, index, "question"), row.question);
        values.set(&row_input(FAQ_TABLE, index, "answer"), row.answer);
    }
}

fn render_faq(form: &FormContext) -> Markup {
    rows::render(form, FAQ_TABLE, "question", |index| {
        let field = |key| row_input(FAQ_TABLE, index, key);
        html! {
            (Input::text(field("question"), "Question").placeholder("Do you treat children?").render(form))
            (Input::area(field("answer"), "Answer", 2).render(form))
        }
    })
}

fn apply_faq(values: &FormValues, draft: &mut ProfileDraft) {
    let rows = rows::submitted(values, FAQ_TABLE, |index| FaqRow {
        question: values.get(&row_input(FAQ_TABLE, index, "question")).to_string(),
        answer: values.get(&row_input(FAQ_TABLE, index, "answer")).to_string(),
    });
    if let Some(rows) = rows {
        draft.set_faq(&rows);
    }
}

fn read_services(draft: &ProfileDraft, values: &mut FormValues) {
    for (index, row) in draft.service_rows().into_iter().enumerate() {
        let field = |key| row_input(SERVICES_TABLE, index, key);
        values.set(&field("name"), row.name);
        values.set(&field("price"), row.price);
        values.set(&field("duration_min"), row.duration_min);
        values.set(&field("description"), row.description);
    }
}

fn render_services(form: &FormContext) -> Markup {
    html! {
        p.hint { "A price is an amount with its currency, such as £45, 45 GBP or 45.50 (in the business's currency). "
            "Without a price the box says it is given on request." }
        (rows::render(form, SERVICES_TABLE, "service", |index| {
            let field = |key| row_input(SERVICES_TABLE, index, key);
            html! {
                div.row-fields {
                    (Input::text(field("name"), "Name").render(form))
                    (Input::text(field("price"), "Price").placeholder("on request").render(form))
                    (Input::number(field("duration_min"), "Length in minutes").render(form))
                }
                (Input::area(field("description"), "Description", 2).render(form))
            }
        }))
    }
}

fn apply_services(values: &FormValues, draft: &mut ProfileDraft) {
    let rows = rows::submitted(values, SERVICES_TABLE, |index| {
        let field = |key| values.get(&row_input(SERVICES_TABLE, index, key)).to_string();
        ServiceRow {
            name: field("name"),
            price: field("price"),
            duration_min: field("duration_min"),
            description: field("description"),
        }
    });
    if let Some(rows) = rows {
        draft.set_services(&rows);
    }
}

fn services_summary(draft: &ProfileDraft) -> String {
    let names: Vec<String> = draft.service_rows().into_iter().map(|row| row.name).collect();
    match names.len() {
        0 => "No services yet".to_string(),
        count => format!("{}: {}", counted(count, "service", "services"), names.join(", ")),
    }
}
