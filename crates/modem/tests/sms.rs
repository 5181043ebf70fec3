//! SMS text splitting and SMS-SUBMIT PDUs, checked byte for byte against
//! vectors derived field by field from 3GPP TS 23.040 and 23.038.
//!
//! Fields common to the vectors below (TS 23.040 9.2.2.2):
//! - `00`: SMSC address length 0, so the module uses the SMSC on the SIM.
//! - `11`: first octet: TP-MTI 01 (SUBMIT), TP-VPF 10 (relative) = 0b0001_0001.
//!   `51` adds TP-UDHI (0x40) when a user data header is present.
//! - `00`: TP-MR, the module assigns the reference.
//! - TP-DA: digit count, type (`91` international / `81` unknown, ISDN plan),
//!   digits as swapped semi-octets padded with F: +33612345678 is
//!   `0B 91 33 16 32 54 76 F8` and 0612345678 is `0A 81 60 21 43 65 87`.
//! - `00`: TP-PID. TP-DCS `00` (GSM-7) or `08` (UCS-2).
//! - `A7`: TP-VP relative, (167 - 143) * 30 min + 12 h = 24 h.
//! - TP-UDL: septets for GSM-7 (header included), octets for UCS-2.
//! - Concatenation header: `05` UDHL, `00` IEI (8-bit reference), `03` IE
//!   length, reference, total parts, sequence number.

use standardiste_modem::sms::{
    cme_error_meaning, cms_error_meaning, decode_submit, encode_submit, from_ucs2_hex, is_gsm7,
    split, ucs2_hex, DecodedSubmit, PduPart, SmsEncoding, SmsError,
};

const INTERNATIONAL: &str = "+33612345678";
const DA_INTERNATIONAL: &str = "0B913316325476F8";
const NATIONAL: &str = "0612345678";
const DA_NATIONAL: &str = "0A816021436587";

fn pdu(hex: &str, tpdu_len: usize) -> PduPart {
    PduPart {
        hex: hex.to_string(),
        tpdu_len,
    }
}

#[test]
fn pdu_gsm7_hello() {
    // "Hello" = septets 48 65 6C 6C 6F. Packed least significant bit first:
    // 48 | (65 & 1) << 7 = C8; 65 >> 1 | (6C & 3) << 6 = 32;
    // 6C >> 2 | (6C & 7) << 5 = 9B; 6C >> 3 | (6F & F) << 4 = FD; 6F >> 4 = 06.
    // TPDU: 11 00 + DA (8 octets) + 00 00 A7 + UDL 05 + 5 octets = 19 octets.
    let expected = format!("001100{DA_INTERNATIONAL}0000A705C8329BFD06");
    let parts = encode_submit(INTERNATIONAL, "Hello", 0).unwrap();
    assert_eq!(parts, vec![pdu(&expected, 19)]);
}

#[test]
fn pdu_gsm7_extension_chars() {
    // "A[€": A = 41, '[' = ESC 1B + 3C, '€' = ESC 1B + 65: 5 septets.
    // 41 | (1B & 1) << 7 = C1; 1B >> 1 | (3C & 3) << 6 = 0D;
    // 3C >> 2 | (1B & 7) << 5 = 6F; 1B >> 3 | (65 & F) << 4 = 53; 65 >> 4 = 06.
    // TPDU: 2 + DA (7 octets) + 3 + UDL 05 + 5 octets = 18 octets.
    let expected = format!("001100{DA_NATIONAL}0000A705C10D6F5306");
    let parts = encode_submit(NATIONAL, "A[€", 0).unwrap();
    assert_eq!(parts, vec![pdu(&expected, 18)]);
}

#[test]
fn pdu_french_in_gsm7() {
    // è (04) and é (05) are in the GSM-7 default alphabet, so this French
    // text needs no UCS-2: 54 septets (UDL 36), 378 bits in 48 octets.
    let text = "Rappel : M. Lefèvre, fièvre élevée, rappeler avant 18h";
    let user_data = "D2301C5E668374A0A60BC42C9B097679990532A709767919546097ED85320B24\
                     0FC3E16576590E0ADBC36E3A28864303";
    let expected = format!("001100{DA_NATIONAL}0000A736{user_data}");
    let (encoding, _) = split(text);
    assert_eq!(encoding, SmsEncoding::Gsm7);
    assert_eq!(
        encode_submit(NATIONAL, text, 0).unwrap(),
        vec![pdu(&expected, 13 + 48)]
    );
}

