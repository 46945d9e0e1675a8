//! Interleaved timing. Every variant of one input runs in the same rounds,
//! in an order that rotates each round, so the noise of a shared machine
//! falls on all of them alike; each reports its median time per call.

use std::hint::black_box;
use std::time::{Duration, Instant};

/// One way of doing the same work; returns something derived from its
/// result so the work cannot be optimised away.
pub struct Variant<'a> {
    pub name: &'static str,
    run: Box<dyn FnMut() -> usize + 'a>,
}

impl<'a> Variant<'a> {
    pub fn new(name: &'static str, run: impl FnMut() -> usize + 'a) -> Self {
        Variant { name, run: Box::new(run) }
    }

    /// One call, outside any measurement.
    pub fn call(&mut self) -> usize {
        black_box((self.run)())
    }
}

/// How long to measure: `rounds` batches per variant of about `batch` each.
#[derive(Clone, Copy)]
pub struct Settings {
    pub rounds: usize,
    pub batch: Duration,
}

/// The median nanoseconds per call of each variant, in order.
pub fn measure(variants: &mut [Variant<'_>], settings: Settings) -> Vec<f64> {
    // Warm up and size the batches: calls per batch so a batch lasts `batch`.
    let calls: Vec<u64> = variants
        .iter_mut()
        .map(|variant| {
            let started = Instant::now();
            let mut calls = 0u64;
            while started.elapsed() < settings.batch / 4 || calls < 3 {
                black_box((variant.run)());
                calls += 1;
            }
            calls * 4
        })
        .collect();
    let mut samples = vec![Vec::with_capacity(settings.rounds); variants.len()];
    for round in 0..settings.rounds {
        for offset in 0..variants.len() {
            let index = (offset + round) % variants.len();
            let variant = &mut variants[index];
            let started = Instant::now();
            for _ in 0..calls[index] {
                black_box((variant.run)());
            }
            samples[index].push(started.elapsed().as_nanos() as f64 / calls[index] as f64);
        }
    }
    samples.into_iter().map(median).collect()
}

fn median(mut samples: Vec<f64>) -> f64 {
    samples.sort_by(f64::total_cmp);
    samples[samples.len() / 2]
}
