//! SMS text encoding and SMS-SUBMIT PDUs for GSM modules (3GPP TS 23.040,
//! 23.038 and 27.005), used to send call summaries to the owner's mobile.
//!
//! Text that fits the GSM 7-bit alphabet goes as GSM-7 (160 characters per
//! message). Anything else, such as French with `ê` or `î`, goes as UCS-2
//! (70 UTF-16 units per message). Longer texts are split into parts that the
//! phone joins again using a concatenation header.

use crate::gsm7;

pub use crate::error_codes::{cme_error_meaning, cms_error_meaning};

/// Maximum septets of a single GSM-7 message (140 octets).
const GSM7_SINGLE: usize = 160;
/// Maximum text septets per part once the 6-octet concatenation header
/// takes 7 septets.
const GSM7_PART: usize = 153;
/// Maximum UTF-16 units of a single UCS-2 message (140 octets).
const UCS2_SINGLE: usize = 70;
/// Maximum UTF-16 units per part next to the 6-octet concatenation header.
const UCS2_PART: usize = 67;
/// The 8-bit concatenation reference numbers parts from 1 to 255.
const MAX_PARTS: usize = 255;
/// TP-DA contains at most 20 semi-octets.
const MAX_NUMBER_DIGITS: usize = 20;

/// TP-MTI SMS-SUBMIT with TP-VPF relative (bits 4-3 = 10): 0x11.
const FIRST_OCTET: u8 = 0x11;
/// TP-UDHI: the user data starts with a header.
const UDHI: u8 = 0x40;
/// Type of address: international number, ISDN numbering plan.
const TOA_INTERNATIONAL: u8 = 0x91;
/// Type of address: unknown type, ISDN numbering plan.
const TOA_UNKNOWN: u8 = 0x81;
/// TP-DCS values: default alphabet, and UCS-2.
const DCS_GSM7: u8 = 0x00;
const DCS_UCS2: u8 = 0x08;
/// TP-VP relative: (167 - 143) * 30 min + 12 h = 24 hours.
const VALIDITY_24H: u8 = 0xA7;
/// Information element identifier of the concatenation header with an
/// 8-bit reference, and of the one with a 16-bit reference.
const IEI_CONCAT_8: u8 = 0x00;
const IEI_CONCAT_16: u8 = 0x08;

/// Data coding of a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SmsEncoding {
    Gsm7,
    Ucs2,
}

/// Errors of SMS encoding and decoding.
#[derive(Debug, thiserror::Error)]
pub enum SmsError {
    #[error(
        "invalid phone number ({length} characters, ending {tail:?}): {reason}; \
         expected 1 to 20 digits with an optional leading '+', spaces allowed"
    )]
    InvalidNumber {
        length: usize,
        /// The last 3 characters only, so that logs never carry the whole number.
        tail: String,
        reason: String,
    },
    #[error("invalid hex at byte offset {position}: expected an even number of 0-9 A-F digits")]
    InvalidHex { position: usize },
    #[error("invalid UCS-2 text: {detail}")]
    InvalidUcs2 { detail: String },
    #[error("text too long: it needs {parts} SMS parts and at most 255 can be joined; shorten it")]
    TooLong { parts: usize },
    #[error("truncated PDU: it ends inside {field}")]
    Truncated { field: &'static str },
    #[error("unsupported PDU: {detail}")]
    Unsupported { detail: String },
}

/// Encodes `text` as UTF-16BE in uppercase hex (`"é"` is `"00E9"`), the
/// string form that `AT+CSCS="UCS2"` expects.
pub fn ucs2_hex(text: &str) -> String {
    text.encode_utf16()
        .map(|unit| format!("{unit:04X}"))
        .collect()
}

/// Decodes UTF-16BE hex (either case, surrounding spaces ignored) to text.
pub fn from_ucs2_hex(hex: &str) -> Result<String, SmsError> {
    let bytes = hex_to_bytes(hex.trim())?;
    ucs2_from_octets(&bytes)
}

