//! End to end against a real NATS JetStream server: every valid event is
//! handled exactly once across a consumer kill and a server restart, and
//! every poison message lands in the dead-letter subject with its error.

mod support;

use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use agent_platform_events::InMemoryIdempotencyStore;
use agent_platform_events::prelude::*;
use nats_pipeline::{Consumer, Producer, RetryPolicy, dead_letter, dead_letters, setup};
use support::{NatsServer, checksum, mixed_events};

const RETRY: RetryPolicy = RetryPolicy { max_attempts: 3, first_backoff: Duration::from_millis(20) };

async fn connect(url: &str) -> async_nats::jetstream::Context {
    let client = async_nats::ConnectOptions::new()
        .retry_on_initial_connect()
        .connect(url)
        .await
        .unwrap();
    async_nats::jetstream::new(client)
}

/// Publishes, awaiting the server's acks in chunks; retries a chunk whose
/// acks fail (the message ids make a retry harmless).
async fn publish_all(producer: &Producer, events: &[agent_platform_events::Event]) {
    for chunk in events.chunks(500) {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let mut acks = Vec::new();
            let mut failed = false;
            for event in chunk {
                match producer.publish(event).await {
                    Ok(ack) => acks.push(ack),
                    Err(_) => failed = true,
                }
            }
            for ack in acks {
                failed |= ack.await.is_err();
            }
            if !failed {
                break;
            }
            assert!(Instant::now() < deadline, "publishing kept failing");
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }
}

/// Runs the consumer until `done` holds, in rounds of a few batches.
async fn consume_until(consumer: &Consumer, store: &InMemoryIdempotencyStore, seen: &Arc<Mutex<Vec<String>>>, mut done: impl AsyncCheck) {
    let deadline = Instant::now() + Duration::from_secs(240);
    loop {
        let mut rounds = 0;
        let seen = Arc::clone(seen);
        let result = consumer
            .run(store, move |event| seen.lock().unwrap().push(event.idempotency_key()), |_| {
                rounds += 1;
                rounds > 8
            })
            .await;
        if result.is_err() {
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        if done.check().await {
            return;
        }
        assert!(Instant::now() < deadline, "the consumer did not finish in time");
    }
}

trait AsyncCheck {
    async fn check(&mut self) -> bool;
}

struct Counts<'a> {
    js: &'a async_nats::jetstream::Context,
    seen: &'a Arc<Mutex<Vec<String>>>,
    handled: usize,
    dead: usize,
}

