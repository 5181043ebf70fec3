//! Voice sample formats of V.253 modems: conversion to and from 16-bit
//! linear PCM, and the choice of a compression method from `AT+VSM=?`.
//!
//! u-law and A-law follow ITU-T G.711. Samples on the 16-bit side use the
//! full i16 range: G.711 works on 14-bit (u-law) or 13-bit (A-law) magnitudes,
//! so the low bits are dropped on encode and set to the middle of the
//! quantisation step on decode.

/// One sample encoding that a voice modem sends and accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SampleFormat {
    /// 8-bit two's complement PCM (V.253 code 0).
    Signed8,
    /// 8-bit offset-binary PCM, 0x80 is zero (V.253 code 1, Conexant 128).
    Unsigned8,
    /// G.711 u-law (V.253 code 4, Conexant 130).
    ULaw,
    /// G.711 A-law (V.253 code 5, Conexant 131).
    ALaw,
    /// 16-bit two's complement PCM, little-endian.
    Linear16Le,
}

impl SampleFormat {
    /// Returns the size of one sample on the wire, to pace writes and size buffers.
    pub fn bytes_per_sample(self) -> usize {
        match self {
            SampleFormat::Linear16Le => 2,
            SampleFormat::Signed8
            | SampleFormat::Unsigned8
            | SampleFormat::ULaw
            | SampleFormat::ALaw => 1,
        }
    }
}

/// Decodes `bytes` in `format` and appends 16-bit samples to `out`.
///
/// For `Linear16Le` an odd trailing byte is ignored: the caller must keep it
/// and prepend it to the next read, since `bytes.len() / 2` samples are decoded.
pub fn decode(format: SampleFormat, bytes: &[u8], out: &mut Vec<i16>) {
    match format {
        SampleFormat::Signed8 => out.extend(bytes.iter().map(|&b| i16::from(b as i8) << 8)),
        SampleFormat::Unsigned8 => out.extend(bytes.iter().map(|&b| (i16::from(b) - 128) << 8)),
        SampleFormat::ULaw => out.extend(bytes.iter().map(|&b| ulaw_to_linear(b))),
        SampleFormat::ALaw => out.extend(bytes.iter().map(|&b| alaw_to_linear(b))),
        SampleFormat::Linear16Le => out.extend(
            bytes
                .chunks_exact(2)
                .map(|pair| i16::from_le_bytes([pair[0], pair[1]])),
        ),
    }
}

/// Encodes 16-bit `samples` in `format` and appends the bytes to `out`.
///
/// The 8-bit linear formats keep the high byte of each sample (truncation, no
/// dither).
pub fn encode(format: SampleFormat, samples: &[i16], out: &mut Vec<u8>) {
    match format {
        SampleFormat::Signed8 => out.extend(samples.iter().map(|&s| (s >> 8) as u8)),
        SampleFormat::Unsigned8 => out.extend(samples.iter().map(|&s| ((s >> 8) + 128) as u8)),
        SampleFormat::ULaw => out.extend(samples.iter().map(|&s| linear_to_ulaw(s))),
        SampleFormat::ALaw => out.extend(samples.iter().map(|&s| linear_to_alaw(s))),
        SampleFormat::Linear16Le => {
            for &sample in samples {
                out.extend_from_slice(&sample.to_le_bytes());
            }
        }
    }
}

/// Bias that G.711 u-law adds to the magnitude so every segment starts at a
/// power of two (33 in 14-bit units, 132 on the 16-bit scale).
const ULAW_BIAS: i32 = 0x84;

/// Largest magnitude u-law can encode once the bias is added (16-bit scale).
const ULAW_CLIP: i32 = 32635;

/// Encodes one 16-bit sample as G.711 u-law.
pub fn linear_to_ulaw(sample: i16) -> u8 {
    let value = i32::from(sample);
    let sign: u8 = if value < 0 { 0x80 } else { 0x00 };
    let magnitude = value.abs().min(ULAW_CLIP) + ULAW_BIAS;

    // The segment (exponent) is the position of the highest set bit above bit 7:
    // biased magnitudes run from 2^7 up to just under 2^15.
    let exponent = (31 - (magnitude >> 7).leading_zeros()) as i32;
    let mantissa = (magnitude >> (exponent + 3)) & 0x0F;
    let code = sign | ((exponent as u8) << 4) | (mantissa as u8);

    // u-law transmits every bit inverted.
    !code
}

/// Decodes one G.711 u-law byte to a 16-bit sample.
pub fn ulaw_to_linear(byte: u8) -> i16 {
    let code = !byte;
    let exponent = i32::from((code >> 4) & 0x07);
    let mantissa = i32::from(code & 0x0F);
    let magnitude = (((mantissa << 3) + ULAW_BIAS) << exponent) - ULAW_BIAS;
    let value = if code & 0x80 != 0 {
        -magnitude
    } else {
        magnitude
    };
    // The largest magnitude is 32124, which fits an i16.
    value as i16
}