/// "Rappel : Mme Benoît, fièvre élevée, rappeler avant 18h" needs UCS-2
/// because î is not in GSM-7: 54 UTF-16 units, each 4 hex digits, î = 00EE,
/// è = 00E8, é = 00E9.
const FRENCH_UCS2: &str = "Rappel : Mme Benoît, fièvre élevée, rappeler avant 18h";
const FRENCH_UCS2_HEX: &str = "00520061007000700065006C0020003A0020004D006D0065002000420065006E\
    006F00EE0074002C00200066006900E8007600720065002000E9006C0065007600E90065002C0020007200610070\
    00700065006C006500720020006100760061006E00740020003100380068";

#[test]
fn pdu_french_ucs2_single() {
    // UDL = 54 units * 2 = 108 octets = 6C. TPDU = 14 + 108 = 122 octets.
    let expected = format!("001100{DA_INTERNATIONAL}0008A76C{FRENCH_UCS2_HEX}");
    let parts = encode_submit(INTERNATIONAL, FRENCH_UCS2, 9).unwrap();
    assert_eq!(parts, vec![pdu(&expected, 122)]);
}

#[test]
fn pdu_french_ucs2_concatenated() {
    // 99 UTF-16 units > 70, so 2 parts of at most 67 units: 67 and 32.
    let text = "Rappel : Mme Benoît, fièvre élevée depuis hier soir, demande un rappel avant 18h au 06 12 34 56 78.";
    let part1_text = "00520061007000700065006C0020003A0020004D006D0065002000420065006E006F00EE\
        0074002C00200066006900E8007600720065002000E9006C0065007600E9006500200064006500700075006900\
        730020006800690065007200200073006F00690072002C002000640065006D0061006E0064006500200075006E\
        0020007200610070";
    let part2_text = "00700065006C0020006100760061006E0074002000310038006800200061007500200030\
        0036002000310032002000330034002000350036002000370038002E";
    // Part 1: UDL = 6 header octets + 134 = 140 = 8C; header 05 00 03 2A 02 01.
    let part1 = format!("005100{DA_INTERNATIONAL}0008A78C0500032A0201{part1_text}");
    // Part 2: UDL = 6 + 64 = 70 = 46; header 05 00 03 2A 02 02.
    let part2 = format!("005100{DA_INTERNATIONAL}0008A7460500032A0202{part2_text}");
    let parts = encode_submit(INTERNATIONAL, text, 0x2A).unwrap();
    assert_eq!(parts.len(), 2);
    assert_eq!(parts[0], pdu(&part1, 14 + 140));
    assert_eq!(parts[1], pdu(&part2, 14 + 70));
}

#[test]
fn pdu_gsm7_concatenated_fill_bit() {
    // 161 'a' > 160 septets: parts of 153 and 8. The 6-octet header is 48
    // bits, so 1 fill bit puts the text on septet 7, and UDL = 7 + 8 = 0F.
    // 'a' = 61 from bit 49: 61 << 1 = C2; 61 | (61 & 1) << 7 = E1;
    // 61 >> 1 | (61 & 3) << 6 = 70; 61 >> 2 | (61 & 7) << 5 = 38;
    // 61 >> 3 | (61 & F) << 4 = 1C; 61 >> 4 | (61 & 1F) << 3 = 0E;
    // 61 >> 5 | (61 & 3F) << 2 = 87; 61 >> 6 = 01.
    let text = "a".repeat(161);
    let part2 = format!("005100{DA_NATIONAL}0000A70F0500032A0202C2E170381C0E8701");
    let parts = encode_submit(NATIONAL, &text, 0x2A).unwrap();
    assert_eq!(parts.len(), 2);
    assert_eq!(parts[1], pdu(&part2, 13 + 14));
    // Part 1: UDL = 7 + 153 = 160 = A0 and 140 octets of user data.
    assert!(parts[0]
        .hex
        .starts_with(&format!("005100{DA_NATIONAL}0000A7A00500032A0201")));
    assert_eq!(parts[0].tpdu_len, 13 + 140);
}