impl AsyncCheck for Counts<'_> {
    async fn check(&mut self) -> bool {
        let handled = self.seen.lock().unwrap().len();
        let dead = dead_letters(self.js).await.map(|d| d.len()).unwrap_or(0);
        handled >= self.handled && dead >= self.dead
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hundred_thousand_events_exactly_once_across_a_consumer_kill_with_poison_to_the_dead_letter_subject() {
    let storage = tempfile::tempdir().unwrap();
    let server = NatsServer::start(storage.path());
    let js = connect(&server.url()).await;
    setup(&js).await.unwrap();
    let producer = Producer::new(js.clone(), "trace-e2e", "corr-e2e");

    const VALID: usize = 99_000;
    const POISON: usize = 1_000;
    let events = mixed_events(VALID);
    let expected: HashSet<String> = events.iter().map(|e| e.idempotency_key()).collect();
    assert_eq!(expected.len(), VALID);
    publish_all(&producer, &events).await;
    // Re-publishing is de-duplicated by the server (same message ids).
    publish_all(&producer, &events[..1_000]).await;

    // 1%: half break their schema on a real subject, half come on a subject
    // no event uses.
    let mut acks = Vec::new();
    for index in 0..POISON {
        let (subject, body) = if index % 2 == 0 {
            ("usage.metered.api_call".to_owned(), format!(r#"{{"event_id":"00000000-0000-4000-8000-{index:012}","quantity":"lots"}}"#))
        } else {
            (format!("alerts.disk_full_{index}"), "{}".to_owned())
        };
        acks.push(producer.publish_raw(subject, &format!("poison-{index}"), body.into_bytes()).await.unwrap());
    }
    for ack in acks {
        ack.await.unwrap();
    }

    let store = Arc::new(InMemoryIdempotencyStore::new());
    let seen = Arc::new(Mutex::new(Vec::new()));

    // First consumer: killed (its task aborted) a third of the way in.
    let first = {
        let (js, store, seen) = (js.clone(), Arc::clone(&store), Arc::clone(&seen));
        tokio::spawn(async move {
            let consumer = Consumer::bind(js, "handlers", RETRY).await.unwrap();
            let seen_in_handler = Arc::clone(&seen);
            consumer.run(&*store, move |event| seen_in_handler.lock().unwrap().push(event.idempotency_key()), |_| false).await
        })
    };
    while seen.lock().unwrap().len() < VALID / 3 {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    first.abort();
    let _ = first.await;
    let at_kill = seen.lock().unwrap().len();
    assert!(at_kill < VALID, "the kill came midway ({at_kill})");

    // Restarted consumer, same durable name: carries on from the server's state.
    let consumer = Consumer::bind(js.clone(), "handlers", RETRY).await.unwrap();
    consume_until(&consumer, &store, &seen, Counts { js: &js, seen: &seen, handled: VALID, dead: POISON }).await;
    // A little longer: nothing more may arrive.
    consume_until(&consumer, &store, &seen, Counts { js: &js, seen: &seen, handled: VALID, dead: POISON }).await;

    let handled = seen.lock().unwrap().clone();
    assert_eq!(handled.len(), VALID, "every valid event handled exactly once");
    let unique: HashSet<String> = handled.iter().cloned().collect();
    assert_eq!(unique, expected);
    assert_eq!(checksum(&handled), checksum(&expected));

    let letters = dead_letters(&js).await.unwrap();
    assert_eq!(letters.len(), POISON, "every poison message is dead-lettered once");
    let invalid: Vec<_> = letters.iter().filter(|(_, l)| l.error.code == "VALIDATION_FAILED").collect();
    let unknown: Vec<_> = letters.iter().filter(|(_, l)| l.error.code == "UNKNOWN_SUBJECT").collect();
    assert_eq!((invalid.len(), unknown.len()), (POISON / 2, POISON / 2));
    for (subject, letter) in &invalid {
        assert_eq!(subject, "dlq.usage.metered.api_call");
        assert_eq!(letter.error.details["pointer"], "/quantity", "{letter:?}");
        assert_eq!(letter.attempts, RETRY.max_attempts);
        assert!(letter.payload.contains("lots"));
        assert!(letter.headers.contains_key("Nats-Msg-Id"));
    }
    drop(server);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_restart_midway_loses_nothing() {
    let storage = tempfile::tempdir().unwrap();
    let mut server = NatsServer::start(storage.path());
    let js = connect(&server.url()).await;
    setup(&js).await.unwrap();
    let producer = Producer::new(js.clone(), "trace-restart", "corr-restart");

    let events = mixed_events(10_000);
    publish_all(&producer, &events[..5_000]).await;
    server.restart();
    publish_all(&producer, &events[5_000..]).await;

    let store = InMemoryIdempotencyStore::new();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let consumer = loop {
        match Consumer::bind(js.clone(), "after-restart", RETRY).await {
            Ok(consumer) => break consumer,
            Err(_) => tokio::time::sleep(Duration::from_millis(200)).await,
        }
    };
    consume_until(&consumer, &store, &seen, Counts { js: &js, seen: &seen, handled: 10_000, dead: 0 }).await;
    let handled: HashSet<String> = seen.lock().unwrap().iter().cloned().collect();
    let expected: HashSet<String> = events.iter().map(|e| e.idempotency_key()).collect();
    assert_eq!(seen.lock().unwrap().len(), 10_000);
    assert_eq!(handled, expected, "every event stored before and after the restart is delivered");
}

/// A consumer killed between publishing a dead letter and its Term ack gets
/// the message again and dead-letters it again: the server keeps one letter
/// per poison message, because the letter's message id is the poison
/// message's stream sequence.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_poison_message_dead_lettered_twice_is_stored_once() {
    use futures::StreamExt;
    let storage = tempfile::tempdir().unwrap();
    let server = NatsServer::start(storage.path());
    let js = connect(&server.url()).await;
    setup(&js).await.unwrap();
    let producer = Producer::new(js.clone(), "trace-dead", "corr-dead");
    for index in 0..2 {
        let body = format!(r#"{{"event_id":"00000000-0000-4000-8000-{index:012}","quantity":"lots"}}"#);
        producer.publish_raw("usage.metered.api_call".to_owned(), &format!("poison-{index}"), body.into_bytes()).await.unwrap().await.unwrap();
    }
    let stream = js.get_stream(nats_pipeline::EVENTS_STREAM).await.unwrap();
    let consumer = stream
        .create_consumer(async_nats::jetstream::consumer::pull::Config { durable_name: Some("dead-twice".to_owned()), ..Default::default() })
        .await
        .unwrap();
    let mut batch = consumer.fetch().max_messages(2).expires(Duration::from_secs(10)).messages().await.unwrap();
    let mut poison = Vec::new();
    while let Some(message) = batch.next().await {
        poison.push(message.unwrap());
    }
    assert_eq!(poison.len(), 2);
    for message in &poison {
        let error = agent_platform_events::Event::from_subject_and_slice(&message.subject, &message.payload).unwrap_err();
        // The killed consumer's publish, then the one after redelivery.
        for attempt in [3, 4] {
            dead_letter(&js, message, &error, attempt).await.unwrap();
        }
    }
    let letters = dead_letters(&js).await.unwrap();
    assert_eq!(letters.len(), 2, "one letter per poison message: {letters:?}");
    assert!(letters.iter().all(|(subject, letter)| subject == "dlq.usage.metered.api_call" && letter.attempts == 3), "{letters:?}");
}
