//! Changes to the TOML document that keep the owner's comments and layout.
//!
//! toml_edit stores the comment lines above a `key = value` line in the key's decor, and the
//! ones above a `[table]` or the first `[[table]]` header in that table's decor. The helpers
//! here replace values in place, so those comments stay where they are, and move the comments
//! along when an item changes between a value and a table.

use toml_edit::{Array, ArrayOfTables, Item, Table, TableLike, Value};

/// Width above which a new list is written one item per line.
const MAX_ONE_LINE_LIST: usize = 80;

/// Indentation of the items of a list written one item per line, when the file has none.
const LIST_INDENT: &str = "    ";

/// Returns the table at `path` under `root`, creating the missing ones.
///
/// A created table is implicit, so toml_edit writes no header for it until it contains a
/// value. Fails with the path of the first item that exists but is not a table.
pub(super) fn section_mut<'a>(
    root: &'a mut dyn TableLike,
    path: &[&str],
) -> Result<&'a mut dyn TableLike, String> {
    let mut current = root;
    for (depth, key) in path.iter().enumerate() {
        if current.get(key).is_none_or(Item::is_none) {
            let mut table = Table::new();
            table.set_implicit(true);
            current.insert(key, Item::Table(table));
        }
        current = current
            .get_mut(key)
            .and_then(Item::as_table_like_mut)
            .ok_or_else(|| path[..=depth].join("."))?;
    }
    Ok(current)
}

/// Returns the table at `path` under `root` when it exists.
pub(super) fn existing_section_mut<'a>(
    root: &'a mut dyn TableLike,
    path: &[&str],
) -> Option<&'a mut dyn TableLike> {
    let mut current = root;
    for key in path {
        current = current.get_mut(key)?.as_table_like_mut()?;
    }
    Some(current)
}

/// Sets `key` to `value`. An existing value keeps its decor (spacing and a trailing comment),
/// and an existing table becomes a `key = value` line that keeps the table's comment.
pub(super) fn set_value(table: &mut dyn TableLike, key: &str, mut value: Value) {
    match table.get_mut(key) {
        Some(Item::Value(old)) => {
            *value.decor_mut() = old.decor().clone();
            *old = value;
        }
        None | Some(Item::None) => {
            table.insert(key, Item::Value(value));
        }
        Some(Item::Table(_) | Item::ArrayOfTables(_)) => {
            let comment = take_comment(table, key);
            if let Some(item) = table.get_mut(key) {
                *item = Item::Value(value);
            }
            if let Some(mut stored_key) = table.key_mut(key) {
                let decor = stored_key.leaf_decor_mut();
                decor.clear();
                decor.set_prefix(comment);
            }
        }
    }
}

/// Sets `key` to the table `new`, keeping the comment above the item it replaces.
///
/// Inside an inline table, `new` becomes an inline table, as TOML requires.
pub(super) fn set_table(table: &mut dyn TableLike, key: &str, mut new: Table) {
    match table.get(key) {
        None | Some(Item::None) => {
            table.insert(key, Item::Table(new));
        }
        Some(_) => {
            let mut comment = take_comment(table, key);
            // A header follows a blank line, as toml_edit writes a new one.
            if !comment.starts_with('\n') {
                comment.insert(0, '\n');
            }
            new.decor_mut().set_prefix(comment);
            if let Some(mut stored_key) = table.key_mut(key) {
                // A header writes its key alone: `[greeting]`, not `[ greeting ]`.
                stored_key.leaf_decor_mut().clear();
            }
            if let Some(item) = table.get_mut(key) {
                *item = Item::Table(new);
            }
        }
    }
}

/// Replaces the `[[key]]` array of tables with `rows`, or removes it when `rows` is empty.
///
/// The comment above the first old `[[key]]` header goes to the first new one. The new rows
/// take the document positions of the old ones, so they are written where the old rows were.
/// A row past the old count has no position, so toml_edit writes it after the row before it.
pub(super) fn set_rows(table: &mut dyn TableLike, key: &str, rows: Vec<Table>) -> Option<String> {
    if rows.is_empty() {
        return remove(table, key);
    }
    let old_positions: Vec<Option<isize>> = match table.get(key) {
        Some(Item::ArrayOfTables(old)) => old.iter().map(Table::position).collect(),
        _ => Vec::new(),
    };
    let exists = table.get(key).is_some_and(|item| !item.is_none());
    // The rows stay where the old ones were, so the whole comment stays with them.
    let comment = comment_of(table, key);

    let mut array = ArrayOfTables::new();
    for (index, mut row) in rows.into_iter().enumerate() {
        if let Some(position) = old_positions.get(index) {
            row.set_position(*position);
        }
        if index == 0 && !comment.is_empty() {
            row.decor_mut().set_prefix(comment.clone());
        }
        array.push(row);
    }
    if !exists {
        table.insert(key, Item::ArrayOfTables(array));
        return None;
    }
    if let Some(mut stored_key) = table.key_mut(key) {
        stored_key.leaf_decor_mut().clear();
    }
    if let Some(item) = table.get_mut(key) {
        *item = Item::ArrayOfTables(array);
    }
    None
}

