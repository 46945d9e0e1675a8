//! Starts a local tansu broker (or uses `--bootstrap`), produces a mixed
//! stream of validated envelopes, consumes them as one member of a consumer
//! group with the generated dispatch and prints what happened:
//!
//! ```sh
//! cargo run -p kafka-pipeline --bin demo -- --events 10000
//! ```

use std::time::Instant;

use event_contracts::InMemoryIdempotencyStore;
use kafka_pipeline::broker::Tansu;
use kafka_pipeline::{Consumer, Form, Producer, create_topics, samples};

#[tokio::main]
async fn main() -> Result<(), kafka_pipeline::Error> {
    let mut args = std::env::args().skip(1);
    let (mut events, mut bootstrap) = (10_000usize, None);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--events" => events = args.next().and_then(|n| n.parse().ok()).ok_or("--events N")?,
            "--bootstrap" => bootstrap = args.next(),
            other => return Err(format!("unknown argument {other}; use --events N and --bootstrap HOST:PORT").into()),
        }
    }
    let storage = std::env::temp_dir().join(format!("kafka-pipeline-demo-{}", std::process::id()));
    std::fs::create_dir_all(&storage)?;
    let broker = bootstrap.is_none().then(|| Tansu::start(&storage));
    let bootstrap = bootstrap.unwrap_or_else(|| broker.as_ref().expect("started above").bootstrap());
    println!("broker: {bootstrap}");

    create_topics(&bootstrap, 3).await?;
    let producer = Producer::new(&bootstrap)?;
    let envelopes = samples::mixed_envelopes(events);
    let started = Instant::now();
    let deliveries = envelopes.iter().map(|envelope| producer.send(envelope, Form::Envelope)).collect::<Result<Vec<_>, _>>()?;
    for delivery in deliveries {
        delivery.await?.map_err(|(error, _)| error)?;
    }
    println!("produced {events} events in {:.2?}", started.elapsed());

    let consumer = Consumer::join(&bootstrap, "demo")?;
    let store = InMemoryIdempotencyStore::new();
    let started = Instant::now();
    let stats = consumer.run(&store, |_, _| {}, |stats| stats.handled as usize >= events).await?;
    let elapsed = started.elapsed();
    println!(
        "consumed {} events in {elapsed:.2?} (group join included; {:.0} events/s); decode+validate {:.1}% of it",
        stats.handled,
        stats.handled as f64 / elapsed.as_secs_f64(),
        100.0 * stats.decode_nanos as f64 / elapsed.as_nanos() as f64
    );
    drop(broker);
    let _ = std::fs::remove_dir_all(&storage);
    Ok(())
}
