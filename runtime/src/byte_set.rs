//! Sets of ASCII bytes, and how many bytes at the start of a text are in
//! one: the inner loop of identifier patterns and of the `uri` check.
//!
//! On x86-64 with SSSE3 sixteen bytes are classified at once: each byte
//! is looked up by its low nibble in a table of which high nibbles (one
//! bit each, eight for ASCII) the set takes with it, and by its high
//! nibble in the table of those bits; a byte is in the set when both
//! share a bit. Elsewhere, one table lookup per byte.

/// A set of ASCII bytes (a byte above 127 is never in one).
#[derive(Clone)]
pub struct ByteSet {
    taken: [bool; 256],
    /// For each low nibble, one bit per high nibble 0-7 whose byte is taken.
    by_low_nibble: [u8; 16],
}

impl ByteSet {
    /// The ASCII bytes for which `taken` holds.
    pub fn of(taken: impl Fn(u8) -> bool) -> ByteSet {
        let mut set = ByteSet { taken: [false; 256], by_low_nibble: [0; 16] };
        for byte in 0..128u8 {
            if taken(byte) {
                set.taken[byte as usize] = true;
                set.by_low_nibble[(byte & 0x0f) as usize] |= 1 << (byte >> 4);
            }
        }
        set
    }

    /// Whether `byte` is in the set.
    pub fn contains(&self, byte: u8) -> bool {
        self.taken[byte as usize]
    }

    /// The bytes in the set, in order.
    pub fn members(&self) -> impl Iterator<Item = u8> + '_ {
        (0..128).filter(|byte| self.contains(*byte))
    }

    /// How many bytes at the start of `bytes` are in the set.
    pub fn span(&self, bytes: &[u8]) -> usize {
        #[cfg(target_arch = "x86_64")]
        if std::is_x86_feature_detected!("ssse3") {
            // SAFETY: the CPU has SSSE3, checked just above.
            return unsafe { self.span_ssse3(bytes) };
        }
        self.span_bytewise(bytes)
    }

    fn span_bytewise(&self, bytes: &[u8]) -> usize {
        bytes.iter().position(|byte| !self.contains(*byte)).unwrap_or(bytes.len())
    }

    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "ssse3")]
    fn span_ssse3(&self, bytes: &[u8]) -> usize {
        use std::arch::x86_64::{
            __m128i, _mm_and_si128, _mm_cmpeq_epi8, _mm_loadu_si128, _mm_movemask_epi8, _mm_set1_epi8, _mm_setr_epi8, _mm_setzero_si128,
            _mm_shuffle_epi8, _mm_srli_epi16,
        };
        // SAFETY (every load below): 16 bytes read from a 16-byte array or
        // from `bytes[start..start + 16]`, which the callers keep in bounds.
        let by_low = unsafe { _mm_loadu_si128(self.by_low_nibble.as_ptr().cast::<__m128i>()) };
        let by_high = _mm_setr_epi8(1, 2, 4, 8, 16, 32, 64, -128, 0, 0, 0, 0, 0, 0, 0, 0);
        let nibble = _mm_set1_epi8(0x0f);
        // Bit i set when byte i of the chunk is not in the set.
        let misses = |chunk: __m128i| -> u32 {
            let low = _mm_shuffle_epi8(by_low, _mm_and_si128(chunk, nibble));
            let high = _mm_shuffle_epi8(by_high, _mm_and_si128(_mm_srli_epi16(chunk, 4), nibble));
            _mm_movemask_epi8(_mm_cmpeq_epi8(_mm_and_si128(low, high), _mm_setzero_si128())) as u32
        };
        let length = bytes.len();
        if length < 16 {
            // Copying a short text into a padded chunk costs more than
            // looking its few bytes up (the copy stalls the vector load).
            return self.span_bytewise(bytes);
        }
        let mut start = 0;
        while start + 16 <= length {
            let found = misses(unsafe { _mm_loadu_si128(bytes.as_ptr().add(start).cast::<__m128i>()) });
            if found != 0 {
                return start + found.trailing_zeros() as usize;
            }
            start += 16;
        }
        if start == length {
            return length;
        }
        // The last chunk ends at the end of the text; bytes already seen
        // are shifted out.
        let last = length - 16;
        let found = misses(unsafe { _mm_loadu_si128(bytes.as_ptr().add(last).cast::<__m128i>()) }) >> (start - last);
        if found != 0 { start + found.trailing_zeros() as usize } else { length }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_span_stops_at_the_first_byte_not_in_the_set_at_every_length_and_place() {
        let sets = [
            ByteSet::of(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()),
            ByteSet::of(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"_:.-".contains(&b)),
            ByteSet::of(|b| b == 0 || b == 127 || b == b'~'),
            ByteSet::of(|_| true),
            ByteSet::of(|_| false),
        ];
        // Every length to 70, with the odd byte (in and out of ASCII) at
        // every place.
        let odd_bytes = [b'G', b'/', 0, 127, 128, 0xc3, 0xff, b' '];
        for set in &sets {
            for length in 0..70 {
                let plain: Vec<u8> = (0..length).map(|i| b"0a9f_:.-b"[i % 9]).collect();
                assert_eq!(set.span(&plain), set.span_bytewise(&plain), "length {length}");
                for place in 0..length {
                    for odd in odd_bytes {
                        let mut text = plain.clone();
                        text[place] = odd;
                        assert_eq!(set.span(&text), set.span_bytewise(&text), "{odd} at {place} of {length}");
                    }
                }
            }
        }
        assert!(!ByteSet::of(|_| true).contains(200), "no byte above 127 is in a set");
    }
}