/// Removes `key`, with its own comment.
///
/// Comment lines separated from the key's own comment by a blank line are about more than
/// this key (the file's header, a note on a group of settings), so they move to the next
/// item of `table`. Returns them when `table` has no next item.
pub(super) fn remove(table: &mut dyn TableLike, key: &str) -> Option<String> {
    if table.get(key).is_none_or(Item::is_none) {
        return None;
    }
    let leftover = detach_general_comment(table, key);
    table.remove(key);
    leftover
}

/// Builds a list of texts, written one item per line when `old` was, or when one line would
/// be wider than [`MAX_ONE_LINE_LIST`].
pub(super) fn text_list(items: &[String], old: Option<&Item>) -> Value {
    let mut array = Array::new();
    for item in items {
        array.push(item.as_str());
    }
    let old_array = old.and_then(Item::as_array);
    let indent = old_array.and_then(item_indent);
    let wide = array.to_string().chars().count() > MAX_ONE_LINE_LIST;
    if indent.is_some() || wide {
        let indent = indent.unwrap_or_else(|| LIST_INDENT.to_string());
        for value in array.iter_mut() {
            value.decor_mut().set_prefix(format!("\n{indent}"));
            value.decor_mut().set_suffix("");
        }
        array.set_trailing_comma(true);
        array.set_trailing("\n");
    }
    Value::Array(array)
}

/// Returns the indentation of the items of a list written one item per line.
fn item_indent(array: &Array) -> Option<String> {
    let prefix = array.iter().next()?.decor().prefix()?.as_str()?;
    let (_, indent) = prefix.rsplit_once('\n')?;
    Some(indent.to_string())
}

/// Takes the comment above the item at `key` for the item that replaces it, moving the
/// general part of it to the next item (see [`remove`]).
fn take_comment(table: &mut dyn TableLike, key: &str) -> String {
    // Where nothing follows, the general part stays with the new item.
    match detach_general_comment(table, key) {
        Some(general) => format!("{general}{}", comment_of(table, key)),
        None => comment_of(table, key),
    }
}

/// Moves the general part of the comment above `key` to the next item, leaving the key's own
/// comment in place. Returns the general part when no item follows.
fn detach_general_comment(table: &mut dyn TableLike, key: &str) -> Option<String> {
    let comment = comment_of(table, key);
    let (general, own) = split_comment(&comment);
    if general.is_empty() {
        return None;
    }
    let (general, own) = (general.to_string(), own.to_string());
    set_comment(table, key, own);
    let keys: Vec<String> = table.iter().map(|(name, _)| name.to_string()).collect();
    let next = keys
        .iter()
        .skip_while(|name| name.as_str() != key)
        .nth(1)
        .filter(|name| comment_holder(table, name));
    match next {
        Some(next) => {
            let merged = format!(
                "{general}{}",
                strip_leading_blank_lines(&comment_of(table, next))
            );
            set_comment(table, next, merged);
            None
        }
        None => Some(general),
    }
}

/// Tells whether the item at `key` has a place for a comment above it.
fn comment_holder(table: &dyn TableLike, key: &str) -> bool {
    match table.get(key) {
        Some(Item::Value(_) | Item::Table(_)) => true,
        Some(Item::ArrayOfTables(array)) => !array.is_empty(),
        _ => false,
    }
}

/// Returns the text above the item at `key`: blank lines and comment lines.
fn comment_of(table: &dyn TableLike, key: &str) -> String {
    let decor = match table.get(key) {
        Some(Item::Value(_)) => table.key(key).map(|stored_key| stored_key.leaf_decor()),
        Some(Item::Table(inner)) => Some(inner.decor()),
        Some(Item::ArrayOfTables(array)) => array.get(0).map(Table::decor),
        _ => None,
    };
    decor
        .and_then(|decor| decor.prefix())
        .and_then(|prefix| prefix.as_str())
        .unwrap_or("")
        .to_string()
}

fn set_comment(table: &mut dyn TableLike, key: &str, comment: String) {
    match table.get_mut(key) {
        Some(Item::Value(_)) => {
            if let Some(mut stored_key) = table.key_mut(key) {
                stored_key.leaf_decor_mut().set_prefix(comment);
            }
        }
        Some(Item::Table(inner)) => inner.decor_mut().set_prefix(comment),
        Some(Item::ArrayOfTables(array)) => {
            if let Some(first) = array.get_mut(0) {
                first.decor_mut().set_prefix(comment);
            }
        }
        _ => {}
    }
}

