//! DLE shielding: unshielding with events, chunk boundaries, and round trips.

use standardiste_modem::dle::{
    event_code, shield, DleDecoder, DleEvent, ABORT, DLE, END_OF_DATA, ETX,
};

/// Feeds `bytes` in chunks of `chunk` bytes, stopping at DLE ETX like a
/// caller would, and returns (data, events, bytes consumed).
fn decode_in_chunks(bytes: &[u8], chunk: usize) -> (Vec<u8>, Vec<DleEvent>, usize) {
    let mut decoder = DleDecoder::new();
    let mut data = Vec::new();
    let mut events = Vec::new();
    let mut consumed = 0;
    for piece in bytes.chunks(chunk) {
        let used = decoder.feed(piece, &mut data, &mut events);
        consumed += used;
        if used < piece.len() || events.last() == Some(&DleEvent::EndOfData) {
            break;
        }
    }
    (data, events, consumed)
}

#[test]
fn decoder_cases_whole_and_byte_by_byte() {
    struct Case {
        name: &'static str,
        input: &'static [u8],
        data: &'static [u8],
        events: &'static [DleEvent],
        consumed: usize,
    }
    let cases = [
        Case {
            name: "plain data",
            input: b"\x01\x02\xff",
            data: b"\x01\x02\xff",
            events: &[],
            consumed: 3,
        },
        Case {
            name: "doubled DLE is data",
            input: b"\x7f\x10\x10\x80",
            data: b"\x7f\x10\x80",
            events: &[],
            consumed: 4,
        },
        Case {
            name: "digit 5",
            input: b"a\x105b",
            data: b"ab",
            events: &[DleEvent::Dtmf('5')],
            consumed: 4,
        },
        Case {
            name: "digits star hash D",
            input: b"\x10*\x10#\x10D",
            data: b"",
            events: &[
                DleEvent::Dtmf('*'),
                DleEvent::Dtmf('#'),
                DleEvent::Dtmf('D'),
            ],
            consumed: 6,
        },
        Case {
            name: "dtmf run",
            input: b"\x10/\x109\x10~",
            data: b"",
            events: &[DleEvent::DtmfStart, DleEvent::Dtmf('9'), DleEvent::DtmfEnd],
            consumed: 6,
        },
        Case {
            name: "busy vs digit B",
            input: b"\x10b\x10B",
            data: b"",
            events: &[DleEvent::Busy, DleEvent::Dtmf('B')],
            consumed: 4,
        },
        Case {
            name: "dial tone",
            input: b"\x10d",
            data: b"",
            events: &[DleEvent::DialTone],
            consumed: 2,
        },
        Case {
            name: "no energy and quiet",
            input: b"\x10s\x10q",
            data: b"",
            events: &[DleEvent::NoEnergy, DleEvent::Silence],
            consumed: 4,
        },
        Case {
            name: "hook changes",
            input: b"\x10h\x10H",
            data: b"",
            events: &[DleEvent::OnHook, DleEvent::OffHook],
            consumed: 4,
        },
        Case {
            name: "loop break",
            input: b"\x10l",
            data: b"",
            events: &[DleEvent::LoopBreak],
            consumed: 2,
        },
        Case {
            name: "underrun overrun",
            input: b"\x10u\x10o",
            data: b"",
            events: &[DleEvent::Underrun, DleEvent::Overrun],
            consumed: 4,
        },
        Case {
            name: "ring",
            input: b"\x10R",
            data: b"",
            events: &[DleEvent::Ring],
            consumed: 2,
        },
        Case {
            name: "abort",
            input: b"\x10!",
            data: b"",
            events: &[DleEvent::Abort],
            consumed: 2,
        },
        Case {
            name: "unknown code",
            input: b"\x10c",
            data: b"",
            events: &[DleEvent::Other(b'c')],
            consumed: 2,
        },
        Case {
            name: "stops after ETX",
            input: b"xy\x10\x03\r\nOK\r\n",
            data: b"xy",
            events: &[DleEvent::EndOfData],
            consumed: 4,
        },
        Case {
            name: "doubled DLE then ETX",
            input: b"\x10\x10\x10\x03",
            data: b"\x10",
            events: &[DleEvent::EndOfData],
            consumed: 4,
        },
        Case {
            name: "trailing lone DLE",
            input: b"z\x10",
            data: b"z",
            events: &[],
            consumed: 2,
        },
    ];
    for case in &cases {
        for chunk in [case.input.len().max(1), 1, 2, 3] {
            let (data, events, consumed) = decode_in_chunks(case.input, chunk);
            assert_eq!(data, case.data, "{} data, chunk {chunk}", case.name);
            assert_eq!(events, case.events, "{} events, chunk {chunk}", case.name);
            assert_eq!(
                consumed, case.consumed,
                "{} consumed, chunk {chunk}",
                case.name
            );
        }
    }
}

