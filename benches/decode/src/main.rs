//! The decode and encode benchmark. For each input, in one run and
//! interleaved (see `measure`):
//!
//! - A: the generated `Envelope` decode, dispatching on type and version;
//! - A fast: the same over simd-json (event-contracts's `fast-json` feature);
//! - B: serde_json into a hand-written envelope whose payload type is known
//!   (`from_slice`, which checks each string it decodes as UTF-8);
//! - B str: the same over the message checked as UTF-8 once (`from_str`),
//!   as A reads it: A / B str is what dispatch itself costs;
//! - C: serde's own dispatch: the internally tagged enum where the tag sits
//!   beside the payload, buffering into `Value` where it is nested (KFM);
//! - D: `serde_json::Value`, the `jsonschema` validator (compiled once) for
//!   envelope and payload, then `from_value` into the known type;
//! - E: the generated decode with the generated validation (the safe path);
//! - F: sonic-rs into the known envelope (the near-limit);
//! - G: simd-json into the known envelope (the other SIMD parser, measured
//!   to choose between them; it parses in place, so from a copy).
//!
//! Prints a table per input (median times) and, last, one line of
//! `key=value` ratios (each the median of the two variants' ratios round
//! by round). `--quick` measures briefly (a smoke run for CI).
//!
//! `--repeat INPUT/VARIANT N` measures nothing: it calls one variant of one
//! input (`meta_first/A`, `mixed/B str`, `encode/B`) N times and exits, for
//! counting instructions under callgrind. Every input is set up as in a
//! full run, so the difference between N and 1 calls is N - 1 calls.

mod known;
mod measure;

use std::collections::HashMap;
use std::time::Duration;

use event_contracts::SchemaValidator;
use event_contracts::prelude::*;
use measure::{Settings, Timings, Variant};
use serde_json::{Value, json};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let quick = args.iter().any(|arg| arg == "--quick");
    let settings = if quick {
        Settings { rounds: 11, batch: Duration::from_millis(4) }
    } else {
        Settings { rounds: 41, batch: Duration::from_millis(20) }
    };
    let repeat = match args.iter().position(|arg| arg == "--repeat") {
        Some(at) => match Repeat::parse(&args[at + 1..]) {
            Ok(repeat) => Some(repeat),
            Err(usage) => {
                eprintln!("decode-bench: {usage}");
                std::process::exit(2);
            }
        },
        None => None,
    };
    if repeat.is_none() {
        // sonic-rs uses SIMD only when built for a CPU with it (`cargo xtask
        // bench` builds with `-C target-cpu=native`); simd-json picks at run time.
        println!(
            "Built with AVX2 and PCLMULQDQ (sonic-rs's SIMD): {}; simd-json's implementation: {}",
            cfg!(all(target_feature = "avx2", target_feature = "pclmulqdq")),
            simd_json::Deserializer::algorithm()
        );
    }
    let mut report = Report { figures: Vec::new(), repeat };
    kfm(&mut report, settings);
    flat(&mut report, settings);
    bench_set(&mut report, settings);
    open_objects(&mut report, settings);
    if let Some(repeat) = &report.repeat {
        eprintln!("decode-bench: no variant {}/{}; inputs are meta_first, data_first, encode, flat, mixed, large", repeat.input, repeat.variant);
        std::process::exit(2);
    }
    // The headline figures under the names the targets use: small events
    // are the KFM envelope (meta first) and, for serde's tagged enum, the
    // mixed stream, where the tag sits where serde can dispatch on it.
    for (alias, key) in [
        ("decode_c_over_a", "decode_c_over_a_mixed"),
        ("validate_d_over_e", "validate_d_over_e_meta_first"),
        ("fast_backend_a_over_b", "fast_backend_a_over_b_meta_first"),
    ] {
        let value = report.figures.iter().find(|(k, _)| k == key).map(|(_, v)| *v).expect("measured above");
        report.figures.push((alias.to_owned(), value));
    }
    println!("{}", report.figures.iter().map(|(k, v)| format!("{k}={v:.3}")).collect::<Vec<_>>().join(" "));
}

