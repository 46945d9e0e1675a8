//! Line and column of a JSON pointer in a JSON text, for diagnostics.
//!
//! serde_json does not keep positions in a `Value`, so this walks the text
//! with a tiny scanner. It never fails: an unparsable text or a pointer that
//! is not there gives `None`.

/// The 1-based (line, column) where the value at `pointer` starts.
pub fn position_of(text: &str, pointer: &str) -> Option<(usize, usize)> {
    if !pointer.is_empty() && !pointer.starts_with('/') {
        return None;
    }
    let tokens = crate::pointer::tokens(pointer);
    let bytes = text.as_bytes();
    let mut at = skip_ws(bytes, 0);
    for token in &tokens {
        at = child(bytes, at, token)?;
    }
    Some(line_col(text, at))
}

/// The 1-based (line, column) of a byte offset.
pub(crate) fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

fn skip_ws(bytes: &[u8], mut at: usize) -> usize {
    while at < bytes.len() && matches!(bytes[at], b' ' | b'\t' | b'\n' | b'\r') {
        at += 1;
    }
    at
}

/// Offset of the value for `token` inside the object or array at `at`.
fn child(bytes: &[u8], at: usize, token: &str) -> Option<usize> {
    match bytes.get(at)? {
        b'{' => {
            let mut i = skip_ws(bytes, at + 1);
            while bytes.get(i)? != &b'}' {
                let (key, after_key) = string(bytes, i)?;
                i = skip_ws(bytes, after_key);
                if bytes.get(i)? != &b':' {
                    return None;
                }
                i = skip_ws(bytes, i + 1);
                if key == token {
                    return Some(i);
                }
                i = skip_ws(bytes, skip_value(bytes, i)?);
                if bytes.get(i)? == &b',' {
                    i = skip_ws(bytes, i + 1);
                }
            }
            None
        }
        b'[' => {
            let wanted: usize = token.parse().ok()?;
            let mut i = skip_ws(bytes, at + 1);
            let mut index = 0;
            while bytes.get(i)? != &b']' {
                if index == wanted {
                    return Some(i);
                }
                i = skip_ws(bytes, skip_value(bytes, i)?);
                if bytes.get(i)? == &b',' {
                    i = skip_ws(bytes, i + 1);
                }
                index += 1;
            }
            None
        }
        _ => None,
    }
}

/// A JSON string starting at `at`: its decoded text and the offset after it.
fn string(bytes: &[u8], at: usize) -> Option<(String, usize)> {
    if bytes.get(at)? != &b'"' {
        return None;
    }
    let mut i = at + 1;
    while *bytes.get(i)? != b'"' {
        i += if bytes[i] == b'\\' { 2 } else { 1 };
    }
    let decoded = serde_json::from_slice::<String>(&bytes[at..=i]).ok()?;
    Some((decoded, i + 1))
}

/// The offset just after the value starting at `at`. Iterative, so deep
/// nesting cannot overflow the stack.
fn skip_value(bytes: &[u8], at: usize) -> Option<usize> {
    match bytes.get(at)? {
        b'"' => string_end(bytes, at),
        b'{' | b'[' => {
            let mut depth = 0usize;
            let mut i = at;
            loop {
                match bytes.get(i)? {
                    b'"' => {
                        i = string_end(bytes, i)?;
                        continue;
                    }
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth -= 1;
                        if depth == 0 {
                            return Some(i + 1);
                        }
                    }
                    _ => {}
                }
                i += 1;
            }
        }
        _ => {
            let mut i = at;
            while i < bytes.len() && !matches!(bytes[i], b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r') {
                i += 1;
            }
            Some(i)
        }
    }
}

fn string_end(bytes: &[u8], at: usize) -> Option<usize> {
    let mut i = at + 1;
    while *bytes.get(i)? != b'"' {
        i += if bytes[i] == b'\\' { 2 } else { 1 };
    }
    Some(i + 1)
}

#[cfg(test)]
mod tests {
    use super::position_of;

    #[test]
    fn finds_nested_keys_and_array_items() {
        let text = "{\n  \"a\": 1,\n  \"b\": {\"c\": [10, {\"d\": true}]}\n}";
        assert_eq!(position_of(text, ""), Some((1, 1)));
        assert_eq!(position_of(text, "/a"), Some((2, 8)));
        assert_eq!(position_of(text, "/b/c/1/d"), Some((3, 25)));
        assert_eq!(position_of(text, "/b/x"), None);
        assert_eq!(position_of("not json", "/a"), None);
    }
}