#[test]
fn decoder_pairs_dle_across_feeds() {
    let mut decoder = DleDecoder::new();
    let mut data = Vec::new();
    let mut events = Vec::new();
    assert_eq!(decoder.feed(b"ab\x10", &mut data, &mut events), 3);
    assert!(decoder.is_pending());
    assert_eq!(decoder.feed(b"\x10cd\x10", &mut data, &mut events), 4);
    assert_eq!(decoder.feed(b"3", &mut data, &mut events), 1);
    assert_eq!(data, b"ab\x10cd");
    assert_eq!(events, vec![DleEvent::Dtmf('3')]);
    assert!(!decoder.is_pending());
}

#[test]
fn decoder_etx_split_across_feeds() {
    let mut decoder = DleDecoder::new();
    let mut data = Vec::new();
    let mut events = Vec::new();
    assert_eq!(decoder.feed(b"\x80\x10", &mut data, &mut events), 2);
    assert_eq!(decoder.feed(b"\x03OK", &mut data, &mut events), 1);
    assert_eq!(data, b"\x80");
    assert_eq!(events, vec![DleEvent::EndOfData]);
}

#[test]
fn shield_doubles_only_dle() {
    let cases: [(&[u8], &[u8]); 4] = [
        (b"", b""),
        (b"\x01\x02", b"\x01\x02"),
        (b"\x10", b"\x10\x10"),
        (b"\x03\x10\x10!", b"\x03\x10\x10\x10\x10!"),
    ];
    for (input, expected) in cases {
        let mut out = Vec::new();
        shield(input, &mut out);
        assert_eq!(out, expected, "shield {input:02X?}");
    }
}

#[test]
fn shield_then_decode_round_trips_all_bytes() {
    let data: Vec<u8> = (0..=255u8).chain(0..=255u8).collect();
    let mut wire = Vec::new();
    shield(&data, &mut wire);
    wire.extend_from_slice(&END_OF_DATA);
    wire.extend_from_slice(b"\r\nOK\r\n");
    for chunk in [wire.len(), 1, 7, 64] {
        let (decoded, events, consumed) = decode_in_chunks(&wire, chunk);
        assert_eq!(decoded, data, "data, chunk {chunk}");
        assert_eq!(events, vec![DleEvent::EndOfData], "events, chunk {chunk}");
        assert_eq!(consumed, wire.len() - 6, "consumed, chunk {chunk}");
    }
}

#[test]
fn event_code_round_trips() {
    let events = [
        DleEvent::Dtmf('0'),
        DleEvent::Dtmf('9'),
        DleEvent::Dtmf('*'),
        DleEvent::Dtmf('#'),
        DleEvent::Dtmf('A'),
        DleEvent::Dtmf('D'),
        DleEvent::DtmfStart,
        DleEvent::DtmfEnd,
        DleEvent::Busy,
        DleEvent::DialTone,
        DleEvent::NoEnergy,
        DleEvent::Silence,
        DleEvent::OnHook,
        DleEvent::OffHook,
        DleEvent::LoopBreak,
        DleEvent::Underrun,
        DleEvent::Overrun,
        DleEvent::Ring,
        DleEvent::Abort,
        DleEvent::EndOfData,
        DleEvent::Other(b'c'),
    ];
    for event in events {
        let code = event_code(event);
        let mut decoder = DleDecoder::new();
        let mut data = Vec::new();
        let mut decoded = Vec::new();
        decoder.feed(&code, &mut data, &mut decoded);
        assert_eq!(code[0], DLE, "{event:?} starts with DLE");
        assert_eq!(decoded, vec![event], "{event:?} decodes back");
        assert!(data.is_empty(), "{event:?} yields no data");
    }
}

#[test]
fn event_code_non_ascii_digit() {
    assert_eq!(event_code(DleEvent::Dtmf('é')), [DLE, b'?']);
}

#[test]
fn constants_match_v253() {
    assert_eq!(END_OF_DATA, [0x10, 0x03]);
    assert_eq!(ABORT, [0x10, b'!']);
    assert_eq!(ETX, 0x03);
}
