//! Test helpers live in the library (`server`, `samples`), shared with the
//! benchmark and the demo.

pub use nats_pipeline::samples::{checksum, mixed_events};
pub use nats_pipeline::server::NatsServer;
