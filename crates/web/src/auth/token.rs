//! Random tokens for sessions, CSRF and the calendar feed.

/// Returns a random token of `bytes` bytes from the kernel, as lower-case hex.
pub fn random_token(bytes: usize) -> String {
    let mut buffer = vec![0u8; bytes];
    // NOTE: getrandom fails only when the kernel has no entropy source at
    // all. A console without one cannot make safe tokens, so it stops here.
    getrandom::getrandom(&mut buffer).expect("the kernel's random number generator is unavailable");
    buffer.iter().map(|byte| format!("{byte:02x}")).collect()
}

/// Compares two tokens in time that does not depend on where they differ.
pub fn same_token(a: &str, b: &str) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_differ_and_have_their_length() {
        let a = random_token(32);
        let b = random_token(32);
        assert_eq!(a.len(), 64);
        assert_ne!(a, b);
    }

    #[test]
    fn same_token_compares_content() {
        assert!(same_token("abc", "abc"));
        assert!(!same_token("abc", "abd"));
        assert!(!same_token("abc", "abcd"));
    }
}