struct Report {
    figures: Vec<(String, f64)>,
    /// One variant to call over and over instead of measuring (`--repeat`).
    repeat: Option<Repeat>,
}

struct Repeat {
    input: String,
    variant: String,
    calls: u64,
}

impl Repeat {
    fn parse(args: &[String]) -> Result<Self, String> {
        let usage = || "usage: decode-bench --repeat INPUT/VARIANT CALLS (e.g. --repeat 'mixed/B str' 300)".to_owned();
        let (Some(which), Some(calls)) = (args.first(), args.get(1)) else { return Err(usage()) };
        let (Some((input, variant)), Ok(calls)) = (which.split_once('/'), calls.parse()) else { return Err(usage()) };
        Ok(Repeat { input: input.to_owned(), variant: variant.to_owned(), calls })
    }
}

impl Report {
    /// Measures `variants` on one input (`key` names it for `--repeat`),
    /// prints its table and returns the times. Under `--repeat`, measures
    /// nothing and returns no times; the chosen variant is called and the
    /// process ends.
    fn run(&mut self, input: &str, key: &str, bytes: usize, mut variants: Vec<Variant<'_>>, settings: Settings) -> Option<Timings> {
        if let Some(repeat) = &self.repeat {
            if let Some(variant) = variants.iter_mut().find(|v| repeat.input == key && repeat.variant == v.name) {
                let total = (0..repeat.calls).map(|_| variant.call()).fold(0usize, usize::wrapping_add);
                println!("{key}/{}: {} calls ({total})", variant.name, repeat.calls);
                std::process::exit(0);
            }
            return None;
        }
        let times = measure::measure(&mut variants, settings);
        println!("\n{input} ({bytes} bytes)\n");
        println!("| variant | ns per call | / B |");
        println!("|---|---:|---:|");
        for variant in &variants {
            let ratio = format!("{:.2}", times.ratio(variant.name, "B"));
            println!("| {} | {:.0} | {ratio} |", variant.name, times.median(variant.name));
        }
        Some(times)
    }

    fn ratio(&mut self, key: &str, times: &Option<Timings>, over: &str, under: &str) {
        if let Some(times) = times {
            self.figures.push((key.to_owned(), times.ratio(over, under)));
        }
    }
}

fn example(schema: &str) -> Value {
    let schema: Value = serde_json::from_str(schema).expect("generated crates embed valid schemas");
    schema["examples"][0].clone()
}

