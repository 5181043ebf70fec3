use half::f16;
use standardiste_models::whisper::quant::{
    dequantize_q5_1, dequantize_q8_0, encode_f16, quantize_q5_1, quantize_q8_0, Q5_1_BLOCK_BYTES,
    Q8_0_BLOCK_BYTES,
};

fn q5_1_round_trip(values: &[f32]) -> (Vec<u8>, Vec<f32>) {
    let mut bytes = Vec::new();
    quantize_q5_1(values, &mut bytes);
    assert_eq!(bytes.len(), values.len() / 32 * Q5_1_BLOCK_BYTES);
    let decoded = dequantize_q5_1(&bytes);
    assert_eq!(decoded.len(), values.len());
    (bytes, decoded)
}

/// Maximum q5_1 error for one block: half a step plus the f16 rounding of the stored step
/// and minimum (up to 31 steps away from the minimum), with f32 slack.
fn q5_1_error_bound(block: &[f32]) -> f32 {
    let min = block.iter().copied().fold(f32::INFINITY, f32::min);
    let max = block.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    let exact_step = (max - min) / 31.0;
    let stored_step = f16::from_f32(exact_step).to_f32();
    let stored_min = f16::from_f32(min).to_f32();
    let slack = 4.0 * f32::EPSILON * min.abs().max(max.abs());
    stored_step / 2.0 + (stored_min - min).abs() + 31.0 * (stored_step - exact_step).abs() + slack
}

/// Deterministic values in [-scale, scale) from a 32-bit linear congruential generator.
fn pseudo_random(count: usize, seed: u32, scale: f32) -> Vec<f32> {
    let mut state = seed;
    (0..count)
        .map(|_| {
            state = state.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            (state >> 8) as f32 / (1u32 << 24) as f32 * 2.0 * scale - scale
        })
        .collect()
}

#[test]
fn q5_1_ramp_has_ggml_layout() {
    let values: Vec<f32> = (0..32).map(|i| i as f32).collect();
    let (bytes, decoded) = q5_1_round_trip(&values);

    // d = 1.0 and m = 0.0 as little-endian f16.
    assert_eq!(&bytes[0..2], &[0x00, 0x3c]);
    assert_eq!(&bytes[2..4], &[0x00, 0x00]);
    // Values 16..=31 have the fifth bit set: bits 16..=31 of qh.
    assert_eq!(&bytes[4..8], &[0x00, 0x00, 0xff, 0xff]);
    // Byte j contains value j in the low nibble and value j + 16 in the high nibble.
    let expected_nibbles: Vec<u8> = (0..16u8).map(|j| j | (j << 4)).collect();
    assert_eq!(&bytes[8..24], expected_nibbles.as_slice());
    assert_eq!(decoded, values);
}

#[test]
fn q5_1_representable_values_are_exact() {
    let values: Vec<f32> = (0..32)
        .map(|i| -4.0 + 0.5 * ((i * 7) % 32) as f32)
        .collect();
    let (_, decoded) = q5_1_round_trip(&values);
    assert_eq!(decoded, values);
}

#[test]
fn q5_1_zeros_are_exact() {
    let values = vec![0.0f32; 64];
    let (bytes, decoded) = q5_1_round_trip(&values);
    assert!(bytes.iter().all(|&byte| byte == 0), "{bytes:?}");
    assert_eq!(decoded, values);
}

#[test]
fn q5_1_equal_block_decodes_to_f16_value() {
    for value in [0.1f32, -3.75, 1e-3, 1234.5] {
        let values = vec![value; 32];
        let (bytes, decoded) = q5_1_round_trip(&values);
        assert_eq!(&bytes[0..2], &[0, 0], "step of an equal block is zero");
        let expected = f16::from_f32(value).to_f32();
        assert!(
            decoded.iter().all(|&x| x == expected),
            "{value}: {decoded:?}"
        );
    }
}

