//! Reader of float arrays from a NumPy `.npz` archive (a zip of `.npy` files).
//!
//! An `.npy` file is the magic `\x93NUMPY`, a version byte pair, the header length (u16 for
//! version 1, u32 for versions 2 and 3), a Python dict literal with the keys `descr`,
//! `fortran_order` and `shape`, then the raw data.

use std::io::{Cursor, Read};

use super::ConvertError;

/// A row-major f32 array.
#[derive(Debug, Clone, PartialEq)]
pub struct Array {
    pub shape: Vec<usize>,
    pub data: Vec<f32>,
}

/// Reads array `key` (stored as `<key>.npy`) from the bytes of an `.npz` file.
///
/// Accepts little-endian f4 or f8 data in C order and narrows f8 to f32.
pub fn read_npz_array(npz: &[u8], key: &str) -> Result<Array, ConvertError> {
    let invalid = |message: String| ConvertError::MelFilters(message);
    let mut zip = zip::ZipArchive::new(Cursor::new(npz))
        .map_err(|e| invalid(format!("not a zip archive: {e}")))?;
    let member = format!("{key}.npy");
    let mut file = zip
        .by_name(&member)
        .map_err(|e| invalid(format!("{member}: {e}")))?;
    let mut bytes = Vec::new();
    file.read_to_end(&mut bytes)?;
    read_npy(&bytes).map_err(|message| invalid(format!("{member}: {message}")))
}

/// Parses the bytes of one `.npy` file.
pub fn read_npy(bytes: &[u8]) -> Result<Array, String> {
    let rest = bytes
        .strip_prefix(b"\x93NUMPY")
        .ok_or_else(|| "missing the \\x93NUMPY magic".to_string())?;
    let (&major, rest) = rest.split_first().ok_or("truncated header")?;
    let (_minor, rest) = rest.split_first().ok_or("truncated header")?;
    let (header_len, rest) = match major {
        1 if rest.len() >= 2 => (u16::from_le_bytes([rest[0], rest[1]]) as usize, &rest[2..]),
        2 | 3 if rest.len() >= 4 => (
            u32::from_le_bytes([rest[0], rest[1], rest[2], rest[3]]) as usize,
            &rest[4..],
        ),
        _ => return Err(format!("unsupported .npy version {major}")),
    };
    if rest.len() < header_len {
        return Err("truncated header".to_string());
    }
    let header =
        std::str::from_utf8(&rest[..header_len]).map_err(|_| "header is not UTF-8".to_string())?;
    let data = &rest[header_len..];

    let descr = dict_value(header, "descr")?;
    let fortran_order = dict_value(header, "fortran_order")?;
    let shape = parse_shape(dict_value(header, "shape")?)?;
    if fortran_order != "False" {
        return Err("Fortran-ordered arrays are not supported".to_string());
    }
    let element_count: usize = shape.iter().product();
    let values: Vec<f32> = match descr.trim_matches(|c| c == '\'' || c == '"') {
        "<f4" => data
            .chunks_exact(4)
            .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
            .collect(),
        "<f8" => data
            .chunks_exact(8)
            .map(|b| f64::from_le_bytes([b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]]) as f32)
            .collect(),
        other => {
            return Err(format!(
                "dtype {other} is not supported (expected <f4 or <f8)"
            ))
        }
    };
    if values.len() != element_count {
        return Err(format!(
            "shape {shape:?} needs {element_count} values but the data holds {}",
            values.len()
        ));
    }
    Ok(Array {
        shape,
        data: values,
    })
}

/// Returns the source text of the value of `'key'` in a flat Python dict literal.
fn dict_value<'a>(header: &'a str, key: &str) -> Result<&'a str, String> {
    let quoted = format!("'{key}':");
    let start = header
        .find(&quoted)
        .map(|index| index + quoted.len())
        .ok_or_else(|| format!("header has no `{key}` key"))?;
    let value = header[start..].trim_start();
    // The value ends at the comma that follows it, except that a tuple contains commas.
    let end = if value.starts_with('(') {
        value.find(')').map(|index| index + 1)
    } else {
        value.find([',', '}'])
    }
    .ok_or_else(|| format!("header value of `{key}` is not terminated"))?;
    Ok(value[..end].trim())
}

fn parse_shape(text: &str) -> Result<Vec<usize>, String> {
    let inner = text
        .strip_prefix('(')
        .and_then(|rest| rest.strip_suffix(')'))
        .ok_or_else(|| format!("shape `{text}` is not a tuple"))?;
    inner
        .split(',')
        .map(str::trim)
        .filter(|item| !item.is_empty())
        .map(|item| {
            item.parse()
                .map_err(|_| format!("shape `{text}` has a non-integer dimension"))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn npy(header: &str, data: &[u8]) -> Vec<u8> {
        let mut bytes = b"\x93NUMPY\x01\x00".to_vec();
        bytes.extend_from_slice(&(header.len() as u16).to_le_bytes());
        bytes.extend_from_slice(header.as_bytes());
        bytes.extend_from_slice(data);
        bytes
    }

    #[test]
    fn npy_f4_matrix_parses() {
        let data: Vec<u8> = [1.0f32, 2.0, 3.0, 4.0, 5.0, 6.0]
            .iter()
            .flat_map(|v| v.to_le_bytes())
            .collect();
        let bytes = npy(
            "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }\n",
            &data,
        );
        let array = read_npy(&bytes).unwrap();
        assert_eq!(array.shape, vec![2, 3]);
        assert_eq!(array.data, vec![1.0, 2.0, 3.0, 4.0, 5.0, 6.0]);
    }

    #[test]
    fn npy_one_dimensional_shape_parses() {
        let data: Vec<u8> = [0.5f64, -2.0]
            .iter()
            .flat_map(|v| v.to_le_bytes())
            .collect();
        let bytes = npy(
            "{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }\n",
            &data,
        );
        let array = read_npy(&bytes).unwrap();
        assert_eq!(array.shape, vec![2]);
        assert_eq!(array.data, vec![0.5, -2.0]);
    }

    #[test]
    fn npy_fortran_order_is_rejected() {
        let bytes = npy(
            "{'descr': '<f4', 'fortran_order': True, 'shape': (1,), }\n",
            &[0; 4],
        );
        let error = read_npy(&bytes).unwrap_err();
        assert!(error.contains("Fortran"), "{error}");
    }

    #[test]
    fn npy_short_data_is_rejected() {
        let bytes = npy(
            "{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }\n",
            &[0; 8],
        );
        let error = read_npy(&bytes).unwrap_err();
        assert!(error.contains("needs 3 values"), "{error}");
    }
}
