//! The agent platform's events (seed 003) on NATS JetStream, with the
//! generated crate doing the contract work.
//!
//! * [`Producer`] validates each typed event (`Event::to_vec`) and publishes
//!   it on the subject the event names (`Event::subject`), with headers for
//!   trace id, correlation id, event type and version, and its idempotency
//!   key as the JetStream message id, so the server drops duplicates.
//! * [`Consumer`] pulls from a durable consumer, decodes and validates with
//!   the generated dispatch (`Event::from_subject_and_slice`), runs the
//!   handler once per idempotency key, acks after the side effect, and after
//!   a bounded number of attempts with backoff sends what cannot be decoded
//!   to the dead-letter subject in the error contract.

pub mod samples;
pub mod server;

use std::time::{Duration, Instant};

use agent_platform_events::prelude::*;
use agent_platform_events::{DeadLetter, DecodeError, Event, IdempotencyStore, SUBJECTS};
use async_nats::HeaderMap;
use async_nats::jetstream::{self, AckKind, consumer, stream};
use futures::StreamExt;

/// The stream that holds the events.
pub const EVENTS_STREAM: &str = "AGENT_EVENTS";
/// The stream that holds dead letters.
pub const DEAD_LETTER_STREAM: &str = "AGENT_DEAD_LETTERS";
/// Dead letters go to `dlq.<original subject>`.
pub const DEAD_LETTER_PREFIX: &str = "dlq.";

/// Anything that went wrong talking to NATS.
pub type Error = Box<dyn std::error::Error + Send + Sync>;

/// The subjects the events stream captures: one `<first token>.>` per
/// generated subject pattern.
pub fn stream_subjects() -> Vec<String> {
    let mut subjects: Vec<String> = SUBJECTS
        .iter()
        .map(|(pattern, _, _)| format!("{}.>", pattern.split('.').next().unwrap_or(pattern)))
        .collect();
    subjects.sort();
    subjects.dedup();
    subjects
}

/// Creates (or finds) the events and dead-letter streams, on disk.
pub async fn setup(js: &jetstream::Context) -> Result<(), Error> {
    js.get_or_create_stream(stream::Config {
        name: EVENTS_STREAM.to_owned(),
        subjects: stream_subjects(),
        storage: stream::StorageType::File,
        duplicate_window: Duration::from_secs(120),
        ..Default::default()
    })
    .await?;
    js.get_or_create_stream(stream::Config {
        name: DEAD_LETTER_STREAM.to_owned(),
        subjects: vec![format!("{DEAD_LETTER_PREFIX}>")],
        storage: stream::StorageType::File,
        ..Default::default()
    })
    .await?;
    Ok(())
}

/// Publishes typed events.
pub struct Producer {
    js: jetstream::Context,
    trace_id: String,
    correlation_id: String,
}

impl Producer {
    /// A producer whose messages carry these trace and correlation ids.
    pub fn new(js: jetstream::Context, trace_id: impl Into<String>, correlation_id: impl Into<String>) -> Self {
        Producer {
            js,
            trace_id: trace_id.into(),
            correlation_id: correlation_id.into(),
        }
    }

    /// Validates and publishes one event; the returned future resolves when
    /// the server has stored it.
    pub async fn publish(&self, event: &Event) -> Result<jetstream::context::PublishAckFuture, Error> {
        let bytes = event.to_vec()?;
        let mut headers = HeaderMap::new();
        headers.insert("Nats-Msg-Id", event.idempotency_key().as_str());
        headers.insert("Event-Type", event.event_type());
        headers.insert("Event-Version", event.version().to_string().as_str());
        headers.insert("Trace-Id", self.trace_id.as_str());
        headers.insert("Correlation-Id", self.correlation_id.as_str());
        Ok(self.js.publish_with_headers(event.subject(), headers, bytes.into()).await?)
    }

    /// Publishes raw bytes, bypassing the contract: how a misbehaving
    /// producer looks to consumers (tests use it for poison messages).
    pub async fn publish_raw(&self, subject: String, message_id: &str, bytes: Vec<u8>) -> Result<jetstream::context::PublishAckFuture, Error> {
        let mut headers = HeaderMap::new();
        headers.insert("Nats-Msg-Id", message_id);
        Ok(self.js.publish_with_headers(subject, headers, bytes.into()).await?)
    }
}

/// How often a message that fails is retried, and how long to wait.
#[derive(Debug, Clone, Copy)]
pub struct RetryPolicy {
    /// Deliveries before a message goes to the dead-letter subject.
    pub max_attempts: u32,
    /// The wait before the first retry; doubled on each further one.
    pub first_backoff: Duration,
}

impl RetryPolicy {
    fn backoff(&self, attempt: u32) -> Duration {
        self.first_backoff * 2u32.saturating_pow(attempt.saturating_sub(1))
    }
}