/// Splits the text above an item into its general part and the item's own comment.
///
/// The own comment is the block of lines right above the item. The general part is
/// everything up to the last blank line that follows a comment line, or nothing when no
/// blank line follows a comment line.
pub(super) fn split_comment(text: &str) -> (&str, &str) {
    let mut seen_comment = false;
    let mut cut = 0;
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        offset += line.len();
        let content = line.trim();
        if content.starts_with('#') {
            seen_comment = true;
        } else if content.is_empty() && line.ends_with('\n') && seen_comment {
            cut = offset;
        }
    }
    text.split_at(cut)
}

fn strip_leading_blank_lines(text: &str) -> &str {
    let mut rest = text;
    while let Some((line, after)) = rest.split_once('\n') {
        if !line.trim().is_empty() {
            break;
        }
        rest = after;
    }
    rest
}

#[cfg(test)]
mod tests {
    use super::*;
    use toml_edit::DocumentMut;

    #[test]
    fn split_comment_separates_general_part() {
        let text = "# Header.\n#\n# More header.\n\n# The name.\n";
        assert_eq!(
            split_comment(text),
            ("# Header.\n#\n# More header.\n\n", "# The name.\n")
        );
        assert_eq!(split_comment("\n# Only own.\n"), ("", "\n# Only own.\n"));
        assert_eq!(split_comment(""), ("", ""));
        assert_eq!(split_comment("# A.\n\n"), ("# A.\n\n", ""));
    }

    #[test]
    fn removing_first_key_keeps_file_header() {
        let text = "# Header.\n\n# Description.\ndescription = \"x\"\n\n# Name.\nname = \"y\"\n";
        let mut document: DocumentMut = text.parse().unwrap();
        let leftover = remove(document.as_table_mut(), "description");
        assert_eq!(leftover, None);
        assert_eq!(document.to_string(), "# Header.\n\n# Name.\nname = \"y\"\n");
    }

    #[test]
    fn set_value_keeps_trailing_comment() {
        let text = "# Rings.\nrings = 4 # four rings\n";
        let mut document: DocumentMut = text.parse().unwrap();
        set_value(document.as_table_mut(), "rings", Value::from(6));
        assert_eq!(document.to_string(), "# Rings.\nrings = 6 # four rings\n");
    }

    #[test]
    fn value_becomes_table_with_comment() {
        let text = "name = \"x\"\n# Hello.\ngreeting = \"Hi\"\n\n[voices]\nen = \"pico\"\n";
        let mut document: DocumentMut = text.parse().unwrap();
        let mut table = Table::new();
        table.insert("en", toml_edit::value("Hi"));
        table.insert("fr", toml_edit::value("Salut"));
        set_table(document.as_table_mut(), "greeting", table);
        assert_eq!(
            document.to_string(),
            "name = \"x\"\n\n# Hello.\n[greeting]\nen = \"Hi\"\nfr = \"Salut\"\n\n[voices]\nen = \"pico\"\n"
        );
    }

    #[test]
    fn rows_keep_whole_comment() {
        let text = "name = \"x\"\n\n# About lists.\n\n# Services.\n[[services]]\nname = \"A\"\n\n[[faq]]\nquestion = \"Q\"\nanswer = \"A\"\n";
        let mut document: DocumentMut = text.parse().unwrap();
        let mut row = Table::new();
        row.insert("name", toml_edit::value("B"));
        set_rows(document.as_table_mut(), "services", vec![row]);
        assert_eq!(
            document.to_string(),
            text.replace("name = \"A\"", "name = \"B\"")
        );
    }

    #[test]
    fn removed_rows_leave_general_comment() {
        let text = "name = \"x\"\n\n# About lists.\n\n# Services.\n[[services]]\nname = \"A\"\n\n# FAQ.\n[[faq]]\nquestion = \"Q\"\nanswer = \"A\"\n";
        let mut document: DocumentMut = text.parse().unwrap();
        assert_eq!(
            set_rows(document.as_table_mut(), "services", Vec::new()),
            None
        );
        assert_eq!(
            document.to_string(),
            "name = \"x\"\n\n# About lists.\n\n# FAQ.\n[[faq]]\nquestion = \"Q\"\nanswer = \"A\"\n"
        );
    }

    #[test]
    fn long_list_goes_one_item_per_line() {
        let items = vec!["a".repeat(50), "b".repeat(50)];
        let value = text_list(&items, None);
        let expected = format!(
            "[\n    \"{}\",\n    \"{}\",\n]",
            "a".repeat(50),
            "b".repeat(50)
        );
        assert_eq!(value.to_string(), expected);
        let short = text_list(&["en".to_string(), "fr".to_string()], None);
        assert_eq!(short.to_string(), "[\"en\", \"fr\"]");
    }
}
