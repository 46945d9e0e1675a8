//! End to end against a real Kafka-protocol broker (tansu, SQLite storage):
//! a consumer group of two member processes handles every valid event
//! exactly once across a member killed (SIGKILL) and replaced, the
//! rebalances that follow, and a broker restart; every poison record lands
//! in its dead-letter topic with its error, its origin and its original
//! bytes.

use std::collections::{BTreeMap, HashSet};
use std::time::{Duration, Instant};

use event_contracts::{InMemoryIdempotencyStore, Record};
use kafka_pipeline::broker::Tansu;
use kafka_pipeline::samples::mixed_envelopes;
use kafka_pipeline::store::SqliteIdempotencyStore;
use kafka_pipeline::{
    Consumer, DeadLetter, Form, Producer, client_config, create_topics, dead_letter_topics,
};
use platform_events::{Envelope, Latest};
use rdkafka::consumer::{Consumer as _, StreamConsumer};

/// Fails the whole test binary when a test runs past `seconds`: a client
/// that waits on a broker that is gone must fail the run, not hang it.
struct Watchdog(Option<std::sync::mpsc::Sender<()>>);

impl Watchdog {
    fn arm(test: &'static str, seconds: u64) -> Self {
        let (done, finished) = std::sync::mpsc::channel::<()>();
        std::thread::spawn(move || {
            if let Err(std::sync::mpsc::RecvTimeoutError::Timeout) =
                finished.recv_timeout(Duration::from_secs(seconds))
            {
                eprintln!("{test} ran past {seconds} s: failing the run");
                std::process::exit(101);
            }
        });
        Watchdog(Some(done))
    }
}

impl Drop for Watchdog {
    fn drop(&mut self) {
        drop(self.0.take());
    }
}

/// Creates the topics, retrying while the broker is still starting.
async fn setup(bootstrap: &str) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while let Err(error) = create_topics(bootstrap, 3).await {
        assert!(
            Instant::now() < deadline,
            "creating topics kept failing: {error}"
        );
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
}

/// One in ten envelopes in CloudEvents' binary mode, one in ten in
/// structured mode, the rest as the envelope's JSON.
fn form_of(index: usize) -> Form {
    match index % 10 {
        0 => Form::CloudEventsBinary,
        1 => Form::CloudEventsStructured,
        _ => Form::Envelope,
    }
}

/// Sends every envelope and waits until the broker stored each; a record
/// the broker refused is sent again (its idempotency key makes a second
/// copy harmless to the consumers).
async fn publish_all(producer: &Producer, envelopes: &[(usize, Envelope)]) {
    let deadline = Instant::now() + Duration::from_secs(300);
    let mut pending: Vec<&(usize, Envelope)> = envelopes.iter().collect();
    while !pending.is_empty() {
        assert!(Instant::now() < deadline, "publishing kept failing");
        let mut failed = Vec::new();
        for chunk in pending.chunks(2_000) {
            let mut deliveries = Vec::new();
            for item in chunk {
                match producer.send(&item.1, form_of(item.0)) {
                    Ok(delivery) => deliveries.push((item, delivery)),
                    Err(_) => failed.push(*item),
                }
            }
            for (item, delivery) in deliveries {
                if !matches!(delivery.await, Ok(Ok(_))) {
                    failed.push(*item);
                }
            }
        }
        pending = failed;
    }
}

/// A record that breaks the contract: half valid JSON whose payload breaks
/// its schema (`workflow_version` must be at least 1), half not JSON.
fn poison(index: usize, started: &Envelope) -> Record {
    let value = if index.is_multiple_of(2) {
        let mut envelope = serde_json::to_value(started).unwrap();
        envelope["id"] = format!("00000000-0000-4000-9000-{index:012}").into();
        envelope["payload"]["workflow_version"] = 0.into();
        serde_json::to_vec(&envelope).unwrap()
    } else {
        format!("poison {index} {{").into_bytes()
    };
    Record {
        topic: "workflow.instance.started.v1",
        key: Some(format!("poison-{index}")),
        headers: vec![("trace_id".to_owned(), b"poison".to_vec())],
        value,
    }
}

