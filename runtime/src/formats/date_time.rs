//! `DateTime`: an RFC 3339 `date-time` kept with the text it was written as.

use std::fmt;
use std::ops::Deref;

use serde::{Serialize, Serializer};

use chrono::{FixedOffset, NaiveDate, NaiveTime};

use crate::integer::decimal;

/// A JSON Schema `date-time` (RFC 3339), kept with its original text.
#[derive(Clone)]
pub struct DateTime {
    value: chrono::DateTime<FixedOffset>,
    text: Text,
}

impl DateTime {
    /// The current time, in UTC, for a producer's event time.
    pub fn now() -> DateTime {
        DateTime::from(chrono::Utc::now())
    }

    /// Parses RFC 3339 text, keeping it as written.
    pub fn parse(text: &str) -> Result<Self, chrono::ParseError> {
        let value = match common_shape(text.as_bytes()) {
            Some(value) => value,
            None => chrono::DateTime::parse_from_rfc3339(text)?,
        };
        Ok(DateTime { value, text: Text::new(text) })
    }

    /// The text this value encodes to.
    pub fn as_str(&self) -> &str {
        self.text.as_str()
    }

    /// The instant, with the offset it was written with.
    pub fn value(&self) -> chrono::DateTime<FixedOffset> {
        self.value
    }
}

impl<Tz: chrono::TimeZone> From<chrono::DateTime<Tz>> for DateTime {
    fn from(value: chrono::DateTime<Tz>) -> Self {
        let value = value.fixed_offset();
        let text = Text::new(&value.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true));
        DateTime { value, text }
    }
}

impl std::str::FromStr for DateTime {
    type Err = chrono::ParseError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        DateTime::parse(s)
    }
}

impl Deref for DateTime {
    type Target = chrono::DateTime<FixedOffset>;
    fn deref(&self) -> &Self::Target {
        &self.value
    }
}

/// Equal when they denote the same instant with the same offset; how the
/// text spells it (`Z` or `+00:00`, trailing zeros) does not matter.
impl PartialEq for DateTime {
    fn eq(&self, other: &Self) -> bool {
        self.value == other.value && self.value.offset() == other.value.offset()
    }
}
impl Eq for DateTime {}

impl fmt::Debug for DateTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl fmt::Display for DateTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for DateTime {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

/// The value of RFC 3339 text of the shape nearly every producer writes
/// (`2026-01-04T18:22:19.000Z`, `...19+02:00`): four-digit year, up to nine
/// fraction digits, `Z` or an offset in hours and minutes, no leap second.
/// The calendar is checked by chrono's own constructors. `None` leaves the
/// text to chrono's full reading, which also explains what is wrong.
fn common_shape(bytes: &[u8]) -> Option<chrono::DateTime<FixedOffset>> {
    let (fixed, rest) = bytes.split_first_chunk::<19>()?;
    let separators = [fixed[4], fixed[7], fixed[13], fixed[16]];
    if separators != *b"--::" || !matches!(fixed[10], b'T' | b't' | b' ') {
        return None;
    }
    // Every digit of the fixed part checked at once (the compiler makes
    // this a few vector operations), then read without further checks.
    let digits = fixed.map(|byte| byte.wrapping_sub(b'0'));
    let not_digit = digits.iter().zip(DIGIT_AT).fold(false, |any, (&digit, at)| any | (at & (digit > 9)));
    if not_digit {
        return None;
    }
    let two = |at: usize| u32::from(digits[at]) * 10 + u32::from(digits[at + 1]);
    let (year, month, day) = (two(0) * 100 + two(2), two(5), two(8));
    let (hour, minute, second) = (two(11), two(14), two(17));
    let (nano, zone) = match rest {
        [b'.', after @ ..] => {
            let digits = after.iter().position(|byte| !byte.is_ascii_digit()).unwrap_or(after.len());
            let scale = NANOS_PER_FRACTION_DIGITS.get(digits).copied().filter(|&scale| scale > 0)?;
            // Up to nine digits: below 10^9, a `u32`.
            (decimal(&after[..digits])? as u32 * scale, &after[digits..])
        }
        _ => (0, rest),
    };
    let offset = match *zone {
        [b'Z' | b'z'] => 0,
        [sign @ (b'+' | b'-'), h1, h2, b':', m1, m2] => {
            let (hours, minutes) = (decimal(&[h1, h2])?, decimal(&[m1, m2])?);
            if hours > 23 || minutes > 59 {
                return None;
            }
            let seconds = (hours * 3600 + minutes * 60) as i32; // at most 23:59, so it fits
            if sign == b'-' { -seconds } else { seconds }
        }
        _ => return None,
    };
    // The constructor refuses a leap second (`:60`), which leaves it to
    // chrono's full reading, which folds it into the fraction.
    let time = NaiveTime::from_hms_nano_opt(hour, minute, second, nano)?;
    let date = NaiveDate::from_ymd_opt(year as i32, month, day)?;
    let (local, seconds_east) = (date.and_time(time), offset);
    let offset = FixedOffset::east_opt(seconds_east)?;
    // At offset zero the local time is the UTC time (and cannot overflow).
    let utc = if seconds_east == 0 { local } else { local.checked_sub_offset(offset)? };
    Some(chrono::DateTime::from_naive_utc_and_offset(utc, offset))
}

/// Where `YYYY-MM-DDTHH:MM:SS` has digits.
const DIGIT_AT: [bool; 19] = {
    let mut at = [true; 19];
    let mut index = 0;
    while index < 19 {
        at[index] = !matches!(index, 4 | 7 | 10 | 13 | 16);
        index += 1;
    }
    at
};

/// Nanoseconds in one unit of the last of `n` fraction digits, for `n` of
/// 1 to 9; none (a bare `.`) is not RFC 3339, and more are left to chrono.
const NANOS_PER_FRACTION_DIGITS: [u32; 10] = [0, 100_000_000, 10_000_000, 1_000_000, 100_000, 10_000, 1_000, 100, 10, 1];

/// The text a value was read from: inline when it fits, as every RFC 3339
/// text with up to nine fraction digits does, so decoding one allocates
/// nothing.
#[derive(Clone)]
enum Text {
    Inline { len: u8, bytes: [u8; INLINE_TEXT] },
    Heap(Box<str>),
}

/// `2026-01-04T18:22:19.123456789+05:30`.
const INLINE_TEXT: usize = 35;

impl Text {
    fn new(text: &str) -> Self {
        if text.len() > INLINE_TEXT {
            return Text::Heap(text.into());
        }
        let mut bytes = [0; INLINE_TEXT];
        bytes[..text.len()].copy_from_slice(text.as_bytes());
        Text::Inline { len: text.len() as u8, bytes }
    }

