//! A quick yes for the `uri` format: most URIs in events are a scheme,
//! a host name and a path of plain characters, and those are recognised
//! here in a few vector steps. Anything else (percent-encodings, ports,
//! user info, IP literals, and every invalid text) is left to the
//! validator's full RFC 3986 check, so this only ever says "valid" where
//! that check would.

use std::sync::LazyLock;

use crate::byte_set::ByteSet;

struct Sets {
    scheme: ByteSet,
    /// unreserved and sub-delims: a `reg-name` without percent-encodings.
    host: ByteSet,
    /// `pchar` (without percent-encodings) and `/`.
    path: ByteSet,
    /// The path's characters and `?`: a query or a fragment.
    query: ByteSet,
}

static SETS: LazyLock<Sets> = LazyLock::new(|| {
    let unreserved_or_sub_delim = |b: u8| b.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=".contains(&b);
    let path = move |b: u8| unreserved_or_sub_delim(b) || b":@/".contains(&b);
    Sets {
        scheme: ByteSet::of(|b| b.is_ascii_alphanumeric() || b"+-.".contains(&b)),
        host: ByteSet::of(unreserved_or_sub_delim),
        path: ByteSet::of(path),
        query: ByteSet::of(move |b| path(b) || b == b'?'),
    }
});

/// Whether `text` is plainly a URI: `scheme:` then `//host` (a name, no
/// port) or not, a path, a query and a fragment, all of plain characters.
/// `false` says nothing: ask the full check.
pub fn plainly_valid(text: &str) -> bool {
    let sets = &*SETS;
    let bytes = text.as_bytes();
    if !bytes.first().is_some_and(u8::is_ascii_alphabetic) {
        return false;
    }
    let mut at = 1 + sets.scheme.span(&bytes[1..]);
    if bytes.get(at) != Some(&b':') {
        return false;
    }
    at += 1;
    if bytes[at..].starts_with(b"//") {
        at += 2;
        at += sets.host.span(&bytes[at..]);
        if !matches!(bytes.get(at), None | Some(b'/' | b'?' | b'#')) {
            return false;
        }
    }
    // Without an authority, any run of path characters is a path
    // (absolute, rootless or empty): `//` was ruled out above.
    at += sets.path.span(&bytes[at..]);
    if bytes.get(at) == Some(&b'?') {
        at += 1 + sets.query.span(&bytes[at + 1..]);
    }
    if bytes.get(at) == Some(&b'#') {
        at += 1 + sets.query.span(&bytes[at + 1..]);
    }
    at == bytes.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn full_check(text: &str) -> bool {
        // One validator for the whole test, compiled on first use.
        static FULL: crate::validation::FormatCheck = crate::validation::FormatCheck::new("uri");
        FULL.is_valid_in_full(text)
    }

    #[test]
    fn a_plain_uri_is_recognised_and_anything_else_left_to_the_full_check() {
        for plain in [
            "s3://kfm-raw/landsat/c2/l1/028/033/LC09_L1TP_028033_20260104_20260104_02_T1/",
            "https://example.com",
            "https://example.com/a/b?x=1&y=2#top",
            "urn:isbn:0451450523",
            "mailto:someone@example.com",
            "file:///etc/hosts",
            "a:",
            "tag:example.com,2026:event/1?#",
        ] {
            assert!(plainly_valid(plain), "{plain}");
            assert!(full_check(plain), "{plain}");
        }
        // Valid, but not plain: the full check decides.
        for valid in ["https://host:8080/", "https://user@host/", "https://[::1]/", "https://host/%20", "ldap://[2001:db8::7]/c=GB?one"] {
            assert!(!plainly_valid(valid), "{valid}");
            assert!(full_check(valid), "{valid}");
        }
        for invalid in ["", "//host/path", "1a:b", "no scheme", "https://host/a b", "https://host/#a#b", "http://é.com", "a:\\b"] {
            assert!(!plainly_valid(invalid), "{invalid}");
            assert!(!full_check(invalid), "{invalid}");
        }
    }

    #[test]
    fn every_text_recognised_as_plain_passes_the_full_check() {
        // Every text of up to four characters over an alphabet of the
        // characters that change a URI's reading, after a scheme and
        // after a scheme and `//`.
        let alphabet: Vec<char> = "a1:/?#@%[].-~!+ \u{e9}".chars().collect();
        let mut texts = vec![String::new()];
        for _ in 0..4 {
            let longer: Vec<String> = texts.iter().flat_map(|text| alphabet.iter().map(move |c| format!("{text}{c}"))).collect();
            texts.extend(longer);
        }
        texts.dedup();
        let mut plain = 0;
        for tail in &texts {
            for text in [tail.clone(), format!("s:{tail}"), format!("s://{tail}"), format!("s://h/{tail}")] {
                if plainly_valid(&text) {
                    plain += 1;
                    assert!(full_check(&text), "{text:?} is not a URI");
                }
            }
        }
        assert!(plain > 10_000, "only {plain} texts were plain: the test tries too little");
    }
}
