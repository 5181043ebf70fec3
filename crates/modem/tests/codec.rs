//! Sample formats (G.711 code points and round trips) and AT+VSM=? parsing.

use standardiste_modem::codec::{
    alaw_to_linear, choose_vsm, decode, encode, linear_to_alaw, linear_to_ulaw, parse_vsm_options,
    ulaw_to_linear, SampleFormat, VsmOption,
};

#[test]
fn ulaw_known_code_points() {
    // G.711 table 2a: 0xFF and 0x7F are +0 and -0; 0x80 and 0x00 are the
    // largest magnitudes, 8031 in 14-bit units, so 8031 * 4 = 32124 here.
    let cases = [
        (0xFF, 0),
        (0x7F, 0),
        (0x80, 32124),
        (0x00, -32124),
        (0xFE, 8),
        (0x7E, -8),
    ];
    for (byte, expected) in cases {
        assert_eq!(ulaw_to_linear(byte), expected, "u-law 0x{byte:02X}");
    }
    assert_eq!(linear_to_ulaw(0), 0xFF, "encode 0");
    assert_eq!(linear_to_ulaw(i16::MAX), 0x80, "encode max");
    assert_eq!(linear_to_ulaw(i16::MIN), 0x00, "encode min");
}

#[test]
fn alaw_known_code_points() {
    // G.711 table 1a: 0xD5 and 0x55 are the smallest steps (+8 and -8 on the
    // 16-bit scale), 0xAA and 0x2A the largest (+-4032 in 13-bit units * 8).
    let cases = [(0xD5, 8), (0x55, -8), (0xAA, 32256), (0x2A, -32256)];
    for (byte, expected) in cases {
        assert_eq!(alaw_to_linear(byte), expected, "A-law 0x{byte:02X}");
    }
    assert_eq!(linear_to_alaw(0), 0xD5, "encode 0");
    assert_eq!(linear_to_alaw(-1), 0x55, "encode -1");
    assert_eq!(linear_to_alaw(i16::MAX), 0xAA, "encode max");
    assert_eq!(linear_to_alaw(i16::MIN), 0x2A, "encode min");
}

#[test]
fn g711_every_code_round_trips() {
    for byte in 0..=255u8 {
        // u-law has two zeros (0xFF, 0x7F), both decode to 0 and encode as 0xFF.
        let ulaw_expected = if byte == 0x7F { 0xFF } else { byte };
        assert_eq!(
            linear_to_ulaw(ulaw_to_linear(byte)),
            ulaw_expected,
            "u-law 0x{byte:02X}"
        );
        assert_eq!(
            linear_to_alaw(alaw_to_linear(byte)),
            byte,
            "A-law 0x{byte:02X}"
        );
    }
}

#[test]
fn g711_error_stays_within_step() {
    // Quantisation error is at most half a step. A segment's step is 1/16 of
    // its lower end, so the error is about 1/32 of the magnitude: 3.5% plus 16
    // (the steps of the lowest segments) bounds it below clipping at 32124.
    for sample in (-32000i32..=32000).step_by(7) {
        let sample = sample as i16;
        let bound = i32::from(sample).abs() * 35 / 1000 + 16;
        let ulaw = i32::from(ulaw_to_linear(linear_to_ulaw(sample)));
        let alaw = i32::from(alaw_to_linear(linear_to_alaw(sample)));
        assert!(
            (ulaw - i32::from(sample)).abs() <= bound,
            "u-law {sample} -> {ulaw}"
        );
        assert!(
            (alaw - i32::from(sample)).abs() <= bound,
            "A-law {sample} -> {alaw}"
        );
    }
}

#[test]
fn linear_formats_decode() {
    let cases: [(SampleFormat, &[u8], &[i16]); 5] = [
        (
            SampleFormat::Signed8,
            &[0x00, 0x7F, 0x80, 0xFF],
            &[0, 32512, -32768, -256],
        ),
        (
            SampleFormat::Unsigned8,
            &[0x80, 0xFF, 0x00, 0x7F],
            &[0, 32512, -32768, -256],
        ),
        (
            SampleFormat::Linear16Le,
            &[0x34, 0x12, 0x00, 0x80],
            &[0x1234, -32768],
        ),
        (SampleFormat::Linear16Le, &[0x01, 0x00, 0xAB], &[1]),
        (SampleFormat::ULaw, &[0xFF, 0x80], &[0, 32124]),
    ];
    for (format, bytes, expected) in cases {
        let mut out = Vec::new();
        decode(format, bytes, &mut out);
        assert_eq!(out, expected, "{format:?} {bytes:02X?}");
    }
}