/// The KFM envelope, meta first and data first, and encoding.
fn kfm(report: &mut Report, settings: Settings) {
    use events_generated::{Envelope, Event, LAYOUT, NewImageAvailableV2, registry, types::EnvelopeHeader};
    let info = Event::find("kfm.ingestion.new_image_available", 2).expect("in the KFM set");
    let data = example(info.schema).to_string();
    let meta = json!({
        "event_id": "b6c57f3c-3cfe-4c05-9d4e-7e61b24f6f0e",
        "type": "kfm.ingestion.new_image_available",
        "version": 2,
        "occurred_at": "2026-01-04T18:22:19.000Z",
        "producer": "ingestion-service",
        "correlation_id": "ingest-2026-01-04-ks-landsat",
        "classification": {"tier": "public", "redaction_required": false}
    })
    .to_string();
    let envelope = SchemaValidator::document("json-schema:///_shared/event-envelope.schema.json", registry::DOCUMENTS, true);
    let payload = SchemaValidator::document("json-schema:///ingestion/new_image_available.v2.schema.json", registry::DOCUMENTS, true);

    for (input, key, message) in [
        ("KFM envelope, meta first", "meta_first", format!(r#"{{"meta":{meta},"data":{data}}}"#)),
        ("KFM envelope, data first", "data_first", format!(r#"{{"data":{data},"meta":{meta}}}"#)),
    ] {
        let bytes = message.as_bytes();
        let variants = vec![
            Variant::new("A", || Envelope::from_slice_unchecked(bytes).expect("A decodes").event.version() as usize),
            // What the generated `from_slice_unchecked` calls under `fast-json`
            // (KFM's `meta` decodes whole through its wire type).
            Variant::new("A fast", || {
                event_contracts::decode::fast::from_slice_nested::<EnvelopeHeader, Event>(&LAYOUT, bytes).expect("A fast decodes").1.version() as usize
            }),
            Variant::new("B", || {
                serde_json::from_slice::<known::KfmKnown<NewImageAvailableV2>>(bytes).expect("B decodes").data.asset_refs.len()
            }),
            // B over the message checked as UTF-8 once, as A reads it.
            Variant::new("B str", || {
                let text = std::str::from_utf8(bytes).expect("B str is text");
                serde_json::from_str::<known::KfmKnown<NewImageAvailableV2>>(text).expect("B str decodes").data.asset_refs.len()
            }),
            Variant::new("C", || known::kfm_buffered(bytes)),
            Variant::new("D", || {
                let value: Value = serde_json::from_slice(bytes).expect("D parses");
                let version = (value["meta"]["type"].as_str(), value["meta"]["version"].as_u64());
                assert_eq!(version, (Some("kfm.ingestion.new_image_available"), Some(2)));
                assert!(envelope.is_valid(&value) && payload.is_valid(&value["data"]), "D validates");
                serde_json::from_value::<known::KfmKnown<NewImageAvailableV2>>(value).expect("D decodes").data.asset_refs.len()
            }),
            Variant::new("E", || Envelope::from_slice(bytes).expect("E decodes and validates").event.version() as usize),
            Variant::new("F", || {
                sonic_rs::from_slice::<known::KfmKnown<NewImageAvailableV2>>(bytes).expect("F decodes").data.asset_refs.len()
            }),
            Variant::new("G", || {
                simd_json::serde::from_slice::<known::KfmKnown<NewImageAvailableV2>>(&mut bytes.to_vec()).expect("G decodes").data.asset_refs.len()
            }),
        ];
        let times = report.run(input, key, bytes.len(), variants, settings);
        report.ratio(&format!("decode_a_over_b_{key}"), &times, "A", "B");
        report.ratio(&format!("decode_a_over_b_str_{key}"), &times, "A", "B str");
        report.ratio(&format!("decode_c_over_a_{key}"), &times, "C", "A");
        report.ratio(&format!("validate_d_over_e_{key}"), &times, "D", "E");
        report.ratio(&format!("validate_e_over_a_{key}"), &times, "E", "A");
        report.ratio(&format!("fast_backend_a_over_b_{key}"), &times, "A fast", "B");
        report.ratio(&format!("sonic_f_over_b_{key}"), &times, "F", "B");
        report.ratio(&format!("simd_json_g_over_b_{key}"), &times, "G", "B");
    }

    let message = format!(r#"{{"meta":{meta},"data":{data}}}"#);
    let envelope = Envelope::from_slice(message.as_bytes()).expect("valid");
    let known: known::KfmKnown<NewImageAvailableV2> = serde_json::from_slice(message.as_bytes()).expect("valid");
    let value: Value = serde_json::from_str(&message).expect("valid");
    let encoded: Value = serde_json::from_slice(&envelope.to_vec_unchecked()).expect("encodes JSON");
    assert_eq!(encoded, value, "the generated encoding is the message it was decoded from");
    let variants = vec![
        Variant::new("generated to_vec_unchecked", || envelope.to_vec_unchecked().len()),
        Variant::new("generated to_vec (validates)", || envelope.to_vec().expect("valid").len()),
        Variant::new("B", || serde_json::to_vec(&known).expect("encodes").len()),
        // The known struct with the generated encode's buffer sizing
        // (`event_contracts::encode`): what the serialization itself costs.
        Variant::new("B, same buffer sizing", || event_contracts::encode::to_vec(&known).expect("encodes").len()),
        Variant::new("serde_json Value", || serde_json::to_vec(&value).expect("encodes").len()),
    ];
    let times = report.run("Encode: KFM envelope (B: serde_json of the known struct)", "encode", message.len(), variants, settings);
    report.ratio("encode_ratio", &times, "generated to_vec_unchecked", "B");
    report.ratio("encode_over_known_same_buffer", &times, "generated to_vec_unchecked", "B, same buffer sizing");
    report.ratio("encode_validated_over_known", &times, "generated to_vec (validates)", "B");
    report.ratio("encode_validated_over_unchecked", &times, "generated to_vec (validates)", "generated to_vec_unchecked");
    report.ratio("encode_value_over_known", &times, "serde_json Value", "B");
}

/// A flat event without envelope, routed by NATS subject (no tag in the
/// bytes, so there is nothing for serde's tagged enums to dispatch on: no C).
fn flat(report: &mut Report, settings: Settings) {
    use agent_platform_events::{Event, MeteredV1, SUBJECTS, registry};
    use event_contracts::subject::subject_matches;
    let info = Event::find("usage.metered", 1).expect("in the agent platform set");
    let message = example(info.schema).to_string();
    let bytes = message.as_bytes();
    let subject = "usage.metered.model_inference";
    let payload = SchemaValidator::document("json-schema:///usage/metered.v1.schema.json", registry::DOCUMENTS, false);
    let variants = vec![
        Variant::new("A", || Event::from_subject_and_slice_unchecked(subject, bytes).expect("A decodes").version() as usize),
        // What the generated `from_subject_and_slice_unchecked` does under
        // `fast-json`: the subject picks type and version, then simd-json.
        Variant::new("A fast", || {
            let (_, event_type, version) = SUBJECTS.iter().find(|(pattern, _, _)| subject_matches(pattern, subject)).expect("a known subject");
            event_contracts::decode::fast::payload_from_slice::<Event>(event_type, *version, bytes).expect("A fast decodes").version() as usize
        }),
        Variant::new("B", || serde_json::from_slice::<MeteredV1>(bytes).expect("B decodes").service_name.len()),
        Variant::new("B str", || {
            serde_json::from_str::<MeteredV1>(std::str::from_utf8(bytes).expect("B str is text")).expect("B str decodes").service_name.len()
        }),
        Variant::new("D", || {
            let value: Value = serde_json::from_slice(bytes).expect("D parses");
            assert!(payload.is_valid(&value), "D validates");
            serde_json::from_value::<MeteredV1>(value).expect("D decodes").service_name.len()
        }),
        Variant::new("E", || Event::from_subject_and_slice(subject, bytes).expect("E decodes and validates").version() as usize),
        Variant::new("F", || sonic_rs::from_slice::<MeteredV1>(bytes).expect("F decodes").service_name.len()),
        Variant::new("G", || simd_json::serde::from_slice::<MeteredV1>(&mut bytes.to_vec()).expect("G decodes").service_name.len()),
    ];
    let times = report.run("Flat event routed by subject (agent platform usage.metered)", "flat", bytes.len(), variants, settings);
    report.ratio("decode_a_over_b_flat", &times, "A", "B");
    report.ratio("decode_a_over_b_str_flat", &times, "A", "B str");
    report.ratio("validate_d_over_e_flat", &times, "D", "E");
    report.ratio("validate_e_over_a_flat", &times, "E", "A");
    report.ratio("fast_backend_a_over_b_flat", &times, "A fast", "B");
    report.ratio("sonic_f_over_b_flat", &times, "F", "B");
    report.ratio("simd_json_g_over_b_flat", &times, "G", "B");

    let event = Event::from_subject_and_slice(subject, bytes).expect("valid");
    let known: MeteredV1 = serde_json::from_slice(bytes).expect("valid");
    let variants = vec![
        Variant::new("generated to_vec_unchecked", || event.to_vec_unchecked().len()),
        Variant::new("generated to_vec (validates)", || event.to_vec().expect("valid").len()),
        Variant::new("B", || serde_json::to_vec(&known).expect("encodes").len()),
    ];
    let times = report.run("Encode: flat event (B: serde_json of the known struct)", "encode_flat", bytes.len(), variants, settings);
    report.ratio("encode_validated_over_unchecked_flat", &times, "generated to_vec (validates)", "generated to_vec_unchecked");
}

/// A message of the benchmark's set, with what each variant needs.
struct Message {
    bytes: Vec<u8>,
    known: known::Decoder,
    known_str: known::Decoder,
    known_sonic: known::Decoder,
    known_simd: known::Decoder,
}

/// The synthetic set of 51 event types: a mixed stream of one message per
/// type, and an envelope around a payload of 200 nested records.
fn bench_set(report: &mut Report, settings: Settings) {
    use bench_events::{Envelope, Event, LAYOUT, registry, types::EnvelopeHeader};
    let envelope = SchemaValidator::document("json-schema:///_shared/envelope.schema.json", registry::DOCUMENTS, true);
    let mut validators: HashMap<String, (SchemaValidator, known::ValueDecoder)> = HashMap::new();
    let mut stream = Vec::new();
    // The open batch is measured on its own (`open_objects`).
    for info in registry::EVENTS.iter().filter(|info| info.event_type != "bench.bulk.records_open") {
        let wire = format!("{}.v{}", info.event_type, info.version);
        let uri: &'static str = format!("json-schema:///{}", info.schema_path).leak();
        validators.insert(wire.clone(), (SchemaValidator::document(uri, registry::DOCUMENTS, true), known::known_from_value(&wire)));
        stream.push(message(&wire, &example(info.schema)));
    }
    let records: Vec<Value> = (0..200).map(record).collect();
    let large = vec![message("bench.bulk.records_imported.v1", &json!({"batch_id": "b6c57f3c-3cfe-4c05-9d4e-7e61b24f6f0e", "records": records}))];

    for (input, key, messages) in [
        ("Mixed stream: one message of each of the 51 event types", "mixed", &stream),
        ("Envelope around a payload of 200 nested records", "large", &large),
    ] {
        let bytes: usize = messages.iter().map(|m| m.bytes.len()).sum();
        let variants = vec![
            Variant::new("A", || messages.iter().map(|m| Envelope::from_slice_unchecked(&m.bytes).expect("A decodes").event.version() as usize).sum()),
            Variant::new("A fast", || {
                messages
                    .iter()
                    .map(|m| event_contracts::decode::fast::from_slice_flat::<EnvelopeHeader, Event>(&LAYOUT, &m.bytes).expect("A fast decodes").1.version() as usize)
                    .sum()
            }),
            Variant::new("B", || messages.iter().map(|m| (m.known)(&m.bytes)).sum()),
            Variant::new("B str", || messages.iter().map(|m| (m.known_str)(&m.bytes)).sum()),
            Variant::new("C", || {
                messages.iter().map(|m| std::mem::size_of_val(&serde_json::from_slice::<known::Tagged>(&m.bytes).expect("C decodes"))).sum()
            }),
            Variant::new("D", || {
                messages
                    .iter()
                    .map(|m| {
                        let value: Value = serde_json::from_slice(&m.bytes).expect("D parses");
                        let (payload, decode) = &validators[value["type"].as_str().expect("typed")];
                        assert!(envelope.is_valid(&value) && payload.is_valid(&value["data"]), "D validates");
                        decode(value)
                    })
                    .sum()
            }),
            Variant::new("E", || messages.iter().map(|m| Envelope::from_slice(&m.bytes).expect("E decodes and validates").event.version() as usize).sum()),
            Variant::new("F", || messages.iter().map(|m| (m.known_sonic)(&m.bytes)).sum()),
            Variant::new("G", || messages.iter().map(|m| (m.known_simd)(&m.bytes)).sum()),
        ];
        let times = report.run(input, key, bytes, variants, settings);
        report.ratio(&format!("decode_a_over_b_{key}"), &times, "A", "B");
        report.ratio(&format!("decode_a_over_b_str_{key}"), &times, "A", "B str");
        report.ratio(&format!("decode_c_over_a_{key}"), &times, "C", "A");
        report.ratio(&format!("validate_d_over_e_{key}"), &times, "D", "E");
        report.ratio(&format!("validate_e_over_a_{key}"), &times, "E", "A");
        report.ratio(&format!("fast_backend_a_over_b_{key}"), &times, "A fast", "B");
        report.ratio(&format!("sonic_f_over_b_{key}"), &times, "F", "B");
        report.ratio(&format!("simd_json_g_over_b_{key}"), &times, "G", "B");
    }
}

/// What keeping undeclared properties costs: a batch of 50 records decoded
/// as closed objects (B), the same as open objects (each with a map for what
/// it does not declare) with none present, and with three undeclared
/// properties in every record and address.
fn open_objects(report: &mut Report, settings: Settings) {
    use bench_events::Envelope;
    let records: Vec<Value> = (0..50).map(record).collect();
    let with_unknown: Vec<Value> = records
        .iter()
        .map(|record| {
            let mut record = record.clone();
            record["note"] = json!("added by a newer producer");
            record["origin"] = json!({"system": "erp", "run": 7});
            record["weights"] = json!([0.5, 1.5]);
            record["address"]["district"] = json!("North");
            record["address"]["geo"] = json!({"lat": 52.5, "lon": 13.4});
            record["address"]["floor"] = json!(3);
            record
        })
        .collect();
    let batch = |records: &[Value]| json!({"batch_id": "b6c57f3c-3cfe-4c05-9d4e-7e61b24f6f0e", "records": records});
    let closed = envelope_text("bench.bulk.records_imported.v1", &batch(&records)).into_bytes();
    let absent = envelope_text("bench.bulk.records_open.v1", &batch(&records)).into_bytes();
    let present = envelope_text("bench.bulk.records_open.v1", &batch(&with_unknown)).into_bytes();
    let reencoded: Value = serde_json::from_slice(&Envelope::from_slice(&present).expect("valid").to_vec().expect("valid")).expect("JSON");
    assert_eq!(reencoded, serde_json::from_slice::<Value>(&present).expect("JSON"), "the undeclared properties are kept");
    let variants = vec![
        Variant::new("B", || Envelope::from_slice_unchecked(&closed).expect("decodes").event.version() as usize),
        Variant::new("open, none present", || Envelope::from_slice_unchecked(&absent).expect("decodes").event.version() as usize),
        Variant::new("open, present", || Envelope::from_slice_unchecked(&present).expect("decodes").event.version() as usize),
    ];
    let title = format!("Open objects: 50 records (B: as closed objects); open with 6 undeclared properties each is {} bytes", present.len());
    let times = report.run(&title, "open", closed.len(), variants, settings);
    report.ratio("open_none_present_over_closed", &times, "open, none present", "B");
    report.ratio("open_present_over_none_present", &times, "open, present", "open, none present");
}

/// A message of the benchmark's envelope around `data`.
fn envelope_text(wire: &str, data: &Value) -> String {
    format!(r#"{{"type":"{wire}","id":"b6c57f3c-3cfe-4c05-9d4e-7e61b24f6f0e","time":"2026-01-04T18:22:19Z","source":"bench-producer","data":{data}}}"#)
}

fn message(wire: &str, data: &Value) -> Message {
    Message { bytes: envelope_text(wire, data).into_bytes(), known: known::known(wire), known_str: known::known_str(wire), known_sonic: known::known_sonic(wire), known_simd: known::known_simd(wire) }
}

/// Record `index` of the large payload: about 250 bytes, nested.
fn record(index: usize) -> Value {
    json!({
        "id": format!("b6c57f3c-3cfe-4c05-9d4e-{index:012x}"),
        "sku": format!("ABC-{:04}", index % 10_000),
        "name": format!("Record number {index} of the imported batch"),
        "quantity": index % 97,
        "price": 12.5 + index as f64,
        "tags": ["imported", "bulk", "synthetic"],
        "address": {"street": format!("{} Long Street", index + 1), "city": "Springfield", "postcode": "12345", "country": "DE"}
    })
}