#[test]
fn pdu_emoji_at_part_boundary() {
    // 66 'ê' then U+1F600 (D83D DE00, 2 units) then "fin": 71 units > 70.
    // Part 1 contains 66 units because the pair would make 68 > 67.
    let text = format!("{}😀fin", "ê".repeat(66));
    let (encoding, parts) = split(&text);
    assert_eq!(encoding, SmsEncoding::Ucs2);
    assert_eq!(parts, vec!["ê".repeat(66), "😀fin".to_string()]);
    // Part 2: UDL = 6 + 10 = 16 = 10; D83D DE00 0066 0069 006E.
    let part2 = format!(
        "005100{DA_INTERNATIONAL}0008A710{}{}",
        "050003070202", "D83DDE0000660069006E"
    );
    let pdus = encode_submit(INTERNATIONAL, &text, 7).unwrap();
    assert_eq!(pdus.len(), 2);
    assert_eq!(pdus[1], pdu(&part2, 14 + 16));
}

#[test]
fn number_rejections() {
    let cases = [
        "+33 6 12 AB",
        "",
        "+",
        "06-12-34x",
        "+123456789012345678901",
        "0612;34",
    ];
    for number in cases {
        let result = encode_submit(number, "Hi", 0);
        assert!(
            matches!(result, Err(SmsError::InvalidNumber { .. })),
            "{number:?}: {result:?}"
        );
    }
}

#[test]
fn number_error_masks_digits() {
    let error = encode_submit("+33 6 12 AB", "Hi", 0)
        .unwrap_err()
        .to_string();
    assert!(error.contains("'A' is not a digit"), "{error}");
    assert!(!error.contains("+33 6"), "{error}");
}

#[test]
fn number_formatting_accepted() {
    let spaced = encode_submit("+33 6 12 34 56 78", "Hi", 0).unwrap();
    let plain = encode_submit(INTERNATIONAL, "Hi", 0).unwrap();
    assert_eq!(spaced, plain);
}

#[test]
fn too_long_rejected() {
    let max = "a".repeat(153 * 255);
    assert_eq!(encode_submit(NATIONAL, &max, 1).unwrap().len(), 255);
    let over = "a".repeat(153 * 255 + 1);
    let result = encode_submit(NATIONAL, &over, 1);
    assert!(
        matches!(result, Err(SmsError::TooLong { parts: 256 })),
        "{result:?}"
    );
}

#[test]
fn split_sizes() {
    let cases: Vec<(String, SmsEncoding, Vec<usize>)> = vec![
        (String::new(), SmsEncoding::Gsm7, vec![0]),
        ("a".repeat(160), SmsEncoding::Gsm7, vec![160]),
        ("a".repeat(161), SmsEncoding::Gsm7, vec![153, 8]),
        ("€".repeat(80), SmsEncoding::Gsm7, vec![80]),
        ("€".repeat(81), SmsEncoding::Gsm7, vec![76, 5]),
        (
            format!("{}€{}", "a".repeat(152), "b".repeat(10)),
            SmsEncoding::Gsm7,
            vec![152, 11],
        ),
        ("ê".repeat(70), SmsEncoding::Ucs2, vec![70]),
        ("ê".repeat(71), SmsEncoding::Ucs2, vec![67, 4]),
        ("😀".repeat(35), SmsEncoding::Ucs2, vec![35]),
        ("😀".repeat(36), SmsEncoding::Ucs2, vec![33, 3]),
    ];
    for (text, encoding, sizes) in cases {
        let (actual_encoding, parts) = split(&text);
        let actual_sizes: Vec<usize> = parts.iter().map(|part| part.chars().count()).collect();
        assert_eq!(actual_encoding, encoding, "{text:?} encoding");
        assert_eq!(actual_sizes, sizes, "{text:?} sizes");
        assert_eq!(parts.concat(), text, "{text:?} joined");
    }
}

#[test]
fn gsm7_membership() {
    let cases = [
        ("Hello @ 18h", true),
        ("Lefèvre élevée à Ørsted", true),
        ("[~] {|} \\ ^ €", true),
        ("ê", false),
        ("ç", false),
        ("😀", false),
        ("\u{1B}", false),
    ];
    for (text, expected) in cases {
        assert_eq!(is_gsm7(text), expected, "{text:?}");
    }
}

