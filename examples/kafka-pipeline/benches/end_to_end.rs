//! End-to-end throughput on a real Kafka-protocol broker (tansu, SQLite
//! storage; a benchmark, not a test: it prints numbers and asserts nothing
//! about time): `cargo bench -p kafka-pipeline`. Reports events/s for
//! producing and for consuming (one group member), and the share of
//! consumer time spent in decode + validate.

use std::time::Instant;

use event_contracts::InMemoryIdempotencyStore;
use kafka_pipeline::broker::Tansu;
use kafka_pipeline::{Consumer, Form, Producer, create_topics, samples};

fn main() {
    let count: usize = std::env::var("KAFKA_BENCH_EVENTS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(50_000);
    let storage = std::env::temp_dir().join(format!("kafka-bench-{}", std::process::id()));
    std::fs::create_dir_all(&storage).unwrap();
    let broker = Tansu::start(&storage);
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let bootstrap = broker.bootstrap();
        create_topics(&bootstrap, 3).await.unwrap();
        let producer = Producer::new(&bootstrap).unwrap();
        let envelopes = samples::mixed_envelopes(count);

        let started = Instant::now();
        for chunk in envelopes.chunks(2_000) {
            let deliveries: Vec<_> = chunk
                .iter()
                .map(|envelope| producer.send(envelope, Form::Envelope).unwrap())
                .collect();
            for delivery in deliveries {
                delivery.await.unwrap().unwrap();
            }
        }
        let produce = started.elapsed();

        let consumer = Consumer::join(&bootstrap, "bench").unwrap();
        let store = InMemoryIdempotencyStore::new();
        // The group join and first assignment take seconds: time from the
        // first record on.
        consumer
            .run(&store, |_, _| {}, |s| s.handled >= 1)
            .await
            .unwrap();
        let started = Instant::now();
        let stats = consumer
            .run(&store, |_, _| {}, |s| s.handled as usize >= count - 1)
            .await
            .unwrap();
        let consume = started.elapsed();

        println!("events={count}");
        println!(
            "produce_events_per_s={:.0}",
            count as f64 / produce.as_secs_f64()
        );
        println!(
            "consume_events_per_s={:.0}",
            stats.handled as f64 / consume.as_secs_f64()
        );
        println!(
            "decode_validate_share={:.3}",
            stats.decode_nanos as f64 / consume.as_nanos() as f64
        );
    });
    drop(broker);
    let _ = std::fs::remove_dir_all(&storage);
}