#[test]
fn formats_round_trip() {
    let samples: Vec<i16> = (-32768i32..=32767).step_by(251).map(|s| s as i16).collect();
    let formats = [
        SampleFormat::Signed8,
        SampleFormat::Unsigned8,
        SampleFormat::ULaw,
        SampleFormat::ALaw,
        SampleFormat::Linear16Le,
    ];
    for format in formats {
        let mut bytes = Vec::new();
        encode(format, &samples, &mut bytes);
        assert_eq!(
            bytes.len(),
            samples.len() * format.bytes_per_sample(),
            "{format:?} size"
        );
        let mut decoded = Vec::new();
        decode(format, &bytes, &mut decoded);
        assert_eq!(decoded.len(), samples.len(), "{format:?} count");
        // Re-encoding a decoded stream must give the same bytes.
        let mut again = Vec::new();
        encode(format, &decoded, &mut again);
        assert_eq!(again, bytes, "{format:?} stable");
    }
    let mut linear = Vec::new();
    decode(
        SampleFormat::Linear16Le,
        &{
            let mut bytes = Vec::new();
            encode(SampleFormat::Linear16Le, &samples, &mut bytes);
            bytes
        },
        &mut linear,
    );
    assert_eq!(linear, samples, "16-bit linear is lossless");
}

fn lines(text: &[&str]) -> Vec<String> {
    text.iter().map(|line| line.to_string()).collect()
}

#[test]
fn vsm_parses_both_forms() {
    let options = parse_vsm_options(&lines(&[
        "AT+VSM=?",
        "",
        "+VSM: 128,\"8-BIT LINEAR\",(7200,8000,11025)",
        "0,\"SIGNED PCM\",8,0,(7200,8000,11025),(0),(0)",
        "4,\"G.711U\",8,0,(8000),(0),(0)",
        "132, \"16-bit Linear\" , 16,0,(7200-11025),(0),(0)",
        "5,,8,0,8000,0,0",
        "OK",
    ]));
    let expected = vec![
        VsmOption {
            code: 128,
            name: "8-BIT LINEAR".into(),
            rates: vec![7200, 8000, 11025],
        },
        VsmOption {
            code: 0,
            name: "SIGNED PCM".into(),
            rates: vec![7200, 8000, 11025],
        },
        VsmOption {
            code: 4,
            name: "G.711U".into(),
            rates: vec![8000],
        },
        VsmOption {
            code: 132,
            name: "16-bit Linear".into(),
            rates: vec![7200, 8000, 11025],
        },
        VsmOption {
            code: 5,
            name: String::new(),
            rates: vec![8000],
        },
    ];
    assert_eq!(options, expected);
}

#[test]
fn vsm_choice_prefers_wider_samples() {
    let eight_bit = lines(&[
        "128,\"8-BIT LINEAR\",(7200,8000,11025)",
        "129,\"ADPCM\",(7200,8000,11025)",
        "131,\"8-BIT ULAW\",(8000)",
        "130,\"8-BIT ALAW\",(8000)",
    ]);
    let conexant_16 = lines(&[
        "1,\"UNSIGNED PCM\",8,0,(7200,8000,11025),(0),(0)",
        "133,\"16-BIT LINEAR\",16,0,(8000),(0),(0)",
    ]);
    let laws_only = lines(&["5,\"A-LAW\",(8000)", "4,\"U-LAW\",(8000)"]);
    let no_8k = lines(&["128,\"8-BIT LINEAR\",(7200,11025)", "131,\"A-LAW\",(8000)"]);
    let by_code = lines(&["131,(8000)", "130,(8000)"]);
    let adpcm_only = lines(&["129,\"IMA ADPCM\",(8000)"]);

    type Case<'a> = (&'a str, &'a [String], Option<(&'a str, SampleFormat)>);
    let cases: [Case; 6] = [
        (
            "8-bit linear before laws",
            &eight_bit,
            Some(("128,8000", SampleFormat::Unsigned8)),
        ),
        (
            "16-bit linear wins",
            &conexant_16,
            Some(("133,8000", SampleFormat::Linear16Le)),
        ),
        (
            "u-law before A-law",
            &laws_only,
            Some(("4,8000", SampleFormat::ULaw)),
        ),
        (
            "8000 Hz required",
            &no_8k,
            Some(("131,8000", SampleFormat::ALaw)),
        ),
        (
            "codes without names",
            &by_code,
            Some(("130,8000", SampleFormat::ULaw)),
        ),
        ("nothing usable", &adpcm_only, None),
    ];
    for (name, text, expected) in cases {
        let chosen = choose_vsm(&parse_vsm_options(text));
        let expected = expected.map(|(argument, format)| (argument.to_string(), format));
        assert_eq!(chosen, expected, "{name}");
    }
}

#[test]
fn vsm_name_overrides_code() {
    // Code 131 is A-law in the Conexant table, but the name says u-law.
    let chosen = choose_vsm(&parse_vsm_options(&lines(&["131,\"8-BIT ULAW\",(8000)"])));
    assert_eq!(chosen, Some(("131,8000".to_string(), SampleFormat::ULaw)));
}