#[test]
fn ucs2_hex_vectors() {
    let cases = [("é", "00E9"), ("A", "0041"), ("😀", "D83DDE00"), ("", "")];
    for (text, hex) in cases {
        assert_eq!(ucs2_hex(text), hex, "encode {text:?}");
        assert_eq!(from_ucs2_hex(hex).unwrap(), text, "decode {hex:?}");
    }
    assert_eq!(
        from_ucs2_hex(" 00e9 ").unwrap(),
        "é",
        "lowercase and spaces"
    );
}

#[test]
fn ucs2_hex_rejections() {
    assert!(matches!(
        from_ucs2_hex("00E"),
        Err(SmsError::InvalidHex { .. })
    ));
    assert!(matches!(
        from_ucs2_hex("00G9"),
        Err(SmsError::InvalidHex { position: 2 })
    ));
    assert!(matches!(
        from_ucs2_hex("00E900"),
        Err(SmsError::InvalidUcs2 { .. })
    ));
    assert!(matches!(
        from_ucs2_hex("D83D"),
        Err(SmsError::InvalidUcs2 { .. })
    ));
}

#[test]
fn encode_decode_round_trips() {
    let texts = [
        "Hello".to_string(),
        "Rappel : M. Lefèvre, fièvre élevée, rappeler avant 18h".to_string(),
        FRENCH_UCS2.to_string(),
        "Prix : 12 € [TTC] {ok} ~ | \\ ^".to_string(),
        "x".repeat(400),
        format!("{}😀 fin", "ê".repeat(100)),
        String::new(),
    ];
    for text in &texts {
        for number in [INTERNATIONAL, NATIONAL, "123"] {
            let parts = encode_submit(number, text, 0x99).unwrap();
            let total = parts.len() as u8;
            let mut joined = String::new();
            for (index, part) in parts.iter().enumerate() {
                let decoded = decode_submit(&part.hex).unwrap();
                assert_eq!(decoded.to, number, "{text:?} number");
                assert_eq!(part.hex.len(), 2 + 2 * part.tpdu_len, "{text:?} tpdu_len");
                let concat = (total > 1).then_some((0x99, total, index as u8 + 1));
                assert_eq!(decoded.concat, concat, "{text:?} part {index}");
                joined.push_str(&decoded.text);
            }
            assert_eq!(&joined, text, "{text:?} to {number}");
        }
    }
}

#[test]
fn decode_with_smsc_and_no_validity() {
    // SMSC 07 91 3396050066F0 (+33695000660), first octet 01 (SUBMIT, no
    // TP-VP), MR 00, DA 0A 81 6021436587, PID 00, DCS 00, UDL 05, "Hello".
    let hex = format!(
        "{}{}{}{}",
        "07913396050066F0", "0100", DA_NATIONAL, "000005C8329BFD06"
    );
    let decoded = decode_submit(&hex).unwrap();
    let expected = DecodedSubmit {
        to: NATIONAL.to_string(),
        text: "Hello".to_string(),
        encoding: SmsEncoding::Gsm7,
        concat: None,
    };
    assert_eq!(decoded, expected);
}

#[test]
fn decode_rejects_truncated_and_unsupported() {
    let full = encode_submit(INTERNATIONAL, FRENCH_UCS2, 0)
        .unwrap()
        .remove(0)
        .hex;
    for end in (0..full.len()).step_by(2) {
        let result = decode_submit(&full[..end]);
        assert!(result.is_err(), "prefix of {end} hex digits: {result:?}");
    }
    let deliver = "0004";
    assert!(
        matches!(decode_submit(deliver), Err(SmsError::Unsupported { .. })),
        "SMS-DELIVER"
    );
    let eight_bit = format!("001100{DA_NATIONAL}0004A70141");
    assert!(
        matches!(decode_submit(&eight_bit), Err(SmsError::Unsupported { .. })),
        "8-bit data"
    );
}

#[test]
fn error_meanings() {
    let cms = [
        (330, "SMSC address unknown"),
        (500, "unknown error"),
        (1, "unassigned (unallocated) number"),
        (21, "short message transfer rejected"),
        (4242, "unknown error code"),
    ];
    for (code, meaning) in cms {
        assert_eq!(cms_error_meaning(code), meaning, "CMS {code}");
    }
    let cme = [
        (10, "SIM not inserted"),
        (30, "no network service"),
        (100, "unknown"),
        (4242, "unknown error code"),
    ];
    for (code, meaning) in cme {
        assert_eq!(cme_error_meaning(code), meaning, "CME {code}");
    }
}
