//! The platform event system's events (seed 004) on a Kafka-protocol
//! broker, with the generated crate doing the contract work and rdkafka
//! (librdkafka) talking to the broker.
//!
//! * [`Producer`] validates each envelope and sends it to its event's topic
//!   (`x-topic`), keyed by its partition key (`metadata.partition_key`, the
//!   set's `governance.partition-key`), as the envelope's JSON or in
//!   CloudEvents' Kafka binding ([`Form`]); `trace_id` also travels as a
//!   header.
//! * [`Consumer`] is one member of a consumer group: it decodes and
//!   validates every record (`Envelope::from_record`, all three forms),
//!   upcasts the event to its latest version, runs the handler once per
//!   idempotency key, and sends what cannot be decoded to `dlq.<topic>`.
//!   A record's offset is stored for commit only after its handler ran or
//!   its dead letter was acknowledged by the broker, so a consumer that dies
//!   at any point loses nothing: the group hands its partitions to another
//!   member, which gets every uncommitted record again and skips those the
//!   idempotency store has seen.

pub mod broker;
pub mod samples;
pub mod store;

use std::time::{Duration, Instant};

use event_contracts::{DecodeError, ErrorBody, IdempotencyStore, Record};
use platform_events::registry::EVENTS;
use platform_events::types::EnvelopeHeader;
use platform_events::workflow::instance_started::{v1::InstanceStartedV1, v2::InstanceStartedV2};
use platform_events::{Envelope, Latest, Upcaster};
use rdkafka::ClientConfig;
use rdkafka::admin::{AdminClient, AdminOptions, NewTopic, TopicReplication};
use rdkafka::client::DefaultClientContext;
use rdkafka::consumer::{Consumer as _, StreamConsumer};
use rdkafka::message::{BorrowedMessage, Header, Headers, Message, OwnedHeaders};
use rdkafka::producer::{DeliveryFuture, FutureProducer, FutureRecord};
use rdkafka::types::RDKafkaErrorCode;

/// Dead letters of records read from topic `t` go to `dlq.t`.
pub const DEAD_LETTER_PREFIX: &str = "dlq.";

/// The header that carries a dead letter's error, in the error contract
/// `{"error": {"code", "message", "details"}}`.
pub const ERROR_HEADER: &str = "dlq_error";
/// The headers that say where a dead letter's record was read.
pub const ORIGIN_HEADERS: [&str; 3] = ["dlq_topic", "dlq_partition", "dlq_offset"];
/// The header that counts the attempts made on a dead letter's record.
pub const ATTEMPTS_HEADER: &str = "dlq_attempts";

/// Anything that went wrong talking to the broker.
pub type Error = Box<dyn std::error::Error + Send + Sync>;

/// Every event topic of the contract set (its events' `x-topic`s), sorted.
pub fn event_topics() -> Vec<&'static str> {
    let mut topics: Vec<&'static str> = EVENTS.iter().map(|info| info.topic).collect();
    topics.sort_unstable();
    topics.dedup();
    topics
}

/// The dead-letter topic of each event topic.
pub fn dead_letter_topics() -> Vec<String> {
    event_topics()
        .into_iter()
        .map(|topic| format!("{DEAD_LETTER_PREFIX}{topic}"))
        .collect()
}

/// Client settings every client here shares.
pub fn client_config(bootstrap: &str) -> ClientConfig {
    let mut config = ClientConfig::new();
    config
        .set("bootstrap.servers", bootstrap)
        .set("broker.address.family", "v4");
    config
}

/// Creates the event topics and their dead-letter topics, `partitions`
/// partitions each; topics that exist already are left as they are.
pub async fn create_topics(bootstrap: &str, partitions: i32) -> Result<(), Error> {
    let admin: AdminClient<DefaultClientContext> = client_config(bootstrap).create()?;
    let names: Vec<String> = event_topics()
        .into_iter()
        .map(str::to_owned)
        .chain(dead_letter_topics())
        .collect();
    let topics: Vec<NewTopic> = names
        .iter()
        .map(|name| NewTopic::new(name, partitions, TopicReplication::Fixed(1)))
        .collect();
    let options = AdminOptions::new()
        .request_timeout(Some(Duration::from_secs(10)))
        .operation_timeout(Some(Duration::from_secs(10)));
    for result in admin.create_topics(&topics, &options).await? {
        match result {
            Ok(_) | Err((_, RDKafkaErrorCode::TopicAlreadyExists)) => {}
            Err((topic, code)) => return Err(format!("creating topic {topic}: {code}").into()),
        }
    }
    Ok(())
}

/// How a producer writes an envelope into a record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Form {
    /// The envelope's JSON as the value (what the contract set defines).
    Envelope,
    /// CloudEvents' Kafka binding, binary mode: `ce_` headers, the payload
    /// as the value.
    CloudEventsBinary,
    /// CloudEvents' Kafka binding, structured mode.
    CloudEventsStructured,
}

