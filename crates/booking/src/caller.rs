//! Matching a caller to their bookings by phone number.

/// Minimum count of digits for a number to match any booking. Shorter numbers
/// (an extension, a hidden or garbled caller ID) would match strangers' bookings.
pub const MIN_CALLER_DIGITS: usize = 6;

/// Digits kept from the end of a number. Nine digits is a French subscriber
/// number without its trunk prefix `0` or country code `+33`, so national and
/// international forms of one number give the same key.
pub const CALLER_KEY_DIGITS: usize = 9;

/// Returns the key that identifies a caller's bookings: the digits of
/// `number` with everything else removed, cut to the last 9. `"+33 6 12 34 56 78"`
/// and `"06.12.34.56.78"` both give `"612345678"`. Returns `None` when
/// `number` has fewer than 6 digits, and such a number matches no booking.
///
/// Two numbers that differ only before their last 9 digits (the same
/// subscriber number in two countries) share a key.
pub fn caller_key(number: &str) -> Option<String> {
    let digits: Vec<char> = number.chars().filter(char::is_ascii_digit).collect();
    if digits.len() < MIN_CALLER_DIGITS {
        return None;
    }
    let skip = digits.len().saturating_sub(CALLER_KEY_DIGITS);
    Some(digits[skip..].iter().collect())
}

/// Masks every digit but the last two, for logs: `+33612345678` becomes
/// `+*********78`. Phone numbers are personal data.
pub(crate) fn mask_number(number: &str) -> String {
    let digits = number.chars().filter(char::is_ascii_digit).count();
    let mut seen = 0;
    number
        .chars()
        .map(|c| {
            if !c.is_ascii_digit() {
                return c;
            }
            seen += 1;
            if seen + 2 > digits {
                c
            } else {
                '*'
            }
        })
        .collect()
}