/// What a consumer run did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Stats {
    /// Messages whose handler ran.
    pub handled: u64,
    /// Redeliveries of messages already handled (skipped by idempotency key).
    pub duplicates: u64,
    /// Failed messages sent back for a retry.
    pub retried: u64,
    /// Messages sent to the dead-letter subject.
    pub dead_lettered: u64,
    /// Time spent decoding and validating, in nanoseconds.
    pub decode_nanos: u64,
}

/// Pulls events from a durable consumer and hands each to a handler once.
pub struct Consumer {
    js: jetstream::Context,
    consumer: consumer::PullConsumer,
    retry: RetryPolicy,
}

impl Consumer {
    /// Binds to (or creates) the durable pull consumer `durable`.
    pub async fn bind(js: jetstream::Context, durable: &str, retry: RetryPolicy) -> Result<Self, Error> {
        let stream = js.get_stream(EVENTS_STREAM).await?;
        let consumer = stream
            .get_or_create_consumer(
                durable,
                consumer::pull::Config {
                    durable_name: Some(durable.to_owned()),
                    ack_policy: consumer::AckPolicy::Explicit,
                    ack_wait: Duration::from_secs(5),
                    max_deliver: i64::from(retry.max_attempts) + 1,
                    ..Default::default()
                },
            )
            .await?;
        Ok(Consumer { js, consumer, retry })
    }

    /// Processes messages until `until` says stop. The handler runs at most
    /// once per idempotency key: the key is recorded and the handler run
    /// with no `.await` between them, so a consumer task that is aborted
    /// (or a process that dies) never leaves one done without the other.
    pub async fn run<S: IdempotencyStore>(
        &self,
        store: &S,
        mut handler: impl FnMut(&Event),
        mut until: impl FnMut(&Stats) -> bool,
    ) -> Result<Stats, Error> {
        let mut stats = Stats::default();
        while !until(&stats) {
            let mut batch = self.consumer.fetch().max_messages(256).expires(Duration::from_millis(200)).messages().await?;
            while let Some(message) = batch.next().await {
                let message = message?;
                let started = Instant::now();
                let decoded = Event::from_subject_and_slice(&message.subject, &message.payload);
                stats.decode_nanos += started.elapsed().as_nanos() as u64;
                match decoded {
                    Ok(event) => {
                        if store.first_time(&event.idempotency_key()) {
                            handler(&event);
                            stats.handled += 1;
                        } else {
                            stats.duplicates += 1;
                        }
                        message.ack().await?;
                    }
                    Err(error) => {
                        let attempt = message.info().map(|info| info.delivered).unwrap_or(1).max(1) as u32;
                        if attempt < self.retry.max_attempts {
                            message.ack_with(AckKind::Nak(Some(self.retry.backoff(attempt)))).await?;
                            stats.retried += 1;
                        } else {
                            dead_letter(&self.js, &message, &error, attempt).await?;
                            message.ack_with(AckKind::Term).await?;
                            stats.dead_lettered += 1;
                        }
                    }
                }
            }
        }
        Ok(stats)
    }
}

/// Publishes the dead letter of `message`, which failed its last attempt
/// with `error`, to `dlq.<its subject>` in the error contract, and waits
/// for the server's ack. The message's stream sequence is the dead
/// letter's message id: a consumer killed between this and the Term ack
/// gets the message again and publishes again, and the server drops the
/// second copy (duplicate window).
pub async fn dead_letter(js: &jetstream::Context, message: &jetstream::Message, error: &DecodeError, attempt: u32) -> Result<(), Error> {
    let headers = message
        .headers
        .iter()
        .flat_map(|headers| headers.iter())
        .map(|(name, values)| {
            let value = values.iter().map(|v| v.as_str()).collect::<Vec<_>>().join(",");
            (name.to_string(), value)
        })
        .collect();
    let letter = DeadLetter::from_decode_error(error, &message.payload, headers, attempt);
    let subject = format!("{DEAD_LETTER_PREFIX}{}", message.subject);
    let bytes = serde_json::to_vec(&letter)?;
    let mut dead_headers = HeaderMap::new();
    if let Ok(info) = message.info() {
        dead_headers.insert("Nats-Msg-Id", format!("dead-letter-{}", info.stream_sequence).as_str());
    }
    js.publish_with_headers(subject, dead_headers, bytes.into()).await?.await?;
    Ok(())
}

/// Reads every dead letter stored so far.
pub async fn dead_letters(js: &jetstream::Context) -> Result<Vec<(String, DeadLetter)>, Error> {
    let mut stream = js.get_stream(DEAD_LETTER_STREAM).await?;
    let count = stream.info().await?.state.messages;
    let mut letters = Vec::new();
    for sequence in 1..=count {
        let message = stream.get_raw_message(sequence).await?;
        letters.push((message.subject.to_string(), serde_json::from_slice(&message.payload)?));
    }
    Ok(letters)
}
