//! Forms for the file's `[[table]]` lists (closures, FAQ, services, appointment types,
//! staff): the rows there are, blank rows to add one, and a Remove box on each.
//!
//! The edit module drops rows whose fields are all empty, so an emptied row is removed too.

use maud::{html, Markup};

use super::inputs::row_problems;
use super::registry::{capitalized, FormContext};
use super::values::{row_input, FormValues};

/// Blank rows a list offers for new entries.
pub const BLANK_ROWS: usize = 3;

/// Key of the checkbox that removes a row.
const REMOVE: &str = "remove";

/// Renders the rows of `table` with `fields(index)`, then [`BLANK_ROWS`] blank ones. `noun`
/// names one entry, such as "service".
pub fn render(form: &FormContext, table: &str, noun: &str, fields: impl Fn(usize) -> Markup) -> Markup {
    let count = form.values.row_count(table);
    html! {
        @for index in 0..count + BLANK_ROWS {
            @let new = index >= count;
            fieldset.row {
                legend {
                    @if new { "New " (noun) } @else { (capitalized(noun)) " " (index + 1) }
                }
                (row_problems(form, &format!("{table}[{index}]")))
                (fields(index))
                @if !new {
                    @let name = row_input(table, index, REMOVE);
                    label.remove {
                        input type="checkbox" name=(name) value=(super::values::TICKED) checked[form.values.is_ticked(&name)];
                        " Remove this " (noun)
                    }
                }
            }
        }
    }
}

/// Returns the submitted rows of `table`, read with `read(index)`, with each row whose
/// Remove box is ticked made blank so the edit module drops it. `None` when the form sent no
/// row of the table, which then stays as it is.
pub fn submitted<R: Default>(values: &FormValues, table: &str, read: impl Fn(usize) -> R) -> Option<Vec<R>> {
    if !values.has_rows(table) {
        return None;
    }
    let rows = (0..values.row_count(table))
        .map(|index| {
            if values.is_ticked(&row_input(table, index, REMOVE)) {
                R::default()
            } else {
                read(index)
            }
        })
        .collect();
    Some(rows)
}