/// Decodes UTF-16BE octets to text.
fn ucs2_from_octets(octets: &[u8]) -> Result<String, SmsError> {
    if !octets.len().is_multiple_of(2) {
        return Err(SmsError::InvalidUcs2 {
            detail: format!(
                "{} octets is not a whole number of 2-octet units",
                octets.len()
            ),
        });
    }
    let units: Vec<u16> = octets
        .chunks_exact(2)
        .map(|pair| u16::from_be_bytes([pair[0], pair[1]]))
        .collect();
    String::from_utf16(&units).map_err(|_| SmsError::InvalidUcs2 {
        detail: "unpaired UTF-16 surrogate".to_string(),
    })
}

/// Returns true when every character of `text` is in the GSM 7-bit default
/// alphabet or its extension table.
pub fn is_gsm7(text: &str) -> bool {
    text.chars().all(|c| gsm7::septet_count(c).is_some())
}

/// Splits `text` into message parts and returns their encoding.
///
/// GSM-7 text fits one message up to 160 septets, else parts of at most 153
/// septets, where extension characters count 2 and are never split. UCS-2
/// text fits one message up to 70 UTF-16 units, else parts of at most 67,
/// and a surrogate pair is never split. Empty text gives one empty part.
pub fn split(text: &str) -> (SmsEncoding, Vec<String>) {
    if is_gsm7(text) {
        let size = |c: char| gsm7::septet_count(c).unwrap_or(1);
        (
            SmsEncoding::Gsm7,
            split_by_size(text, size, GSM7_SINGLE, GSM7_PART),
        )
    } else {
        (
            SmsEncoding::Ucs2,
            split_by_size(text, char::len_utf16, UCS2_SINGLE, UCS2_PART),
        )
    }
}

/// Splits at character boundaries so that no part exceeds `part_max`, or
/// returns the whole text when it fits `single_max`.
///
/// NOTE: parts split between characters, not grapheme clusters, so an emoji
/// sequence joined with U+200D or a letter with a combining accent can be
/// cut in two. Each part still decodes on its own.
fn split_by_size(
    text: &str,
    size: impl Fn(char) -> usize,
    single_max: usize,
    part_max: usize,
) -> Vec<String> {
    let total: usize = text.chars().map(&size).sum();
    if total <= single_max {
        return vec![text.to_string()];
    }
    let mut parts = Vec::new();
    let mut current = String::new();
    let mut current_size = 0;
    for c in text.chars() {
        let char_size = size(c);
        if current_size + char_size > part_max {
            parts.push(std::mem::take(&mut current));
            current_size = 0;
        }
        current.push(c);
        current_size += char_size;
    }
    parts.push(current);
    parts
}

/// One SMS-SUBMIT PDU ready for `AT+CMGS=<tpdu_len>` in PDU mode.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PduPart {
    /// Uppercase hex. It starts with `00`, an empty SMSC address, so the
    /// module uses the SMSC stored on the SIM.
    pub hex: String,
    /// Length in octets of the TPDU, that is without the SMSC octet.
    pub tpdu_len: usize,
}

/// Encodes `text` to `to` as SMS-SUBMIT PDUs.
///
/// Several parts carry a concatenation header with the 8-bit `reference`,
/// which must differ between consecutive long messages to the same phone.
/// Fields: first octet 0x11 (0x51 with a header), TP-MR 0 so the module
/// assigns it, TP-DA of type 0x91 for `+...` else 0x81, TP-PID 0, TP-DCS 0x00
/// (GSM-7) or 0x08 (UCS-2), TP-VP 0xA7 (24 hours).
pub fn encode_submit(to: &str, text: &str, reference: u8) -> Result<Vec<PduPart>, SmsError> {
    let address = encode_address(to)?;
    let (encoding, parts) = split(text);
    let total = u8::try_from(parts.len())
        .ok()
        .filter(|_| parts.len() <= MAX_PARTS)
        .ok_or(SmsError::TooLong { parts: parts.len() })?;

    let mut pdus = Vec::with_capacity(parts.len());
    for (index, part) in parts.iter().enumerate() {
        let header = if total > 1 {
            // `index` < 255 because `total` fits a u8.
            let sequence = u8::try_from(index + 1).unwrap_or(u8::MAX);
            vec![0x05, IEI_CONCAT_8, 0x03, reference, total, sequence]
        } else {
            Vec::new()
        };
        let tpdu = encode_tpdu(&address, encoding, &header, part);
        pdus.push(PduPart {
            hex: format!("00{}", bytes_to_hex(&tpdu)),
            tpdu_len: tpdu.len(),
        });
    }
    Ok(pdus)
}

