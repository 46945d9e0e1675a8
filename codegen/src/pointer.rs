//! JSON pointer tokens (RFC 6901), as the generator writes and reads them.

/// Escapes one JSON pointer token (RFC 6901).
pub fn escape(token: &str) -> String {
    jsonptr::Token::new(token).encoded().to_owned()
}

/// Unescapes one JSON pointer token (a malformed escape stays as written).
pub fn unescape(token: &str) -> String {
    jsonptr::Token::from_encoded(token).map_or_else(|_| token.to_owned(), |token| token.decoded().into_owned())
}

/// The unescaped tokens of a JSON pointer (`""` has none).
pub fn tokens(pointer: &str) -> Vec<String> {
    match pointer.strip_prefix('/') {
        Some(rest) => rest.split('/').map(unescape).collect(),
        None => Vec::new(),
    }
}
