//! Line framing of the command-mode byte stream and final result codes.

use standardiste_modem::at::{
    parse_final, parse_final_verbose, Final, Item, LineFramer, MAX_LINE_LEN,
};

fn line(text: &str) -> Item {
    Item::Line(text.to_string())
}

fn frame(input: &[u8], chunk: usize) -> (Vec<Item>, LineFramer) {
    let mut framer = LineFramer::new();
    let mut items = Vec::new();
    for piece in input.chunks(chunk.max(1)) {
        framer.feed(piece, &mut items);
    }
    (items, framer)
}

#[test]
fn framer_cases_any_chunking() {
    let long_line = vec![b'x'; 5000];
    let long_input = [b"OK\r\n".as_slice(), &long_line, b"\r\nERROR\r\n"].concat();
    let max_line = vec![b'y'; MAX_LINE_LEN];
    let max_input = [max_line.as_slice(), b"\r\n"].concat();
    let max_text = String::from_utf8(max_line.clone()).unwrap();

    let cases: Vec<(&str, Vec<u8>, Vec<Item>, u64)> = vec![
        ("crlf", b"\r\nOK\r\n".to_vec(), vec![line("OK")], 0),
        (
            "simcom cr cr lf",
            b"\r\r\nRING\r\r\n\r\r\n+CLIP: \"+33612345678\",145\r\r\n".to_vec(),
            vec![line("RING"), line("+CLIP: \"+33612345678\",145")],
            0,
        ),
        (
            "bare lf and bare cr",
            b"A\nB\rC\n".to_vec(),
            vec![line("A"), line("B"), line("C")],
            0,
        ),
        (
            "blank lines skipped",
            b"\r\n\r\n  \r\n\r\nOK\r\n".to_vec(),
            vec![line("OK")],
            0,
        ),
        (
            "echo line",
            b"ATE0\r\r\nOK\r\n".to_vec(),
            vec![line("ATE0"), line("OK")],
            0,
        ),
        (
            "nul and ff bytes",
            b"\x00O\x00K\xff\r\n".to_vec(),
            vec![line("OK\u{FFFD}")],
            0,
        ),
        (
            "control bytes dropped",
            b"\x1bO\x07K\x7f\r\n".to_vec(),
            vec![line("OK")],
            0,
        ),
        ("lone cr", b"\r".to_vec(), vec![], 0),
        (
            "utf8 kept",
            "NAME=Hélène\r\n".as_bytes().to_vec(),
            vec![line("NAME=Hélène")],
            0,
        ),
        (
            "sms prompt",
            b"AT+CMGS=19\r\r\n> ".to_vec(),
            vec![line("AT+CMGS=19"), Item::Prompt],
            0,
        ),
        (
            "prompt then result",
            b"\r\n> \r\n+CMGS: 44\r\n\r\nOK\r\n".to_vec(),
            vec![Item::Prompt, line("+CMGS: 44"), line("OK")],
            0,
        ),
        (
            "gt inside a line",
            b"a> b\r\n".to_vec(),
            vec![line("a> b")],
            0,
        ),
        (
            "5000-byte line discarded",
            long_input,
            vec![line("OK"), line("ERROR")],
            1,
        ),
        (
            "line at the limit kept",
            max_input,
            vec![line(&max_text)],
            0,
        ),
        (
            "unterminated line held",
            b"OK\r\nERR".to_vec(),
            vec![line("OK")],
            0,
        ),
    ];
    for (name, input, expected, discarded) in &cases {
        for chunk in [input.len(), 1, 2, 5] {
            let (items, framer) = frame(input, chunk);
            assert_eq!(&items, expected, "{name}, chunk {chunk}");
            assert_eq!(
                framer.discarded(),
                *discarded,
                "{name} discarded, chunk {chunk}"
            );
        }
    }
}