fn encode_tpdu(address: &[u8], encoding: SmsEncoding, header: &[u8], text: &str) -> Vec<u8> {
    let first_octet = if header.is_empty() {
        FIRST_OCTET
    } else {
        FIRST_OCTET | UDHI
    };
    let (dcs, user_data_len, user_data) = match encoding {
        SmsEncoding::Gsm7 => {
            // `split` only returns GSM-7 parts whose characters all encode.
            let septets = gsm7::encode(text).unwrap_or_default();
            let length = gsm7::header_septets(header.len()) + septets.len();
            (DCS_GSM7, length, gsm7::pack(header, &septets))
        }
        SmsEncoding::Ucs2 => {
            let mut octets = header.to_vec();
            for unit in text.encode_utf16() {
                octets.extend_from_slice(&unit.to_be_bytes());
            }
            (DCS_UCS2, octets.len(), octets)
        }
    };

    let mut tpdu = vec![first_octet, 0x00];
    tpdu.extend_from_slice(address);
    tpdu.extend_from_slice(&[0x00, dcs, VALIDITY_24H]);
    // Parts never exceed 160 septets or 140 octets, so the length fits an octet.
    tpdu.push(u8::try_from(user_data_len).unwrap_or(u8::MAX));
    tpdu.extend_from_slice(&user_data);
    tpdu
}

/// Encodes TP-DA: digit count, type of address, then the digits as swapped
/// semi-octets padded with F.
fn encode_address(number: &str) -> Result<Vec<u8>, SmsError> {
    let (international, digits) = parse_number(number)?;
    let mut address = Vec::with_capacity(2 + digits.len().div_ceil(2));
    // `parse_number` caps the digits at 20.
    address.push(u8::try_from(digits.len()).unwrap_or(u8::MAX));
    address.push(if international {
        TOA_INTERNATIONAL
    } else {
        TOA_UNKNOWN
    });
    for pair in digits.chunks(2) {
        let low = pair.first().copied().unwrap_or(0x0F);
        let high = pair.get(1).copied().unwrap_or(0x0F);
        address.push(high << 4 | low);
    }
    Ok(address)
}

/// Returns whether `number` starts with `+`, and its digit values. Spaces,
/// dots and hyphens between digits are allowed and dropped.
fn parse_number(number: &str) -> Result<(bool, Vec<u8>), SmsError> {
    let trimmed = number.trim();
    let (international, rest) = match trimmed.strip_prefix('+') {
        Some(rest) => (true, rest),
        None => (false, trimmed),
    };
    let invalid = |reason: String| SmsError::InvalidNumber {
        length: number.chars().count(),
        tail: tail(number, 3),
        reason,
    };

    let mut digits = Vec::new();
    for c in rest.chars() {
        match c {
            '0'..='9' => digits.push(c as u8 - b'0'),
            ' ' | '.' | '-' => {}
            other => return Err(invalid(format!("{other:?} is not a digit"))),
        }
    }
    if digits.is_empty() {
        return Err(invalid("it has no digits".to_string()));
    }
    if digits.len() > MAX_NUMBER_DIGITS {
        return Err(invalid(format!("it has {} digits", digits.len())));
    }
    Ok((international, digits))
}

fn tail(text: &str, count: usize) -> String {
    let skip = text.chars().count().saturating_sub(count);
    text.chars().skip(skip).collect()
}