/// Encodes one 16-bit sample as G.711 A-law.
pub fn linear_to_alaw(sample: i16) -> u8 {
    // A-law works on 13-bit values. Negative values use the one's complement so
    // that -1 and 0 fall in mirror-image steps and -32768 does not overflow.
    let value = i32::from(sample) >> 3;
    let (sign, magnitude): (u8, i32) = if value >= 0 {
        (0x80, value)
    } else {
        (0x00, -value - 1)
    };

    // Segment 0 covers 0..32 in steps of 2. Segment s >= 1 covers
    // 16 << s .. 32 << s in steps of 1 << s.
    let code = if magnitude < 32 {
        (magnitude >> 1) as u8
    } else {
        let segment = 31 - magnitude.leading_zeros() as i32 - 4;
        let mantissa = (magnitude >> segment) & 0x0F;
        ((segment as u8) << 4) | mantissa as u8
    };

    // A-law transmits the even bits inverted.
    (sign | code) ^ 0x55
}

/// Decodes one G.711 A-law byte to a 16-bit sample.
pub fn alaw_to_linear(byte: u8) -> i16 {
    let code = byte ^ 0x55;
    let segment = i32::from((code >> 4) & 0x07);
    let mantissa = i32::from(code & 0x0F);

    // Middle of the step, on the 16-bit scale (13-bit value times 8).
    let magnitude = if segment == 0 {
        (mantissa << 4) + 8
    } else {
        ((mantissa << 4) + 0x108) << (segment - 1)
    };
    let value = if code & 0x80 != 0 {
        magnitude
    } else {
        -magnitude
    };
    // The largest magnitude is 32256, which fits an i16.
    value as i16
}

/// One compression method listed by `AT+VSM=?`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VsmOption {
    /// Compression method code, the first argument of `AT+VSM`.
    pub code: u16,
    /// Method name as the modem reports it, without quotes. Empty when the
    /// line has none.
    pub name: String,
    /// Sample rates in Hz. A range `a-b` lists its two ends, plus 8000 when
    /// 8000 lies inside it, because 8000 Hz is the rate the pipeline requests.
    pub rates: Vec<u32>,
}

/// Parses the information lines of `AT+VSM=?`.
///
/// Accepts `+VSM: 128,"8-BIT LINEAR",(7200,8000,11025)` and the bare V.253
/// form `128,"8-BIT LINEAR",8,0,(7200,8000,11025),(0),(0)`. The rates are the
/// first parenthesized list. Without one, any bare number of 4000 or more
/// after the name is taken as a rate. Lines that do not start with a method
/// code (echo, `OK`, blank lines) are skipped.
pub fn parse_vsm_options(lines: &[String]) -> Vec<VsmOption> {
    lines
        .iter()
        .filter_map(|line| parse_vsm_line(line))
        .collect()
}

fn parse_vsm_line(line: &str) -> Option<VsmOption> {
    let trimmed = line.trim();
    let body = strip_prefix_ignore_case(trimmed, "+VSM:")
        .unwrap_or(trimmed)
        .trim();
    let fields = split_top_level(body);
    let code = fields.first()?.trim().parse::<u16>().ok()?;

    let mut name = String::new();
    let mut rates = Vec::new();
    let mut bare_rates = Vec::new();
    for field in fields.iter().skip(1) {
        let field = field.trim();
        if let Some(quoted) = field.strip_prefix('"') {
            if name.is_empty() {
                name = quoted.trim_end_matches('"').trim().to_string();
            }
        } else if let Some(list) = field.strip_prefix('(') {
            if rates.is_empty() {
                rates = parse_rate_list(list.trim_end_matches(')'));
            }
        } else if let Ok(number) = field.parse::<u32>() {
            if number >= 4000 {
                bare_rates.push(number);
            }
        }
    }
    if rates.is_empty() {
        rates = bare_rates;
    }
    Some(VsmOption { code, name, rates })
}

fn strip_prefix_ignore_case<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    let head = text.get(..prefix.len())?;
    if head.eq_ignore_ascii_case(prefix) {
        text.get(prefix.len()..)
    } else {
        None
    }
}

/// Splits on commas that are outside quotes and parentheses.
fn split_top_level(text: &str) -> Vec<&str> {
    let mut fields = Vec::new();
    let mut depth = 0usize;
    let mut in_quotes = false;
    let mut start = 0;
    for (index, character) in text.char_indices() {
        match character {
            '"' => in_quotes = !in_quotes,
            '(' if !in_quotes => depth += 1,
            ')' if !in_quotes => depth = depth.saturating_sub(1),
            ',' if !in_quotes && depth == 0 => {
                fields.push(&text[start..index]);
                start = index + 1;
            }
            _ => {}
        }
    }
    fields.push(&text[start..]);
    fields
}