/// Sends validated envelopes.
pub struct Producer {
    producer: FutureProducer,
}

impl Producer {
    /// A producer that waits for the broker to store each record
    /// (`acks=all`) and never writes one twice on a retry (idempotence).
    pub fn new(bootstrap: &str) -> Result<Self, Error> {
        let producer = client_config(bootstrap)
            .set("acks", "all")
            .set("enable.idempotence", "true")
            .set("linger.ms", "5")
            .set("message.timeout.ms", "120000")
            .create()?;
        Ok(Producer { producer })
    }

    /// Validates `envelope`, writes it in `form` and queues it; the returned
    /// future resolves when the broker has stored it.
    pub fn send(&self, envelope: &Envelope, form: Form) -> Result<DeliveryFuture, Error> {
        let mut record = match form {
            Form::Envelope => envelope.to_record()?,
            Form::CloudEventsBinary => envelope.to_record_binary()?,
            Form::CloudEventsStructured => envelope.to_record_structured()?,
        };
        record.headers.push((
            "trace_id".to_owned(),
            envelope.header.trace_id.clone().into_bytes(),
        ));
        self.send_record(&record)
    }

    /// Queues a record as it is, bypassing the contract: how a misbehaving
    /// producer looks to consumers (tests use it for poison records).
    pub fn send_record(&self, record: &Record) -> Result<DeliveryFuture, Error> {
        let headers = record
            .headers
            .iter()
            .fold(OwnedHeaders::new(), |headers, (key, value)| {
                headers.insert(Header {
                    key,
                    value: Some(value),
                })
            });
        let mut kafka_record = FutureRecord::to(record.topic)
            .payload(&record.value)
            .headers(headers);
        if let Some(key) = &record.key {
            kafka_record = kafka_record.key(key);
        }
        self.producer
            .send_result(kafka_record)
            .map_err(|(error, _)| error.into())
    }
}

/// The consumer's own upcasting step, the one the compatibility checker
/// could not prove: v2 replaced `started_by: "kind:id"` with a structured
/// `initiator`.
pub struct Upcasts;

impl Upcaster for Upcasts {
    fn workflow_instance_started_v1_to_v2(&self, v1: InstanceStartedV1) -> InstanceStartedV2 {
        let (kind, id) = match v1.started_by.split_once(':') {
            Some((kind @ ("user" | "service" | "schedule"), id)) => {
                (kind.to_owned(), id.to_owned())
            }
            _ => ("service".to_owned(), v1.started_by.clone()),
        };
        let mut json = serde_json::to_value(&v1).expect("generated types always serialize");
        let fields = json.as_object_mut().expect("a payload is an object");
        fields.remove("started_by");
        fields.insert(
            "initiator".to_owned(),
            serde_json::json!({ "kind": kind, "id": id }),
        );
        serde_json::from_value(json).expect("every other v1 field is a v2 field")
    }
}

/// What a consumer run did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Stats {
    /// Records whose handler ran.
    pub handled: u64,
    /// Records handled before (redelivered after a kill or a rebalance),
    /// skipped by their idempotency key.
    pub duplicates: u64,
    /// Records sent to a dead-letter topic.
    pub dead_lettered: u64,
    /// Time spent decoding and validating, in nanoseconds.
    pub decode_nanos: u64,
}

/// One member of a consumer group over every event topic.
pub struct Consumer {
    consumer: StreamConsumer,
    dead_letters: FutureProducer,
}

impl Consumer {
    /// Joins consumer group `group` and subscribes to every event topic.
    pub fn join(bootstrap: &str, group: &str) -> Result<Self, Error> {
        let consumer: StreamConsumer = client_config(bootstrap)
            .set("group.id", group)
            .set("auto.offset.reset", "earliest")
            // Offsets are stored by hand, after the handler or the dead
            // letter; librdkafka commits what is stored.
            .set("enable.auto.offset.store", "false")
            .set("enable.auto.commit", "true")
            .set("auto.commit.interval.ms", "200")
            .set("session.timeout.ms", "6000")
            .set("heartbeat.interval.ms", "500")
            .set("fetch.wait.max.ms", "10")
            .create()?;
        consumer.subscribe(&event_topics())?;
        let dead_letters = client_config(bootstrap)
            .set("acks", "all")
            .set("enable.idempotence", "true")
            .create()?;
        Ok(Consumer {
            consumer,
            dead_letters,
        })
    }