/// Concatenation fields: (reference, total parts, sequence number from 1).
pub type Concat = (u8, u8, u8);

/// Fields of a decoded SMS-SUBMIT PDU.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodedSubmit {
    /// Destination, with a leading `+` for an international number.
    pub to: String,
    pub text: String,
    pub encoding: SmsEncoding,
    pub concat: Option<Concat>,
}

/// Decodes an SMS-SUBMIT PDU as sent with `AT+CMGS` in PDU mode, SMSC
/// octets included. The simulator uses it to check what the driver sent.
///
/// Accepts any validity period format, GSM-7 and UCS-2 data coding, and
/// concatenation headers with an 8-bit or 16-bit reference.
pub fn decode_submit(hex: &str) -> Result<DecodedSubmit, SmsError> {
    let bytes = hex_to_bytes(hex.trim())?;
    let mut reader = Reader {
        bytes: &bytes,
        position: 0,
    };

    let smsc_len = reader.octet("SMSC length")?;
    reader.take(usize::from(smsc_len), "SMSC address")?;

    let first_octet = reader.octet("first octet")?;
    if first_octet & 0x03 != 0x01 {
        return Err(SmsError::Unsupported {
            detail: format!("first octet 0x{first_octet:02X} is not an SMS-SUBMIT (TP-MTI 01)"),
        });
    }
    reader.octet("TP-MR")?;
    let to = decode_address(&mut reader)?;
    reader.octet("TP-PID")?;
    let encoding = decode_dcs(reader.octet("TP-DCS")?)?;
    let validity_len = match (first_octet >> 3) & 0x03 {
        0 => 0,
        2 => 1,
        _ => 7,
    };
    reader.take(validity_len, "TP-VP")?;
    let user_data_len = usize::from(reader.octet("TP-UDL")?);
    let user_data = reader.rest();

    let has_header = first_octet & UDHI != 0;
    let (text, concat) = decode_user_data(encoding, has_header, user_data_len, user_data)?;
    Ok(DecodedSubmit {
        to,
        text,
        encoding,
        concat,
    })
}

fn decode_address(reader: &mut Reader<'_>) -> Result<String, SmsError> {
    let digit_count = usize::from(reader.octet("TP-DA length")?);
    let address_type = reader.octet("TP-DA type")?;
    let octets = reader.take(digit_count.div_ceil(2), "TP-DA digits")?;
    if (address_type >> 4) & 0x07 == 0x05 {
        return Err(SmsError::Unsupported {
            detail: "alphanumeric destination address".to_string(),
        });
    }

    let mut number = String::with_capacity(digit_count + 1);
    if (address_type >> 4) & 0x07 == 0x01 {
        number.push('+');
    }
    for octet in octets {
        for nibble in [octet & 0x0F, octet >> 4] {
            if number.trim_start_matches('+').len() == digit_count {
                break;
            }
            number.push(semi_octet_char(nibble));
        }
    }
    Ok(number)
}

/// BCD digits, with the 23.040 meanings of A to F for the rest.
fn semi_octet_char(nibble: u8) -> char {
    match nibble {
        0..=9 => char::from(b'0' + nibble),
        0x0A => '*',
        0x0B => '#',
        0x0C => 'a',
        0x0D => 'b',
        0x0E => 'c',
        _ => 'F',
    }
}

/// Maps TP-DCS to an encoding. Handles the general data coding group
/// (bits 7-6 = 00) and the group F0 (data coding/message class).
fn decode_dcs(dcs: u8) -> Result<SmsEncoding, SmsError> {
    let alphabet = match dcs & 0xF0 {
        0x00..=0x30 => (dcs >> 2) & 0x03,
        0xF0 => (dcs >> 2) & 0x01,
        _ => 0xFF,
    };
    match alphabet {
        0 => Ok(SmsEncoding::Gsm7),
        2 => Ok(SmsEncoding::Ucs2),
        _ => Err(SmsError::Unsupported {
            detail: format!("data coding scheme 0x{dcs:02X} (only GSM-7 and UCS-2 are decoded)"),
        }),
    }
}

