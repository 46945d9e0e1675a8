//! End-to-end throughput on a real JetStream server (a benchmark, not a
//! test: it prints numbers and asserts nothing about time):
//! `cargo bench -p nats-pipeline`. Reports events/s for publishing and for
//! consuming, events per second of CPU time (per core) while consuming,
//! and the share of consumer time spent in decode + validate.

use std::time::{Duration, Instant};

use agent_platform_events::InMemoryIdempotencyStore;
use nats_pipeline::{Consumer, Producer, RetryPolicy, samples, server::NatsServer, setup};

fn main() {
    let count: usize = std::env::var("NATS_BENCH_EVENTS").ok().and_then(|n| n.parse().ok()).unwrap_or(50_000);
    let storage = std::env::temp_dir().join(format!("nats-bench-{}", std::process::id()));
    std::fs::create_dir_all(&storage).unwrap();
    let server = NatsServer::start(&storage);
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let js = async_nats::jetstream::new(async_nats::connect(server.url()).await.unwrap());
        setup(&js).await.unwrap();
        let producer = Producer::new(js.clone(), "trace-bench", "corr-bench");
        let events = samples::mixed_events(count);

        let started = Instant::now();
        for chunk in events.chunks(1_000) {
            let mut acks = Vec::new();
            for event in chunk {
                acks.push(producer.publish(event).await.unwrap());
            }
            for ack in acks {
                ack.await.unwrap();
            }
        }
        let publish = started.elapsed();

        let consumer = Consumer::bind(js, "bench", RetryPolicy { max_attempts: 3, first_backoff: Duration::from_millis(50) }).await.unwrap();
        let store = InMemoryIdempotencyStore::new();
        let started = Instant::now();
        let cpu_before = cpu_time();
        let stats = consumer.run(&store, |_| {}, |s| s.handled as usize >= count).await.unwrap();
        let cpu = cpu_time() - cpu_before;
        let consume = started.elapsed();

        println!("events={count}");
        println!("publish_events_per_s={:.0}", count as f64 / publish.as_secs_f64());
        println!("consume_events_per_s={:.0}", stats.handled as f64 / consume.as_secs_f64());
        println!("consume_events_per_cpu_s={:.0}", stats.handled as f64 / cpu.as_secs_f64());
        println!("decode_validate_share={:.3}", stats.decode_nanos as f64 / consume.as_nanos() as f64);
    });
    drop(server);
    let _ = std::fs::remove_dir_all(&storage);
}

/// CPU time of this process so far, over all its threads (the server is
/// a process of its own): events per CPU second are events per second
/// per core.
fn cpu_time() -> Duration {
    // SAFETY: `rusage` is plain data, valid when zeroed; getrusage writes it.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: a live local for getrusage to fill.
    let ok = unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut usage) } == 0;
    assert!(ok, "getrusage: {}", std::io::Error::last_os_error());
    let time = |t: libc::timeval| Duration::new(t.tv_sec as u64, t.tv_usec as u32 * 1000);
    time(usage.ru_utime) + time(usage.ru_stime)
}
