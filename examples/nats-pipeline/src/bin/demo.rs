//! Starts a local JetStream server (or uses `--url`), publishes a mixed
//! stream of typed events, consumes them with the generated dispatch and
//! prints what happened:
//!
//! ```sh
//! cargo run -p nats-pipeline --bin demo -- --events 10000
//! ```

use std::time::{Duration, Instant};

use agent_platform_events::InMemoryIdempotencyStore;
use nats_pipeline::{Consumer, Producer, RetryPolicy, samples, server::NatsServer, setup};

#[tokio::main]
async fn main() -> Result<(), nats_pipeline::Error> {
    let mut args = std::env::args().skip(1);
    let (mut events, mut url) = (10_000usize, None);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--events" => events = args.next().and_then(|n| n.parse().ok()).expect("--events N"),
            "--url" => url = args.next(),
            other => panic!("unknown argument {other}; use --events N and --url nats://..."),
        }
    }
    let storage = tempfile_dir();
    let server = url.is_none().then(|| NatsServer::start(&storage));
    let url = url.unwrap_or_else(|| server.as_ref().expect("started above").url());
    println!("server: {url}");

    let js = async_nats::jetstream::new(async_nats::connect(&url).await?);
    setup(&js).await?;
    let producer = Producer::new(js.clone(), "trace-demo", "corr-demo");
    let stream = samples::mixed_events(events);
    let started = Instant::now();
    let mut acks = Vec::new();
    for event in &stream {
        acks.push(producer.publish(event).await?);
    }
    for ack in acks {
        ack.await?;
    }
    println!("published {events} events in {:.2?}", started.elapsed());

    let consumer = Consumer::bind(js, "demo", RetryPolicy { max_attempts: 3, first_backoff: Duration::from_millis(50) }).await?;
    let store = InMemoryIdempotencyStore::new();
    let started = Instant::now();
    let stats = consumer.run(&store, |_| {}, |stats| stats.handled as usize >= events).await?;
    let elapsed = started.elapsed();
    println!(
        "consumed {} events in {elapsed:.2?} ({:.0} events/s); decode+validate {:.1}% of it",
        stats.handled,
        stats.handled as f64 / elapsed.as_secs_f64(),
        100.0 * stats.decode_nanos as f64 / elapsed.as_nanos() as f64
    );
    drop(server);
    let _ = std::fs::remove_dir_all(&storage);
    Ok(())
}

fn tempfile_dir() -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("nats-pipeline-demo-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temporary folder");
    dir
}