/// Reads the dead-letter topics until `expected` distinct origins are in
/// (and a second more, so that extra letters would be seen too).
async fn dead_letters(bootstrap: &str, expected: usize) -> Vec<DeadLetter> {
    let reader: StreamConsumer = client_config(bootstrap)
        .set("group.id", "dead-letter-reader")
        .set("auto.offset.reset", "earliest")
        .create()
        .unwrap();
    let topics = dead_letter_topics();
    reader
        .subscribe(&topics.iter().map(String::as_str).collect::<Vec<_>>())
        .unwrap();
    let mut letters = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(120);
    let mut complete_at = None;
    loop {
        let origins: HashSet<_> = letters
            .iter()
            .map(|l: &DeadLetter| l.origin.clone())
            .collect();
        if origins.len() >= expected && complete_at.is_none() {
            complete_at = Some(Instant::now());
        }
        if complete_at.is_some_and(|at| at.elapsed() > Duration::from_secs(1))
            || Instant::now() > deadline
        {
            return letters;
        }
        if let Ok(message) = tokio::time::timeout(Duration::from_millis(200), reader.recv()).await {
            letters.push(DeadLetter::from_message(&message.unwrap()).unwrap());
        }
    }
}

/// A group member in its own process, sharing the SQLite idempotency
/// store `store`; killed (SIGKILL, nothing flushed or committed) when
/// dropped or on [`Member::kill`].
struct Member(std::process::Child);

impl Member {
    fn start(bootstrap: &str, store: &std::path::Path) -> Self {
        let child = std::process::Command::new(env!("CARGO_BIN_EXE_member"))
            .args(["--bootstrap", bootstrap, "--group", "handlers", "--store"])
            .arg(store)
            .spawn()
            .expect("a member process starts");
        Member(child)
    }

    fn kill(&mut self) {
        self.0.kill().unwrap();
        self.0.wait().unwrap();
    }
}

