//! Reader of tiktoken vocabulary files: one `<base64 token bytes> <rank>` pair per line.

use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
use base64::engine::DecodePaddingMode;
use base64::{alphabet, Engine};

use super::ConvertError;

const UNPADDED: GeneralPurpose = GeneralPurpose::new(
    &alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::RequireNone),
);

/// Returns the token byte strings indexed by rank.
///
/// The ranks must be exactly 0..n, in any order, because whisper.cpp takes a token's position
/// in the file as its id.
pub fn parse_tiktoken(text: &[u8]) -> Result<Vec<Vec<u8>>, ConvertError> {
    let invalid =
        |line: usize, message: String| ConvertError::Vocabulary(format!("line {line}: {message}"));
    let text = std::str::from_utf8(text)
        .map_err(|_| ConvertError::Vocabulary("file is not UTF-8".to_string()))?;

    let mut ranked: Vec<(usize, Vec<u8>)> = Vec::new();
    for (index, line) in text.lines().enumerate() {
        let line_number = index + 1;
        if line.trim().is_empty() {
            continue;
        }
        let (token, rank) = line
            .split_once(' ')
            .ok_or_else(|| invalid(line_number, "expected `<base64> <rank>`".to_string()))?;
        // Padding is stripped because `multilingual.tiktoken` stores its empty token (rank
        // 50256) as a lone `=`, which Python's lenient decoder accepts.
        let bytes = UNPADDED
            .decode(token.trim_end_matches('='))
            .map_err(|e| invalid(line_number, format!("invalid base64: {e}")))?;
        let rank: usize = rank
            .trim()
            .parse()
            .map_err(|_| invalid(line_number, format!("invalid rank `{rank}`")))?;
        ranked.push((rank, bytes));
    }
    if ranked.is_empty() {
        return Err(ConvertError::Vocabulary("file has no tokens".to_string()));
    }

    ranked.sort_by_key(|(rank, _)| *rank);
    for (expected, (rank, _)) in ranked.iter().enumerate() {
        if *rank < expected {
            return Err(ConvertError::Vocabulary(format!(
                "rank {rank} appears twice"
            )));
        }
        if *rank > expected {
            return Err(ConvertError::Vocabulary(format!(
                "rank {expected} is missing; ranks must be 0..n without gaps"
            )));
        }
    }
    Ok(ranked.into_iter().map(|(_, bytes)| bytes).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_ordered_by_rank() {
        let tokens = parse_tiktoken(b"IQ== 1\nIg== 0\n").unwrap();
        assert_eq!(tokens, vec![b"\"".to_vec(), b"!".to_vec()]);
    }

    #[test]
    fn lone_padding_is_empty_token() {
        let tokens = parse_tiktoken(b"IQ== 0\n= 1\n").unwrap();
        assert_eq!(tokens, vec![b"!".to_vec(), Vec::new()]);
    }

    #[test]
    fn rank_gap_is_rejected() {
        let error = parse_tiktoken(b"IQ== 0\nIg== 2\n").unwrap_err();
        assert!(error.to_string().contains("rank 1 is missing"), "{error}");
    }

    #[test]
    fn repeated_rank_is_rejected() {
        let error = parse_tiktoken(b"IQ== 0\nIg== 0\n").unwrap_err();
        assert!(
            error.to_string().contains("rank 0 appears twice"),
            "{error}"
        );
    }

    #[test]
    fn bad_base64_names_line() {
        let error = parse_tiktoken(b"IQ== 0\n%%% 1\n").unwrap_err();
        assert!(error.to_string().contains("line 2"), "{error}");
    }
}
