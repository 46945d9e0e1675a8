//! Encoding: an envelope's type, version and payload written from the event
//! ([`inject`]), into a buffer sized from the last message this thread
//! encoded.
//!
//! `serde_json::to_vec` starts every message at 128 bytes and doubles, so an
//! 800-byte envelope pays three reallocations, each copying what was written.
//! Producers encode runs of messages of similar size; starting from the last
//! length on this thread usually writes in one allocation.

use std::cell::Cell;

use serde::Serialize;

mod inject;

pub use inject::serialize_envelope;

thread_local! {
    static LAST_LEN: Cell<usize> = const { Cell::new(0) };
}

/// serde_json's own starting size, for the first message on a thread.
const MIN_CAPACITY: usize = 128;

/// Above this, a buffer with more than half its capacity unused is shrunk
/// before it is returned: one large message must not leave the small ones
/// after it holding large buffers.
const SHRINK_ABOVE: usize = 4096;

/// `value` as JSON bytes, like `serde_json::to_vec`.
pub fn to_vec<T: Serialize + ?Sized>(value: &T) -> Result<Vec<u8>, serde_json::Error> {
    let last = LAST_LEN.with(Cell::get);
    // An eighth more than last time, so a slightly longer message still fits.
    let mut out = Vec::with_capacity((last + last / 8).max(MIN_CAPACITY));
    serde_json::to_writer(&mut out, value)?;
    LAST_LEN.with(|cell| cell.set(out.len()));
    if out.capacity() > SHRINK_ABOVE && out.capacity() / 2 > out.len() {
        out.shrink_to_fit();
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::to_vec;

    #[test]
    fn encodes_like_serde_json_whatever_came_before() {
        let small = serde_json::json!({"a": 1, "b": [true, null, "x"]});
        let large = serde_json::json!({"text": "y".repeat(20_000)});
        for value in [&small, &large, &small, &small, &large] {
            let out = to_vec(value).unwrap();
            assert_eq!(out, serde_json::to_vec(value).unwrap());
            // A small message after a large one does not keep its buffer.
            assert!(out.capacity() <= (out.len() * 2).max(super::SHRINK_ABOVE), "{} for {}", out.capacity(), out.len());
        }
    }

    #[test]
    fn a_run_of_similar_messages_is_written_in_one_allocation() {
        let message = |n: usize| serde_json::json!({"id": n, "name": "m".repeat(700 + n)});
        to_vec(&message(0)).unwrap();
        for n in 1..20 {
            let out = to_vec(&message(n)).unwrap();
            // Written in place: the capacity is what was reserved up front,
            // not a doubling of it.
            assert!(out.capacity() < out.len() + out.len() / 4, "{} for {}", out.capacity(), out.len());
        }
    }
}