impl Drop for Member {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

async fn wait_until(
    what: &str,
    seconds: u64,
    mut done: impl FnMut() -> bool,
    progress: impl Fn() -> usize,
) {
    let started = Instant::now();
    let mut reported = Instant::now();
    while !done() {
        assert!(
            started.elapsed() < Duration::from_secs(seconds),
            "timed out waiting until {what} ({} handled)",
            progress()
        );
        if reported.elapsed() > Duration::from_secs(10) {
            eprintln!(
                "waiting until {what}: {} handled after {:.0?}",
                progress(),
                started.elapsed()
            );
            reported = Instant::now();
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    eprintln!("{what} after {:.1?}", started.elapsed());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_hundred_thousand_events_exactly_once_across_a_kill_rebalances_and_a_broker_restart() {
    let _watchdog = Watchdog::arm("the hundred thousand events", 900);
    let storage = tempfile::tempdir().unwrap();
    let mut broker = Tansu::start(storage.path());
    let bootstrap = broker.bootstrap();
    setup(&bootstrap).await;
    let producer = Producer::new(&bootstrap).unwrap();

    const VALID: usize = 99_000;
    const POISON: usize = 1_000;
    let envelopes: Vec<(usize, Envelope)> =
        mixed_envelopes(VALID).into_iter().enumerate().collect();
    let expected: HashSet<String> = envelopes
        .iter()
        .map(|(_, e)| e.header.id.to_string())
        .collect();
    assert_eq!(expected.len(), VALID);
    let (first_half, second_half) = envelopes.split_at(VALID / 2);
    let started = Instant::now();
    publish_all(&producer, first_half).await;
    eprintln!(
        "published {} in {:.1?}",
        first_half.len(),
        started.elapsed()
    );
    let started = envelopes
        .iter()
        .map(|(_, e)| e)
        .find(|e| event_contracts::EventSet::wire_type(&e.event) == "workflow.instance.started.v1")
        .unwrap();
    let poison: Vec<Record> = (0..POISON).map(|index| poison(index, started)).collect();
    for record in &poison {
        producer
            .send_record(record)
            .unwrap()
            .await
            .unwrap()
            .unwrap();
    }

    let store = SqliteIdempotencyStore::open(&storage.path().join("handled.db")).unwrap();
    let handled = || store.len().unwrap() as usize;

    // A group of one, then of two: the partitions are shared out again.
    let store_path = storage.path().join("handled.db");
    let mut first = Member::start(&bootstrap, &store_path);
    wait_until("the first member handled 10%", 240, || handled() >= VALID / 10, handled).await;
    let second = Member::start(&bootstrap, &store_path);
    wait_until("the group handled 25%", 240, || handled() >= VALID / 4, handled).await;

    // The first member is killed mid-run (its stored offsets uncommitted);
    // a new one joins in its place.
    first.kill();
    let third = Member::start(&bootstrap, &store_path);
    wait_until("the group handled 40%", 240, || handled() >= VALID * 2 / 5, handled).await;

    // The broker restarts; the rest is produced after it.
    broker.restart();
    publish_all(&producer, second_half).await;
    wait_until("every valid event was handled", 300, || handled() >= VALID, handled).await;
    let letters = dead_letters(&bootstrap, POISON).await;
    // A little longer: nothing more may be handled.
    tokio::time::sleep(Duration::from_secs(2)).await;
    drop((second, third));

    let keys = store.keys().unwrap();
    eprintln!("handled {} events once each; {} redelivered records turned away by the idempotency store", keys.len(), store.repeats().unwrap());
    assert_eq!(keys.len(), VALID, "every valid event handled exactly once");
    let handled: HashSet<String> = keys.into_iter().collect();
    assert_eq!(handled, expected);

    let origins: HashSet<_> = letters.iter().map(|l| l.origin.clone()).collect();
    assert_eq!(
        origins.len(),
        POISON,
        "every poison record is dead-lettered ({} letters)",
        letters.len()
    );
    let mut codes = BTreeMap::new();
    for letter in &letters {
        assert_eq!(letter.origin.0, "workflow.instance.started.v1");
        let index: usize = std::str::from_utf8(letter.key.as_deref().unwrap())
            .unwrap()
            .trim_start_matches("poison-")
            .parse()
            .unwrap();
        assert_eq!(
            letter.value, poison[index].value,
            "the original bytes, unchanged"
        );
        *codes.entry(letter.error.code.clone()).or_insert(0usize) += 1;
        if index.is_multiple_of(2) {
            assert_eq!(letter.error.code, "VALIDATION_FAILED");
            assert_eq!(
                letter.error.details["pointer"], "/payload/workflow_version",
                "{letter:?}"
            );
        } else {
            assert_eq!(letter.error.code, "MALFORMED_ENVELOPE", "{letter:?}");
        }
    }
    assert_eq!(codes.values().sum::<usize>(), letters.len());
    eprintln!("{} dead letters for {} poison records (a killed member may send one twice; readers de-duplicate by origin)", letters.len(), origins.len());
    drop(producer);
    drop(broker);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_form_of_record_reaches_the_handler_upcast_to_the_latest_version() {
    let _watchdog = Watchdog::arm("every form of record", 300);
    let storage = tempfile::tempdir().unwrap();
    let broker = Tansu::start(storage.path());
    let bootstrap = broker.bootstrap();
    setup(&bootstrap).await;
    let producer = Producer::new(&bootstrap).unwrap();
    let envelopes: Vec<(usize, Envelope)> =
        mixed_envelopes(std::env::var("N").map_or(120, |n| n.parse().unwrap()))
            .into_iter()
            .enumerate()
            .collect();
    publish_all(&producer, &envelopes).await;

    let consumer = Consumer::join(&bootstrap, "forms").unwrap();
    let store = InMemoryIdempotencyStore::new();
    let mut seen = Vec::new();
    let started = Instant::now();
    let stats = consumer
        .run(
            &store,
            |header, event| seen.push((header.id.to_string(), event)),
            |stats| {
                stats.handled as usize == envelopes.len()
                    || started.elapsed() > Duration::from_secs(60)
            },
        )
        .await
        .unwrap();
    assert_eq!(stats.handled as usize, envelopes.len(), "{stats:?}");
    let ids: HashSet<String> = seen.iter().map(|(id, _)| id.clone()).collect();
    assert_eq!(ids, envelopes.iter().map(|(_, e)| e.header.id.to_string()).collect());
    // Both versions of a type reach the handler at the latest one.
    let mut by_type = BTreeMap::new();
    for (_, event) in &seen {
        let kind = match event {
            Latest::CacheEntryInvalidated(_) => "cache.entry.invalidated",
            Latest::NotifyEmailRequested(_) => "notify.email.requested",
            Latest::WorkflowInstanceCompleted(_) => "workflow.instance.completed",
            Latest::WorkflowInstanceStarted(v2) => {
                assert!(!v2.initiator.id.is_empty());
                "workflow.instance.started"
            }
        };
        *by_type.entry(kind).or_insert(0usize) += 1;
    }
    let mut expected_by_type = BTreeMap::new();
    for (_, envelope) in &envelopes {
        *expected_by_type.entry(event_contracts::EventSet::event_type(&envelope.event)).or_insert(0usize) += 1;
    }
    assert_eq!(by_type, expected_by_type);
    // The clients leave while the broker can still answer them.
    drop((consumer, producer));
    drop(broker);
}