fn decode_user_data(
    encoding: SmsEncoding,
    has_header: bool,
    user_data_len: usize,
    user_data: &[u8],
) -> Result<(String, Option<Concat>), SmsError> {
    let (header_octets, concat) = if has_header {
        let header_len = usize::from(
            *user_data
                .first()
                .ok_or(SmsError::Truncated { field: "TP-UDHL" })?,
        );
        let header = user_data
            .get(1..1 + header_len)
            .ok_or(SmsError::Truncated {
                field: "user data header",
            })?;
        (1 + header_len, find_concat(header))
    } else {
        (0, None)
    };

    let text = match encoding {
        SmsEncoding::Gsm7 => {
            let header_septets = gsm7::header_septets(header_octets);
            let count = user_data_len.saturating_sub(header_septets);
            let start_bit = header_octets * 8 + gsm7::fill_bits(header_octets);
            let septets = gsm7::unpack(user_data, start_bit, count)
                .ok_or(SmsError::Truncated { field: "user data" })?;
            gsm7::decode(&septets)
        }
        SmsEncoding::Ucs2 => {
            let octets = user_data
                .get(header_octets..user_data_len.max(header_octets))
                .ok_or(SmsError::Truncated { field: "user data" })?;
            ucs2_from_octets(octets)?
        }
    };
    Ok((text, concat))
}

/// Finds a concatenation element in a user data header. A 16-bit reference
/// is reduced to its low octet to fit the (reference, total, sequence) triple.
fn find_concat(header: &[u8]) -> Option<Concat> {
    let mut position = 0;
    while let (Some(&iei), Some(&length)) = (header.get(position), header.get(position + 1)) {
        let value = header.get(position + 2..position + 2 + usize::from(length))?;
        match (iei, value) {
            (IEI_CONCAT_8, &[reference, total, sequence]) => {
                return Some((reference, total, sequence))
            }
            (IEI_CONCAT_16, &[_, reference_low, total, sequence]) => {
                return Some((reference_low, total, sequence))
            }
            _ => position += 2 + usize::from(length),
        }
    }
    None
}

/// Cursor over PDU octets whose reads fail with the field name instead of panicking.
struct Reader<'a> {
    bytes: &'a [u8],
    position: usize,
}

impl<'a> Reader<'a> {
    fn octet(&mut self, field: &'static str) -> Result<u8, SmsError> {
        let octet = *self
            .bytes
            .get(self.position)
            .ok_or(SmsError::Truncated { field })?;
        self.position += 1;
        Ok(octet)
    }

    fn take(&mut self, count: usize, field: &'static str) -> Result<&'a [u8], SmsError> {
        let end = self
            .position
            .checked_add(count)
            .ok_or(SmsError::Truncated { field })?;
        let slice = self
            .bytes
            .get(self.position..end)
            .ok_or(SmsError::Truncated { field })?;
        self.position = end;
        Ok(slice)
    }

    fn rest(&self) -> &'a [u8] {
        self.bytes.get(self.position..).unwrap_or_default()
    }
}

fn bytes_to_hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02X}")).collect()
}

fn hex_to_bytes(hex: &str) -> Result<Vec<u8>, SmsError> {
    let digits = hex.as_bytes();
    if let Some(position) = digits.iter().position(|b| !b.is_ascii_hexdigit()) {
        return Err(SmsError::InvalidHex { position });
    }
    if !digits.len().is_multiple_of(2) {
        return Err(SmsError::InvalidHex {
            position: digits.len(),
        });
    }
    let value = |digit: u8| match digit {
        b'0'..=b'9' => digit - b'0',
        b'a'..=b'f' => digit - b'a' + 10,
        _ => digit - b'A' + 10,
    };
    Ok(digits
        .chunks_exact(2)
        .map(|pair| value(pair[0]) << 4 | value(pair[1]))
        .collect())
}
