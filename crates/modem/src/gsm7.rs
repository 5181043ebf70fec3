//! The GSM 7-bit default alphabet and its extension table (3GPP TS 23.038
//! section 6.2.1), and septet packing (section 6.1.2.1).

/// Escape septet: the next septet is read from the extension table.
pub const ESCAPE: u8 = 0x1B;

/// Default alphabet, indexed by septet. Index 0x1B is the escape code and
/// never matches a character on encode.
const DEFAULT_ALPHABET: [char; 128] = [
    '@', '£', '$', '¥', 'è', 'é', 'ù', 'ì', 'ò', 'Ç', '\n', 'Ø', 'ø', '\r', 'Å', 'å', //
    'Δ', '_', 'Φ', 'Γ', 'Λ', 'Ω', 'Π', 'Ψ', 'Σ', 'Θ', 'Ξ', '\u{1B}', 'Æ', 'æ', 'ß', 'É', //
    ' ', '!', '"', '#', '¤', '%', '&', '\'', '(', ')', '*', '+', ',', '-', '.', '/', //
    '0', '1', '2', '3', '4', '5', '6', '7', '8', '9', ':', ';', '<', '=', '>', '?', //
    '¡', 'A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'I', 'J', 'K', 'L', 'M', 'N', 'O', //
    'P', 'Q', 'R', 'S', 'T', 'U', 'V', 'W', 'X', 'Y', 'Z', 'Ä', 'Ö', 'Ñ', 'Ü', '§', //
    '¿', 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l', 'm', 'n', 'o', //
    'p', 'q', 'r', 's', 't', 'u', 'v', 'w', 'x', 'y', 'z', 'ä', 'ö', 'ñ', 'ü', 'à', //
];

/// Extension table: the septet after ESCAPE, and its character.
const EXTENSION: [(u8, char); 10] = [
    (0x0A, '\u{0C}'),
    (0x14, '^'),
    (0x28, '{'),
    (0x29, '}'),
    (0x2F, '\\'),
    (0x3C, '['),
    (0x3D, '~'),
    (0x3E, ']'),
    (0x40, '|'),
    (0x65, '€'),
];

/// Appends the septets of `c` to `out` (one, or ESCAPE plus one for the
/// extension table). Returns false, appending nothing, when `c` has no GSM-7 form.
pub fn push_char(c: char, out: &mut Vec<u8>) -> bool {
    if let Some(septet) = default_septet(c) {
        out.push(septet);
        return true;
    }
    if let Some((septet, _)) = EXTENSION.iter().find(|(_, extended)| *extended == c) {
        out.push(ESCAPE);
        out.push(*septet);
        return true;
    }
    false
}

/// Returns how many septets `c` takes (1, or 2 for the extension table), or
/// None when it has no GSM-7 form.
pub fn septet_count(c: char) -> Option<usize> {
    if default_septet(c).is_some() {
        Some(1)
    } else if EXTENSION.iter().any(|(_, extended)| *extended == c) {
        Some(2)
    } else {
        None
    }
}

fn default_septet(c: char) -> Option<u8> {
    DEFAULT_ALPHABET
        .iter()
        .position(|&known| known == c)
        .filter(|&index| index != usize::from(ESCAPE))
        .and_then(|index| u8::try_from(index).ok())
}

/// Encodes `text` as septets, or returns None if a character has no GSM-7 form.
pub fn encode(text: &str) -> Option<Vec<u8>> {
    let mut septets = Vec::with_capacity(text.len());
    for c in text.chars() {
        if !push_char(c, &mut septets) {
            return None;
        }
    }
    Some(septets)
}

/// Decodes septets to text. An escape followed by a code missing from the
/// extension table reads as the default-alphabet character of that code, the
/// receiver behaviour 23.038 specifies, and a trailing escape is dropped.
pub fn decode(septets: &[u8]) -> String {
    let mut text = String::with_capacity(septets.len());
    let mut escaped = false;
    for &septet in septets {
        let septet = septet & 0x7F;
        if escaped {
            escaped = false;
            let extended = EXTENSION.iter().find(|(code, _)| *code == septet);
            match extended {
                Some((_, c)) => text.push(*c),
                None => text.push(default_char(septet)),
            }
        } else if septet == ESCAPE {
            escaped = true;
        } else {
            text.push(default_char(septet));
        }
    }
    text
}

fn default_char(septet: u8) -> char {
    DEFAULT_ALPHABET
        .get(usize::from(septet))
        .copied()
        .unwrap_or(' ')
}

/// Number of fill bits after a user data header of `header_octets` octets,
/// so that the first septet of text starts on a septet boundary.
pub fn fill_bits(header_octets: usize) -> usize {
    (7 - (header_octets * 8) % 7) % 7
}

/// Number of septets a user data header of `header_octets` octets occupies,
/// fill bits included. TP-UDL counts these plus the text septets.
pub fn header_septets(header_octets: usize) -> usize {
    (header_octets * 8 + fill_bits(header_octets)) / 7
}

/// Packs `header` octets, then fill bits, then `septets` (7 bits each,
/// least significant bit first) into octets.
pub fn pack(header: &[u8], septets: &[u8]) -> Vec<u8> {
    let start_bit = header.len() * 8 + fill_bits(header.len());
    let total_bits = start_bit + septets.len() * 7;
    let mut out = vec![0u8; total_bits.div_ceil(8)];
    out[..header.len()].copy_from_slice(header);

    for (index, &septet) in septets.iter().enumerate() {
        let bit = start_bit + index * 7;
        let value = u16::from(septet & 0x7F) << (bit % 8);
        let [low, high] = value.to_le_bytes();
        if let Some(octet) = out.get_mut(bit / 8) {
            *octet |= low;
        }
        if high != 0 {
            if let Some(octet) = out.get_mut(bit / 8 + 1) {
                *octet |= high;
            }
        }
    }
    out
}

/// Unpacks `count` septets starting at bit `start_bit` of `octets`. Returns
/// None when `octets` is too short to hold them.
pub fn unpack(octets: &[u8], start_bit: usize, count: usize) -> Option<Vec<u8>> {
    let end_bit = start_bit.checked_add(count.checked_mul(7)?)?;
    if end_bit > octets.len() * 8 {
        return None;
    }
    let mut septets = Vec::with_capacity(count);
    for index in 0..count {
        let bit = start_bit + index * 7;
        let low = u16::from(*octets.get(bit / 8)?);
        let high = u16::from(octets.get(bit / 8 + 1).copied().unwrap_or(0));
        let value = ((high << 8 | low) >> (bit % 8)) & 0x7F;
        septets.push(value as u8);
    }
    Some(septets)
}