/// Parses `7200,8000,11025` or `7200-11025` (or a mix) into rates.
fn parse_rate_list(list: &str) -> Vec<u32> {
    let mut rates = Vec::new();
    for item in list.split(',') {
        let item = item.trim();
        if let Some((low, high)) = item.split_once('-') {
            let (Ok(low), Ok(high)) = (low.trim().parse::<u32>(), high.trim().parse::<u32>())
            else {
                continue;
            };
            rates.push(low);
            if low < 8000 && 8000 < high {
                rates.push(8000);
            }
            rates.push(high);
        } else if let Ok(rate) = item.parse::<u32>() {
            rates.push(rate);
        }
    }
    rates
}

/// Maps a compression method to a sample format: by name when the name is
/// recognised, else by code. Returns None for methods the pipeline cannot
/// decode (ADPCM, unknown codes).
pub fn vsm_format(option: &VsmOption) -> Option<SampleFormat> {
    let name = option.name.to_ascii_uppercase();
    if !name.is_empty() {
        if let Some(format) = format_from_name(&name) {
            return format;
        }
    }
    format_from_code(option.code)
}

/// Returns Some(None) for a name that is recognised but unusable (ADPCM),
/// and None for a name that matches no known format.
fn format_from_name(name: &str) -> Option<Option<SampleFormat>> {
    let compact: String = name.chars().filter(|c| c.is_ascii_alphanumeric()).collect();
    if compact.contains("ADPCM") || compact.contains("GSM") || compact.contains("CELP") {
        return Some(None);
    }
    if compact.contains("ULAW") || compact.contains("MULAW") || compact.contains("G711U") {
        return Some(Some(SampleFormat::ULaw));
    }
    if compact.contains("ALAW") || compact.contains("G711A") {
        return Some(Some(SampleFormat::ALaw));
    }
    if compact.contains("16") && (compact.contains("LINEAR") || compact.contains("PCM")) {
        return Some(Some(SampleFormat::Linear16Le));
    }
    if compact.contains("UNSIGNED") {
        return Some(Some(SampleFormat::Unsigned8));
    }
    if compact.contains("SIGNED") {
        return Some(Some(SampleFormat::Signed8));
    }
    if compact.contains("8BIT") && compact.contains("LINEAR") {
        // NOTE: 8-bit linear is read as unsigned, as Conexant modems send it.
        // That the USR5637's "8-BIT LINEAR" is unsigned too is an assumption
        // not checked on hardware.
        return Some(Some(SampleFormat::Unsigned8));
    }
    None
}

fn format_from_code(code: u16) -> Option<SampleFormat> {
    match code {
        0 => Some(SampleFormat::Signed8),
        1 | 128 => Some(SampleFormat::Unsigned8),
        4 | 130 => Some(SampleFormat::ULaw),
        5 | 131 => Some(SampleFormat::ALaw),
        // NOTE: the byte order of Conexant 16-bit linear is not confirmed,
        // and little-endian is assumed.
        132 | 133 => Some(SampleFormat::Linear16Le),
        _ => None,
    }
}

/// Rank of a format in the order the pipeline prefers: 16-bit linear keeps
/// the most detail, 8-bit linear next, then the G.711 laws.
fn preference(format: SampleFormat) -> u8 {
    match format {
        SampleFormat::Linear16Le => 0,
        SampleFormat::Signed8 | SampleFormat::Unsigned8 => 1,
        SampleFormat::ULaw => 2,
        SampleFormat::ALaw => 3,
    }
}

/// Picks the best method at 8000 Hz (16-bit linear, then 8-bit linear, then
/// u-law, then A-law) and returns the `AT+VSM` argument, such as `"128,8000"`,
/// with its format.
///
/// An option that lists no rates is accepted, since the modem did not say it
/// lacks 8000 Hz. Among equal formats the first listed wins.
pub fn choose_vsm(options: &[VsmOption]) -> Option<(String, SampleFormat)> {
    let mut best: Option<(&VsmOption, SampleFormat)> = None;
    for option in options {
        if !option.rates.is_empty() && !option.rates.contains(&8000) {
            continue;
        }
        let Some(format) = vsm_format(option) else {
            continue;
        };
        let better = match best {
            Some((_, current)) => preference(format) < preference(current),
            None => true,
        };
        if better {
            best = Some((option, format));
        }
    }
    // NOTE: the optional V.253 arguments <scs>,<sel> (silence sensitivity and
    // expansion) are left to the modem's defaults.
    best.map(|(option, format)| (format!("{},8000", option.code), format))
}