#[test]
fn framer_line_cut_across_feeds() {
    let mut framer = LineFramer::new();
    let mut items = Vec::new();
    framer.feed(b"+CLIP: \"+336", &mut items);
    assert!(items.is_empty());
    framer.feed(b"12345678\",145\r", &mut items);
    framer.feed(b"\n", &mut items);
    assert_eq!(items, vec![line("+CLIP: \"+33612345678\",145")]);
}

#[test]
fn framer_take_partial_returns_raw_bytes() {
    let mut framer = LineFramer::new();
    let mut items = Vec::new();
    framer.feed(b"OK\r\n\x80\x01\x10", &mut items);
    assert_eq!(framer.take_partial(), b"\x80\x01\x10");
    assert!(framer.take_partial().is_empty(), "cleared after take");
    framer.feed(b"NEXT\r\n", &mut items);
    assert_eq!(items, vec![line("OK"), line("NEXT")]);
}

#[test]
fn framer_feed_until_stops_after_connect() {
    let input = b"AT+VRX\r\r\nCONNECT\r\n\x10\x10\x80\r\n\x7f";
    let mut framer = LineFramer::new();
    let mut items = Vec::new();
    let consumed = framer.feed_until(
        input,
        &mut items,
        |item| matches!(item, Item::Line(text) if parse_final(text) == Some(Final::Connect)),
    );
    assert_eq!(items, vec![line("AT+VRX"), line("CONNECT")]);
    assert_eq!(
        input.get(consumed..),
        Some(b"\x10\x10\x80\r\n\x7f".as_slice())
    );
}

#[test]
fn framer_discard_then_recover() {
    let mut framer = LineFramer::new();
    let mut items = Vec::new();
    framer.feed(&vec![b'z'; MAX_LINE_LEN + 1], &mut items);
    assert_eq!(framer.discarded(), 1);
    assert!(
        framer.take_partial().is_empty(),
        "nothing kept of a discarded line"
    );
    framer.feed(b"OK\r\n", &mut items);
    assert_eq!(items, vec![line("OK")]);
}

#[test]
fn final_codes() {
    let cases: [(&str, Option<Final>); 27] = [
        ("OK", Some(Final::Ok)),
        ("  ok ", Some(Final::Ok)),
        ("CONNECT", Some(Final::Connect)),
        ("CONNECT 9600", Some(Final::Connect)),
        ("connect 33600/V42b", Some(Final::Connect)),
        ("ERROR", Some(Final::Error)),
        ("+CME ERROR: 10", Some(Final::CmeError(10))),
        ("+CME ERROR: SIM not inserted", Some(Final::CmeError(10))),
        ("+cme error: sim pin required", Some(Final::CmeError(11))),
        ("+CME ERROR: something new", Some(Final::CmeError(100))),
        ("+CMS ERROR: 500", Some(Final::CmsError(500))),
        ("+CMS ERROR: 330", Some(Final::CmsError(330))),
        (
            "+CMS ERROR: SMSC address unknown",
            Some(Final::CmsError(330)),
        ),
        ("+CMS ERROR: SIM not inserted", Some(Final::CmsError(310))),
        ("+CMS ERROR: gibberish", Some(Final::CmsError(500))),
        ("NO CARRIER", Some(Final::NoCarrier)),
        ("BUSY", Some(Final::Busy)),
        ("NO ANSWER", Some(Final::NoAnswer)),
        ("NO DIALTONE", Some(Final::NoDialtone)),
        ("NO DIAL TONE", Some(Final::NoDialtone)),
        ("0", Some(Final::Ok)),
        ("4", Some(Final::Error)),
        ("7", Some(Final::Busy)),
        ("2", None),
        ("RING", None),
        ("+CSQ: 20,99", None),
        ("OKAY", None),
    ];
    for (input, expected) in cases {
        assert_eq!(parse_final(input), expected, "{input:?}");
    }
}

#[test]
fn final_verbose_ignores_digits() {
    assert_eq!(parse_final_verbose("0"), None, "AT+FCLASS? answer");
    assert_eq!(parse_final_verbose("8"), None, "AT+FCLASS? answer");
    assert_eq!(parse_final_verbose("OK"), Some(Final::Ok));
}
