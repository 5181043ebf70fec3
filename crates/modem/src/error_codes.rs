//! Meanings of `+CME ERROR` and `+CMS ERROR` codes, so logs and messages
//! name the failure instead of a bare number, and so verbose error texts
//! (`AT+CMEE=2`) can be mapped back to their numbers.

/// 3GPP TS 27.007 section 9.2 mobile equipment errors.
const CME_ERRORS: &[(u16, &str)] = &[
    (0, "phone failure"),
    (1, "no connection to phone"),
    (2, "phone-adaptor link reserved"),
    (3, "operation not allowed"),
    (4, "operation not supported"),
    (5, "PH-SIM PIN required"),
    (6, "PH-FSIM PIN required"),
    (7, "PH-FSIM PUK required"),
    (10, "SIM not inserted"),
    (11, "SIM PIN required"),
    (12, "SIM PUK required"),
    (13, "SIM failure"),
    (14, "SIM busy"),
    (15, "SIM wrong"),
    (16, "incorrect password"),
    (17, "SIM PIN2 required"),
    (18, "SIM PUK2 required"),
    (20, "memory full"),
    (21, "invalid index"),
    (22, "not found"),
    (23, "memory failure"),
    (24, "text string too long"),
    (25, "invalid characters in text string"),
    (26, "dial string too long"),
    (27, "invalid characters in dial string"),
    (30, "no network service"),
    (31, "network timeout"),
    (32, "network not allowed - emergency calls only"),
    (40, "network personalization PIN required"),
    (41, "network personalization PUK required"),
    (42, "network subset personalization PIN required"),
    (43, "network subset personalization PUK required"),
    (44, "service provider personalization PIN required"),
    (45, "service provider personalization PUK required"),
    (46, "corporate personalization PIN required"),
    (47, "corporate personalization PUK required"),
    (100, "unknown"),
    (103, "illegal MS"),
    (106, "illegal ME"),
    (107, "GPRS services not allowed"),
    (111, "PLMN not allowed"),
    (112, "location area not allowed"),
    (113, "roaming not allowed in this location area"),
    (132, "service option not supported"),
    (133, "requested service option not subscribed"),
    (134, "service option temporarily out of order"),
    (148, "unspecified GPRS error"),
    (149, "PDP authentication failure"),
    (150, "invalid mobile class"),
];

/// `+CMS ERROR` codes. 1 to 127 are the RP cause values of 3GPP TS 24.011
/// (clause E.2), 128 to 255 the TP-Failure-Cause values of TS 23.040
/// (9.2.3.22), and 300 to 500 the errors of TS 27.005 (3.2.5).
const CMS_ERRORS: &[(u16, &str)] = &[
    (1, "unassigned (unallocated) number"),
    (8, "operator determined barring"),
    (10, "call barred"),
    (17, "network failure"),
    (21, "short message transfer rejected"),
    (22, "congestion or memory capacity exceeded"),
    (27, "destination out of service"),
    (28, "unidentified subscriber"),
    (29, "facility rejected"),
    (30, "unknown subscriber"),
    (38, "network out of order"),
    (41, "temporary failure"),
    (42, "congestion"),
    (47, "resources unavailable, unspecified"),
    (50, "requested facility not subscribed"),
    (69, "requested facility not implemented"),
    (81, "invalid short message transfer reference value"),
    (95, "semantically incorrect message"),
    (96, "invalid mandatory information"),
    (97, "message type non-existent or not implemented"),
    (
        98,
        "message not compatible with short message protocol state",
    ),
    (99, "information element non-existent or not implemented"),
    (111, "protocol error, unspecified"),
    (127, "interworking, unspecified"),
    (128, "telematic interworking not supported"),
    (129, "short message type 0 not supported"),
    (130, "cannot replace short message"),
    (143, "unspecified TP-PID error"),
    (144, "data coding scheme (alphabet) not supported"),
    (145, "message class not supported"),
    (159, "unspecified TP-DCS error"),
    (160, "command cannot be actioned"),
    (161, "command unsupported"),
    (175, "unspecified TP-Command error"),
    (176, "TPDU not supported"),
    (192, "SC busy"),
    (193, "no SC subscription"),
    (194, "SC system failure"),
    (195, "invalid SME address"),
    (196, "destination SME barred"),
    (197, "SM rejected - duplicate SM"),
    (198, "TP-VPF not supported"),
    (199, "TP-VP not supported"),
    (208, "(U)SIM SMS storage full"),
    (209, "no SMS storage capability in (U)SIM"),
    (210, "error in MS"),
    (211, "memory capacity exceeded"),
    (212, "(U)SIM application toolkit busy"),
    (213, "(U)SIM data download error"),
    (255, "unspecified error cause"),
    (300, "ME failure"),
    (301, "SMS service of ME reserved"),
    (302, "operation not allowed"),
    (303, "operation not supported"),
    (304, "invalid PDU mode parameter"),
    (305, "invalid text mode parameter"),
    (310, "(U)SIM not inserted"),
    (311, "(U)SIM PIN required"),
    (312, "PH-(U)SIM PIN required"),
    (313, "(U)SIM failure"),
    (314, "(U)SIM busy"),
    (315, "(U)SIM wrong"),
    (316, "(U)SIM PUK required"),
    (317, "(U)SIM PIN2 required"),
    (318, "(U)SIM PUK2 required"),
    (320, "memory failure"),
    (321, "invalid memory index"),
    (322, "memory full"),
    (330, "SMSC address unknown"),
    (331, "no network service"),
    (332, "network timeout"),
    (340, "no +CNMA acknowledgement expected"),
    (500, "unknown error"),
];

/// Returns the 27.007 meaning of a `+CME ERROR` code, or "unknown error code".
pub fn cme_error_meaning(code: u16) -> &'static str {
    lookup_meaning(CME_ERRORS, code)
}

/// Returns the meaning of a `+CMS ERROR` code (24.011 network cause, 23.040
/// failure cause or 27.005 error), or "unknown error code".
pub fn cms_error_meaning(code: u16) -> &'static str {
    lookup_meaning(CMS_ERRORS, code)
}

/// Maps a verbose `+CME ERROR` text back to its code, ignoring case,
/// punctuation and spacing.
pub fn cme_error_code(text: &str) -> Option<u16> {
    lookup_code(CME_ERRORS, text)
}

/// Maps a verbose `+CMS ERROR` text back to its code, ignoring case,
/// punctuation, spacing and the `(U)` of `(U)SIM`. Where 27.005 and 24.011
/// share a text, the 27.005 code wins (`memory full` is 322).
pub fn cms_error_code(text: &str) -> Option<u16> {
    let wanted = normalize(text);
    CMS_ERRORS
        .iter()
        .rev()
        .find(|(_, meaning)| normalize(meaning) == wanted)
        .map(|(code, _)| *code)
}

fn lookup_meaning(table: &[(u16, &'static str)], code: u16) -> &'static str {
    table
        .iter()
        .find(|(known, _)| *known == code)
        .map_or("unknown error code", |(_, meaning)| meaning)
}

fn lookup_code(table: &[(u16, &str)], text: &str) -> Option<u16> {
    let wanted = normalize(text);
    table
        .iter()
        .find(|(_, meaning)| normalize(meaning) == wanted)
        .map(|(code, _)| *code)
}

/// Lowercase letters and digits only, with `(U)` removed, so that
/// "(U)SIM not inserted", "SIM not inserted" and "sim-not-inserted" compare equal.
fn normalize(text: &str) -> String {
    text.to_ascii_lowercase()
        .replace("(u)", "")
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect()
}
