//! Property-style check: random bytes fed in random chunk sizes never make
//! a parser panic. A fixed-seed xorshift keeps failures reproducible.

use standardiste_modem::at::{parse_final, Item, LineFramer};
use standardiste_modem::codec::{decode, parse_vsm_options, SampleFormat};
use standardiste_modem::dle::DleDecoder;
use standardiste_modem::sms::{decode_submit, from_ucs2_hex};
use standardiste_modem::urc::parse_urc;

/// xorshift64 (Marsaglia 2003): fast, deterministic, good enough to vary input.
struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, bound: usize) -> usize {
        (self.next() % bound as u64) as usize
    }

    /// Random bytes biased towards the bytes that steer the parsers.
    fn bytes(&mut self, length: usize) -> Vec<u8> {
        const INTERESTING: &[u8] = b"\r\n\x10\x03\x00\xff> +:\",=0123456789ABCDEF";
        (0..length)
            .map(|_| {
                if self.below(2) == 0 {
                    INTERESTING[self.below(INTERESTING.len())]
                } else {
                    self.next() as u8
                }
            })
            .collect()
    }
}

#[test]
fn random_bytes_never_panic() {
    let mut random = XorShift(0x9E37_79B9_7F4A_7C15);
    for _ in 0..300 {
        let length = random.below(3000);
        let input = random.bytes(length);

        let mut framer = LineFramer::new();
        let mut decoder = DleDecoder::new();
        let mut items = Vec::new();
        let mut data = Vec::new();
        let mut events = Vec::new();
        let mut offset = 0;
        while offset < input.len() {
            let chunk = 1 + random.below(64);
            let end = (offset + chunk).min(input.len());
            let piece = &input[offset..end];
            framer.feed(piece, &mut items);
            let used = decoder.feed(piece, &mut data, &mut events);
            assert!(used <= piece.len(), "decoder consumed more than fed");
            offset = end;
        }
        let partial = framer.take_partial();
        assert!(partial.len() <= 1024, "partial line within the limit");

        let lines: Vec<String> = items
            .iter()
            .filter_map(|item| match item {
                Item::Line(text) => Some(text.clone()),
                Item::Prompt => None,
            })
            .collect();
        for line in &lines {
            assert!(line.len() <= 1024 * 3, "line within the limit");
            let _ = parse_final(line);
            let _ = parse_urc(line);
            let _ = from_ucs2_hex(line);
            let _ = decode_submit(line);
        }
        let _ = parse_vsm_options(&lines);

        let mut samples = Vec::new();
        for format in [
            SampleFormat::Linear16Le,
            SampleFormat::ULaw,
            SampleFormat::ALaw,
            SampleFormat::Unsigned8,
        ] {
            decode(format, &input, &mut samples);
        }
    }
}

#[test]
fn random_hex_pdus_never_panic() {
    let mut random = XorShift(0xD1B5_4A32_D192_ED03);
    for _ in 0..3000 {
        let length = random.below(200);
        let bytes: Vec<u8> = (0..length).map(|_| random.next() as u8).collect();
        let hex: String = bytes.iter().map(|byte| format!("{byte:02X}")).collect();
        let _ = decode_submit(&hex);
        // Keep the SMSC length small so the rest of the PDU gets parsed.
        let _ = decode_submit(&format!("00{hex}"));
        let _ = decode_submit(&format!("0011000B91{hex}"));
        let _ = decode_submit(&format!("0051000B91{hex}"));
    }
}
