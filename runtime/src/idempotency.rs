//! Idempotent consumers: delivery is at least once, so a consumer guards
//! each side effect with the message's idempotency key.

use std::collections::HashSet;
use std::sync::Mutex;

/// Remembers which messages were processed.
pub trait IdempotencyStore {
    /// Records `key`; true if it was new (the side effect should run), false
    /// if the message was processed before.
    fn first_time(&self, key: &str) -> bool;

    /// Whether `key` was recorded.
    fn seen(&self, key: &str) -> bool;
}

/// An in-process store, for tests and single-instance consumers.
#[derive(Debug, Default)]
pub struct InMemoryIdempotencyStore {
    keys: Mutex<HashSet<String>>,
}

impl InMemoryIdempotencyStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    /// How many keys are recorded.
    pub fn len(&self) -> usize {
        self.keys.lock().unwrap_or_else(|e| e.into_inner()).len()
    }

    /// Whether no key is recorded.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl IdempotencyStore for InMemoryIdempotencyStore {
    fn first_time(&self, key: &str) -> bool {
        self.keys.lock().unwrap_or_else(|e| e.into_inner()).insert(key.to_owned())
    }

    fn seen(&self, key: &str) -> bool {
        self.keys.lock().unwrap_or_else(|e| e.into_inner()).contains(key)
    }
}
