//! Unsolicited result codes of GSM modules and analog caller ID.

use standardiste_modem::urc::{
    parse_urc, CallState, CallStatus, CallerIdInfo, CidField, Presentation, Urc,
};

fn caller(number: Option<&str>, name: Option<&str>, presentation: Presentation) -> CallerIdInfo {
    CallerIdInfo {
        number: number.map(str::to_string),
        name: name.map(str::to_string),
        presentation,
    }
}

fn call(index: u8, outgoing: bool, state: CallState, number: Option<&str>) -> Urc {
    Urc::Clcc(CallStatus {
        index,
        outgoing,
        state,
        number: number.map(str::to_string),
    })
}

#[test]
fn urc_cases() {
    use Presentation::{Allowed, Unavailable, Withheld};
    let cases: Vec<(&str, Urc)> = vec![
        ("RING", Urc::Ring),
        (" ring ", Urc::Ring),
        ("+CRING: VOICE", Urc::CRing("VOICE".into())),
        (
            "+CLIP: \"+33612345678\",145,\"\",128,\"\",0",
            Urc::Clip(caller(Some("+33612345678"), None, Allowed)),
        ),
        (
            "+CLIP: \"0612345678\",129,,,\"DUPONT\",0",
            Urc::Clip(caller(Some("0612345678"), Some("DUPONT"), Allowed)),
        ),
        (
            "+CLIP: \"\",128,\"\",128,\"\",1",
            Urc::Clip(caller(None, None, Withheld)),
        ),
        (
            "+CLIP: \"\",128,\"\",128,\"\",2",
            Urc::Clip(caller(None, None, Unavailable)),
        ),
        (
            "+CLIP: \"\",128",
            Urc::Clip(caller(None, None, Unavailable)),
        ),
        (
            "+CLIP: \"0612345678\",129",
            Urc::Clip(caller(Some("0612345678"), None, Allowed)),
        ),
        (
            "+CLIP: \"002B00330033003600310032\",145,,,\"00C90076006100200042\",0",
            Urc::Clip(caller(Some("+33612"), Some("Éva B"), Allowed)),
        ),
        ("DATE=0117", Urc::Cid(CidField::Date("0117".into()))),
        ("TIME = 1452", Urc::Cid(CidField::Time("1452".into()))),
        (
            "NMBR=0612345678",
            Urc::Cid(CidField::Number(caller(Some("0612345678"), None, Allowed))),
        ),
        (
            "NMBR = P",
            Urc::Cid(CidField::Number(caller(None, None, Withheld))),
        ),
        (
            "NMBR=O",
            Urc::Cid(CidField::Number(caller(None, None, Unavailable))),
        ),
        (
            "DDN_NMBR=0145678901",
            Urc::Cid(CidField::Number(caller(Some("0145678901"), None, Allowed))),
        ),
        (
            "NAME=WIRELESS CALLER",
            Urc::Cid(CidField::Name(caller(
                None,
                Some("WIRELESS CALLER"),
                Allowed,
            ))),
        ),
        (
            "NAME=P",
            Urc::Cid(CidField::Name(caller(None, None, Withheld))),
        ),
        (
            "NAME=O",
            Urc::Cid(CidField::Name(caller(None, None, Unavailable))),
        ),
        (
            "MESG=030101",
            Urc::Cid(CidField::Other("MESG".into(), "030101".into())),
        ),
        ("VOICE CALL: BEGIN", Urc::VoiceCallBegin),
        (
            "VOICE CALL: END: 000041",
            Urc::VoiceCallEnd {
                duration_s: Some(41),
            },
        ),
        (
            "VOICE CALL: END: 000100",
            Urc::VoiceCallEnd {
                duration_s: Some(100),
            },
        ),
        ("VOICE CALL: END", Urc::VoiceCallEnd { duration_s: None }),
        (
            "VOICE CALL: END: garbled",
            Urc::VoiceCallEnd { duration_s: None },
        ),
        ("NO CARRIER", Urc::NoCarrier),
        ("BUSY", Urc::Busy),
        ("NO ANSWER", Urc::NoAnswer),
        ("+RXDTMF: 8", Urc::Dtmf('8')),
        ("+RXDTMF: #", Urc::Dtmf('#')),
        ("+DTMF: 8", Urc::Dtmf('8')),
        ("+DTMF: \"*\"", Urc::Dtmf('*')),
        ("+QTONEDET: 56", Urc::Dtmf('8')),
        ("+QTONEDET: 35", Urc::Dtmf('#')),
        ("+QTONEDET: 65", Urc::Dtmf('A')),
        (
            "+CLCC: 1,1,4,0,0,\"+33612345678\",145",
            call(1, false, CallState::Incoming, Some("+33612345678")),
        ),
        (
            "+CLCC: 2,0,0,0,0,\"0612345678\",129",
            call(2, true, CallState::Active, Some("0612345678")),
        ),
        (
            "+CLCC: 1,1,6,0,0,\"\",128",
            call(1, false, CallState::Disconnected, None),
        ),
        (
            "+CLCC: 1,1,9,0,0",
            call(1, false, CallState::Unknown(9), None),
        ),
        (
            "+QIND: \"ccinfo\",1,1,4,0,0,\"0612345678\",129",
            call(1, false, CallState::Incoming, Some("0612345678")),
        ),
        (
            "MISSED_CALL: 11:01AM 0612345678",
            Urc::MissedCall {
                time: "11:01AM".into(),
                number: Some("0612345678".into()),
            },
        ),
        (
            "MISSED_CALL: 11:01AM",
            Urc::MissedCall {
                time: "11:01AM".into(),
                number: None,
            },
        ),
        (
            "+CMTI: \"SM\",3",
            Urc::NewSms {
                storage: "SM".into(),
                index: 3,
            },
        ),
        (
            "+CMTI: \"ME\", 12",
            Urc::NewSms {
                storage: "ME".into(),
                index: 12,
            },
        ),
    ];
    for (input, expected) in cases {
        assert_eq!(parse_urc(input), expected, "{input:?}");
    }
}

#[test]
fn urc_malformed_become_other() {
    let inputs = [
        "+RXDTMF: 88",
        "+RXDTMF:",
        "+QTONEDET: 300",
        "+QTONEDET: 120",
        "+CLCC: x,1,4",
        "+QIND: \"csq\",20,99",
        "+CMTI: \"SM\"",
        "FOO=BAR",
        "+CSQ: 20,99",
        "",
        "\u{FFFD}\u{FFFD}",
    ];
    for input in inputs {
        assert_eq!(
            parse_urc(input),
            Urc::Other(input.trim().to_string()),
            "{input:?}"
        );
    }
}

#[test]
fn urc_plain_digits_not_ucs2() {
    // Eight digits make two whole UCS-2 units, but 0612 and 3456 decode to
    // characters that are not dialable, so the number stays as sent.
    let urc = parse_urc("+CLIP: \"06123456\",129,,,,0");
    assert_eq!(
        urc,
        Urc::Clip(caller(Some("06123456"), None, Presentation::Allowed))
    );
}