    /// Processes records until `until` says stop (asked after each record
    /// and every 200 ms without one). The handler gets every event at its
    /// latest version, at most once per idempotency key: the key is
    /// recorded and the handler run with no `.await` between them, so an
    /// aborted consumer task never leaves one done without the other.
    pub async fn run<S: IdempotencyStore>(
        &self,
        store: &S,
        mut handler: impl FnMut(&EnvelopeHeader, Latest),
        mut until: impl FnMut(&Stats) -> bool,
    ) -> Result<Stats, Error> {
        let mut stats = Stats::default();
        while !until(&stats) {
            let message = match tokio::time::timeout(
                Duration::from_millis(200),
                self.consumer.recv(),
            )
            .await
            {
                Err(_) => continue,
                Ok(message) => message?,
            };
            let headers: Vec<(&str, &[u8])> = message
                .headers()
                .map(|headers| {
                    headers
                        .iter()
                        .map(|h| (h.key, h.value.unwrap_or_default()))
                        .collect()
                })
                .unwrap_or_default();
            let started = Instant::now();
            let decoded = Envelope::from_record(headers, message.payload().unwrap_or_default());
            stats.decode_nanos += started.elapsed().as_nanos() as u64;
            match decoded {
                Ok(envelope) => {
                    if store.first_time(&envelope.idempotency_key()) {
                        handler(&envelope.header, envelope.event.upcast(&Upcasts));
                        stats.handled += 1;
                    } else {
                        stats.duplicates += 1;
                    }
                }
                Err(error) => {
                    dead_letter(&self.dead_letters, &message, &error).await?;
                    stats.dead_lettered += 1;
                }
            }
            self.consumer.store_offset_from_message(&message)?;
        }
        Ok(stats)
    }
}

/// Sends the dead letter of `message`, which failed with `error`, to
/// `dlq.<its topic>` and waits for the broker to store it. The value is the
/// record's original bytes and the key its key, unchanged, so a replay
/// sends exactly what came in; the headers are the original ones plus the
/// error contract ([`ERROR_HEADER`]), where the record was read
/// ([`ORIGIN_HEADERS`]) and the attempt count. Decoding is deterministic,
/// so a record that fails it is quarantined on its first attempt. A
/// consumer killed after this and before the offset commit sends the
/// letter again: readers of dead letters de-duplicate by origin.
pub async fn dead_letter(
    producer: &FutureProducer,
    message: &BorrowedMessage<'_>,
    error: &DecodeError,
) -> Result<(), Error> {
    let contract = serde_json::json!({ "error": ErrorBody::from(error) });
    let contract = serde_json::to_vec(&contract)?;
    let (partition, offset) = (
        message.partition().to_string(),
        message.offset().to_string(),
    );
    let mut headers = OwnedHeaders::new();
    if let Some(original) = message.headers() {
        for header in original.iter() {
            headers = headers.insert(header);
        }
    }
    let headers = headers
        .insert(Header {
            key: ERROR_HEADER,
            value: Some(&contract),
        })
        .insert(Header {
            key: ORIGIN_HEADERS[0],
            value: Some(message.topic()),
        })
        .insert(Header {
            key: ORIGIN_HEADERS[1],
            value: Some(&partition),
        })
        .insert(Header {
            key: ORIGIN_HEADERS[2],
            value: Some(&offset),
        })
        .insert(Header {
            key: ATTEMPTS_HEADER,
            value: Some("1"),
        });
    let topic = format!("{DEAD_LETTER_PREFIX}{}", message.topic());
    let mut record = FutureRecord::to(&topic)
        .payload(message.payload().unwrap_or_default())
        .headers(headers);
    if let Some(key) = message.key() {
        record = record.key(key);
    }
    producer
        .send(record, Duration::from_secs(60))
        .await
        .map_err(|(error, _)| error)?;
    Ok(())
}

/// A dead letter as read back from its topic.
#[derive(Debug, Clone, PartialEq)]
pub struct DeadLetter {
    /// The topic, partition and offset the record was read at.
    pub origin: (String, i32, i64),
    /// The error contract's `error`.
    pub error: ErrorBody,
    /// The record's key and value as they came in.
    pub key: Option<Vec<u8>>,
    pub value: Vec<u8>,
}

impl DeadLetter {
    /// Reads a record of a dead-letter topic.
    pub fn from_message(message: &impl Message) -> Result<Self, Error> {
        let header = |name: &str| -> Result<Vec<u8>, Error> {
            let headers = message.headers().ok_or("a dead letter has headers")?;
            let found = headers
                .iter()
                .filter(|h| h.key == name)
                .last()
                .and_then(|h| h.value)
                .ok_or_else(|| format!("a dead letter has a {name} header"))?;
            Ok(found.to_vec())
        };
        let text = |name: &str| -> Result<String, Error> { Ok(String::from_utf8(header(name)?)?) };
        let contract: serde_json::Value = serde_json::from_slice(&header(ERROR_HEADER)?)?;
        Ok(DeadLetter {
            origin: (
                text(ORIGIN_HEADERS[0])?,
                text(ORIGIN_HEADERS[1])?.parse()?,
                text(ORIGIN_HEADERS[2])?.parse()?,
            ),
            error: serde_json::from_value(contract["error"].clone())?,
            key: message.key().map(<[u8]>::to_vec),
            value: message.payload().unwrap_or_default().to_vec(),
        })
    }
}