    fn as_str(&self) -> &str {
        match self {
            Text::Inline { len, bytes } => std::str::from_utf8(&bytes[..usize::from(*len)]).expect("a whole `str`, copied in as it was"),
            Text::Heap(text) => text,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_common_shape_is_read_without_chrono_and_leap_seconds_with_it() {
        for text in ["2026-01-04T18:22:19Z", "2026-01-04T18:22:19.000Z", "2026-01-04t18:22:19.123456789-05:30", "2024-02-29 23:59:59+23:59"] {
            assert_eq!(common_shape(text.as_bytes()), chrono::DateTime::parse_from_rfc3339(text).ok(), "{text}");
            assert!(common_shape(text.as_bytes()).is_some(), "{text}");
        }
        for text in ["2016-12-31T23:59:60Z", "2026-01-04T18:22:19.1234567891Z", "2026-01-04T18:22:19\u{2212}05:00"] {
            assert_eq!(common_shape(text.as_bytes()), None, "{text}");
        }
    }

    /// Every combination of a few dates, separators, times, fractions and
    /// zones, valid and not, reads as chrono reads it, and re-encodes as
    /// written.
    #[test]
    fn parse_agrees_with_chrono() {
        let dates = ["2026-01-04", "2024-02-29", "2023-02-29", "0000-01-01", "9999-12-31", "2026-13-01", "2026-00-10", "2026-04-31", "2026-01-00", "2026-1-04", "+2026-01-0"];
        let separators = ["T", "t", " ", "x", ""];
        let times = ["18:22:19", "00:00:00", "23:59:59", "23:59:60", "24:00:00", "12:60:00", "12:00:61", "1a:00:00", "12-00:00"];
        let fractions = ["", ".", ".0", ".000", ".5", ".12", ".123", ".1234", ".12345", ".123456", ".1234567", ".12345678", ".123456789", ".1234567891", ".12a", ",5"];
        let zones = ["Z", "z", "+00:00", "-00:00", "+23:59", "-23:59", "+24:00", "+05:60", "+0530", "+05", "", "\u{2212}05:00", "Z ", "ZZ", "+05:30:00", "+5:30"];
        let mut checked = 0;
        for date in dates {
            for separator in separators {
                for time in times {
                    for fraction in fractions {
                        for zone in zones {
                            let text = format!("{date}{separator}{time}{fraction}{zone}");
                            let ours = DateTime::parse(&text);
                            assert_eq!(ours.as_ref().map(DateTime::value).map_err(Clone::clone), chrono::DateTime::parse_from_rfc3339(&text), "{text}");
                            if let Ok(ours) = ours {
                                assert_eq!(ours.value().offset(), chrono::DateTime::parse_from_rfc3339(&text).unwrap().offset(), "{text}");
                                assert_eq!(ours.to_string(), text, "re-encodes as written");
                            }
                            checked += 1;
                        }
                    }
                }
            }
        }
        assert_eq!(checked, 11 * 5 * 9 * 16 * 16);
    }

    /// Every byte of the common shape, each digit, separator and zone,
    /// changed to every ASCII character and to a two-byte one: the reading
    /// agrees with chrono's on each, so no position is left unchecked.
    #[test]
    fn every_single_character_change_agrees_with_chrono() {
        for base in ["2026-01-04T18:22:19.123+05:30", "2026-01-04T18:22:19Z"] {
            for at in 0..base.len() {
                let replacements = (0..=127u8).map(char::from).chain(['\u{e9}']);
                for replacement in replacements {
                    let text = format!("{}{replacement}{}", &base[..at], &base[at + 1..]);
                    let ours = DateTime::parse(&text).map(|parsed| (parsed.value(), parsed.value().offset().local_minus_utc()));
                    let chrono = chrono::DateTime::parse_from_rfc3339(&text).map(|value| (value, value.offset().local_minus_utc()));
                    assert_eq!(ours, chrono, "{text:?}");
                }
            }
        }
    }

    #[test]
    fn text_too_long_to_keep_inline_is_kept_whole() {
        let text = "2026-01-04T18:22:19.1234567891234+05:30";
        let parsed = DateTime::parse(text).unwrap();
        assert!(matches!(parsed.text, Text::Heap(_)));
        assert_eq!(parsed.to_string(), text);
        assert_eq!(parsed.value().timestamp_subsec_nanos(), 123_456_789);
        let longest_inline = "2026-01-04T18:22:19.123456789+05:30";
        assert!(matches!(DateTime::parse(longest_inline).unwrap().text, Text::Inline { .. }));
        assert_eq!(DateTime::parse(longest_inline).unwrap().to_string(), longest_inline);
    }
}