#[test]
fn q5_1_random_blocks_stay_within_bound() {
    for (seed, scale, offset) in [
        (1, 0.05, 0.0),
        (2, 1.0, 0.0),
        (3, 0.02, 0.3),
        (4, 8.0, -20.0),
    ] {
        let values: Vec<f32> = pseudo_random(32 * 64, seed, scale)
            .into_iter()
            .map(|x| x + offset)
            .collect();
        let (_, decoded) = q5_1_round_trip(&values);
        for (block, decoded_block) in values.chunks(32).zip(decoded.chunks(32)) {
            let bound = q5_1_error_bound(block);
            for (x, y) in block.iter().zip(decoded_block) {
                assert!(
                    (x - y).abs() <= bound,
                    "seed {seed}: {x} decoded as {y}, bound {bound}"
                );
            }
        }
    }
}

#[test]
fn q5_1_extremes_are_kept() {
    let mut values = pseudo_random(32, 5, 0.5);
    values[3] = -0.9;
    values[20] = 0.7;
    let (_, decoded) = q5_1_round_trip(&values);
    let bound = q5_1_error_bound(&values);
    assert!((decoded[3] + 0.9).abs() <= bound, "{}", decoded[3]);
    assert!((decoded[20] - 0.7).abs() <= bound, "{}", decoded[20]);
}

#[test]
fn q5_1_blocks_are_independent() {
    let mut values = vec![0.0f32; 32];
    values.extend((0..32).map(|i| 100.0 + i as f32));
    let (_, decoded) = q5_1_round_trip(&values);
    assert_eq!(&decoded[..32], &values[..32]);
    assert_eq!(&decoded[32..], &values[32..]);
}

#[test]
#[should_panic(expected = "whole blocks of 32 values")]
fn q5_1_partial_block_panics() {
    quantize_q5_1(&[1.0; 31], &mut Vec::new());
}

#[test]
fn q8_0_round_trip_stays_within_half_step() {
    let values = pseudo_random(32 * 16, 6, 2.0);
    let mut bytes = Vec::new();
    quantize_q8_0(&values, &mut bytes);
    assert_eq!(bytes.len(), values.len() / 32 * Q8_0_BLOCK_BYTES);
    let decoded = dequantize_q8_0(&bytes);
    for (block, decoded_block) in values.chunks(32).zip(decoded.chunks(32)) {
        let max_abs = block.iter().fold(0.0f32, |acc, x| acc.max(x.abs()));
        let step = f16::from_f32(max_abs / 127.0).to_f32();
        let bound = step / 2.0 + 127.0 * (step - max_abs / 127.0).abs() + 1e-6;
        for (x, y) in block.iter().zip(decoded_block) {
            assert!((x - y).abs() <= bound, "{x} decoded as {y}, bound {bound}");
        }
    }
}

#[test]
fn q8_0_zeros_are_exact() {
    let mut bytes = Vec::new();
    quantize_q8_0(&[0.0; 32], &mut bytes);
    assert!(bytes.iter().all(|&byte| byte == 0));
    assert_eq!(dequantize_q8_0(&bytes), vec![0.0; 32]);
}

#[test]
fn q8_0_layout_is_scale_then_quants() {
    let values: Vec<f32> = (0..32).map(|i| (i as f32 - 16.0) * 2.0).collect();
    let mut bytes = Vec::new();
    quantize_q8_0(&values, &mut bytes);
    let step = f16::from_le_bytes([bytes[0], bytes[1]]).to_f32();
    assert_eq!(step, f16::from_f32(32.0 / 127.0).to_f32());
    // -32 is the largest magnitude, so it maps to -127.
    assert_eq!(bytes[2] as i8, -127);
    assert_eq!(bytes[2 + 16] as i8, 0);
}

#[test]
fn f16_encoding_rounds_to_nearest() {
    let mut bytes = Vec::new();
    encode_f16(&[1.0, -2.0, 1.0 + 1.0 / 4096.0], &mut bytes);
    assert_eq!(bytes, [0x00, 0x3c, 0x00, 0xc0, 0x00, 0x3c]);
}
