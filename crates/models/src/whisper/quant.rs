//! ggml tensor encodings: f32, f16 and the 32-value q8_0 and q5_1 blocks.
//!
//! Block layouts follow ggml's `ggml-common.h` (ggml 0.9.5, vendored by whisper.cpp 1.8.3):
//! - q8_0, 34 bytes: f16 scale `d`, then 32 i8 quants; value = q * d.
//! - q5_1, 24 bytes: f16 scale `d`, f16 minimum `m`, u32 `qh` with the fifth bit of each
//!   quant (bit j for value j), then 16 bytes `qs` whose byte j contains the low four bits of
//!   value j (low nibble) and of value j + 16 (high nibble); value = q * d + m.

use half::f16;

/// Values per quantization block.
pub const BLOCK_LEN: usize = 32;
/// Bytes per q5_1 block.
pub const Q5_1_BLOCK_BYTES: usize = 24;
/// Bytes per q8_0 block.
pub const Q8_0_BLOCK_BYTES: usize = 34;

/// Appends `values` as little-endian f32.
pub fn encode_f32(values: &[f32], out: &mut Vec<u8>) {
    for value in values {
        out.extend_from_slice(&value.to_le_bytes());
    }
}

/// Appends `values` rounded to the nearest f16.
pub fn encode_f16(values: &[f32], out: &mut Vec<u8>) {
    for value in values {
        out.extend_from_slice(&f16::from_f32(*value).to_le_bytes());
    }
}

/// Appends `values` as q5_1 blocks.
///
/// Each block stores its minimum `m` and step `d = (max - min) / 31`, both rounded to f16,
/// and each value as round((x - m) / d) clamped to 0..=31. The quants are computed from the
/// rounded `d` and `m` that the decoder uses, so the error per value is at most
/// d / 2 + |m - min| + 31 |d - (max - min) / 31|, that is d / 2 plus the f16 rounding of the
/// block parameters. A block of equal values stores d = 0 and decodes to f16(value).
/// Values must lie within the f16 range (|x| <= 65504), as all f16 source weights do.
///
/// Panics if `values.len()` is not a multiple of 32.
pub fn quantize_q5_1(values: &[f32], out: &mut Vec<u8>) {
    assert_eq!(
        values.len() % BLOCK_LEN,
        0,
        "q5_1 needs whole blocks of 32 values"
    );
    for block in values.chunks_exact(BLOCK_LEN) {
        let min = block.iter().copied().fold(f32::INFINITY, f32::min);
        let max = block.iter().copied().fold(f32::NEG_INFINITY, f32::max);
        let scale = f16::from_f32((max - min) / 31.0);
        let minimum = f16::from_f32(min);
        let (d, m) = (scale.to_f32(), minimum.to_f32());
        let inverse = if d == 0.0 { 0.0 } else { 1.0 / d };

        let quants: Vec<u8> = block
            .iter()
            .map(|x| ((x - m) * inverse).round().clamp(0.0, 31.0) as u8)
            .collect();
        let mut high_bits = 0u32;
        let mut low_nibbles = [0u8; BLOCK_LEN / 2];
        for j in 0..BLOCK_LEN / 2 {
            let (first, second) = (quants[j], quants[j + BLOCK_LEN / 2]);
            low_nibbles[j] = (first & 0x0f) | ((second & 0x0f) << 4);
            high_bits |= u32::from(first >> 4) << j;
            high_bits |= u32::from(second >> 4) << (j + BLOCK_LEN / 2);
        }

        out.extend_from_slice(&scale.to_le_bytes());
        out.extend_from_slice(&minimum.to_le_bytes());
        out.extend_from_slice(&high_bits.to_le_bytes());
        out.extend_from_slice(&low_nibbles);
    }
}

/// Decodes q5_1 blocks. Panics if `bytes.len()` is not a multiple of 24.
pub fn dequantize_q5_1(bytes: &[u8]) -> Vec<f32> {
    assert_eq!(
        bytes.len() % Q5_1_BLOCK_BYTES,
        0,
        "q5_1 data must be whole 24-byte blocks"
    );
    let mut values = Vec::with_capacity(bytes.len() / Q5_1_BLOCK_BYTES * BLOCK_LEN);
    for block in bytes.chunks_exact(Q5_1_BLOCK_BYTES) {
        let d = f16::from_le_bytes([block[0], block[1]]).to_f32();
        let m = f16::from_le_bytes([block[2], block[3]]).to_f32();
        let high_bits = u32::from_le_bytes([block[4], block[5], block[6], block[7]]);
        let low_nibbles = &block[8..24];
        for index in 0..BLOCK_LEN {
            let byte = low_nibbles[index % (BLOCK_LEN / 2)];
            let low = if index < BLOCK_LEN / 2 {
                byte & 0x0f
            } else {
                byte >> 4
            };
            let high = ((high_bits >> index) & 1) as u8;
            let quant = low | (high << 4);
            values.push(f32::from(quant) * d + m);
        }
    }
    values
}

/// Appends `values` as q8_0 blocks: d = max |x| / 127 rounded to f16, q = round(x / d)
/// clamped to -127..=127. Panics if `values.len()` is not a multiple of 32.
pub fn quantize_q8_0(values: &[f32], out: &mut Vec<u8>) {
    assert_eq!(
        values.len() % BLOCK_LEN,
        0,
        "q8_0 needs whole blocks of 32 values"
    );
    for block in values.chunks_exact(BLOCK_LEN) {
        let max_abs = block.iter().fold(0.0f32, |acc, x| acc.max(x.abs()));
        let scale = f16::from_f32(max_abs / 127.0);
        let d = scale.to_f32();
        let inverse = if d == 0.0 { 0.0 } else { 1.0 / d };
        out.extend_from_slice(&scale.to_le_bytes());
        for x in block {
            let quant = (x * inverse).round().clamp(-127.0, 127.0) as i8;
            out.push(quant as u8);
        }
    }
}

/// Decodes q8_0 blocks. Panics if `bytes.len()` is not a multiple of 34.
pub fn dequantize_q8_0(bytes: &[u8]) -> Vec<f32> {
    assert_eq!(
        bytes.len() % Q8_0_BLOCK_BYTES,
        0,
        "q8_0 data must be whole 34-byte blocks"
    );
    let mut values = Vec::with_capacity(bytes.len() / Q8_0_BLOCK_BYTES * BLOCK_LEN);
    for block in bytes.chunks_exact(Q8_0_BLOCK_BYTES) {
        let d = f16::from_le_bytes([block[0], block[1]]).to_f32();
        values.extend(block[2..].iter().map(|&q| f32::from(q as i8) * d));
    }
    values
}
