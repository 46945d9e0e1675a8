//! Interleaved timing. Every variant of one input runs in the same rounds,
//! in an order that rotates each round, so the noise of a shared machine
//! falls on all of them alike; each reports its median time per call, and
//! a ratio of two variants is the median of their ratios round by round, so
//! a slow stretch of the machine falls on both sides of each ratio.

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

/// Nanoseconds per call of each variant in each round.
pub struct Timings {
    names: Vec<&'static str>,
    samples: Vec<Vec<f64>>,
}

impl Timings {
    fn samples(&self, name: &str) -> &[f64] {
        let index = self.names.iter().position(|n| *n == name).unwrap_or_else(|| panic!("no variant {name}"));
        &self.samples[index]
    }

    /// The median nanoseconds per call of one variant.
    pub fn median(&self, name: &str) -> f64 {
        median(self.samples(name).to_vec())
    }

    /// The median over rounds of `over`'s time divided by `under`'s in the
    /// same round.
    pub fn ratio(&self, over: &str, under: &str) -> f64 {
        median(self.samples(over).iter().zip(self.samples(under)).map(|(o, u)| o / u).collect())
    }
}

/// Times every variant, interleaved; see the module's documentation.
pub fn measure(variants: &mut [Variant<'_>], settings: Settings) -> Timings {
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
    Timings { names: variants.iter().map(|v| v.name).collect(), samples }
}

fn median(mut samples: Vec<f64>) -> f64 {
    samples.sort_by(f64::total_cmp);
    samples[samples.len() / 2]
}
