//! Shared by the golden tests of every contract set: wrap each schema
//! example in its set's envelope, decode, and compare the re-encoding;
//! and copying a contract set to generate it elsewhere.

#![allow(dead_code)]

use event_contracts::{EnvelopeLayout, EventInfo, VersionFormat};
use serde_json::Value;

/// What a set's decode function reports back.
pub struct Decoded {
    pub event_type: &'static str,
    pub version: u32,
    /// The whole message re-encoded, as a value.
    pub reencoded: Value,
    /// The payload alone, re-encoded.
    pub payload: Value,
}

/// The `examples` of a schema document.
pub fn examples_of(schema: &str) -> Vec<Value> {
    let schema: Value = serde_json::from_str(schema).unwrap();
    schema["examples"].as_array().cloned().unwrap_or_default()
}

/// `base` with the type, version and payload of `info` put where `layout`
/// says, as text with the payload first or last.
pub fn wrap(base: &Value, layout: &EnvelopeLayout, info: &EventInfo, payload: &Value, payload_first: bool) -> String {
    let mut envelope = base.clone();
    *pointer(&mut envelope, layout.type_path) = Value::from(wire_type(layout, info));
    if !layout.version_path.is_empty() {
        *pointer(&mut envelope, layout.version_path) = Value::from(info.version);
    }
    let object = envelope.as_object_mut().unwrap();
    object.remove(layout.payload_key);
    let rest = serde_json::to_string(&envelope).unwrap();
    let field = format!("\"{}\":{payload}", layout.payload_key);
    if rest == "{}" {
        format!("{{{field}}}")
    } else if payload_first {
        format!("{{{field},{}", &rest[1..])
    } else {
        format!("{},{field}}}", &rest[..rest.len() - 1])
    }
}

/// The type of `info` as `layout` writes it: with its version as a suffix
/// (`workflow.instance.started.v2`) or alone.
pub fn wire_type(layout: &EnvelopeLayout, info: &EventInfo) -> String {
    match layout.version_format {
        VersionFormat::Integer => info.event_type.to_owned(),
        VersionFormat::TypeSuffix => format!("{}.v{}", info.event_type, info.version),
    }
}

fn pointer<'v>(value: &'v mut Value, path: &[&str]) -> &'v mut Value {
    path.iter().fold(value, |v, key| &mut v[*key])
}

/// Every example of every event, in both key orders: decodes to its own
/// (type, version) and re-encodes to the same JSON value.
pub fn every_example_round_trips(
    events: &[EventInfo],
    envelope_schema: &str,
    layout: &EnvelopeLayout,
    decode: impl Fn(&[u8]) -> Result<Decoded, event_contracts::DecodeError>,
) {
    let base = examples_of(envelope_schema).into_iter().next().expect("the envelope schema has an example");
    let mut checked = 0;
    for info in events {
        let examples = examples_of(info.schema);
        assert!(examples.len() >= 2, "{} v{} needs at least two examples", info.event_type, info.version);
        for (index, example) in examples.iter().enumerate() {
            for payload_first in [false, true] {
                let text = wrap(&base, layout, info, example, payload_first);
                let decoded = decode(text.as_bytes())
                    .unwrap_or_else(|e| panic!("{} v{} example {index}: {e}\n{text}", info.event_type, info.version));
                assert_eq!((decoded.event_type, decoded.version), (info.event_type, info.version));
                let original: Value = serde_json::from_str(&text).unwrap();
                assert_eq!(decoded.reencoded, original, "{} v{} example {index} changed on re-encoding", info.event_type, info.version);
                assert_eq!(&decoded.payload, example);
                checked += 1;
            }
        }
    }
    assert!(checked >= 4 * events.len());
}

/// The example of an envelope schema: a message's envelope to wrap payloads in.
pub fn envelope_example(envelope_schema: &str) -> Value {
    examples_of(envelope_schema).remove(0)
}

/// Invokes `$test!(name, crate, decoder, envelope)` once for every contract
/// set of the repository whose messages carry an envelope: its generated
/// crate, the runtime's decoder for its layout (through the header's
/// generated wire type) and its envelope schema's example.
#[allow(unused_macros)]
macro_rules! for_each_envelope_layout {
    ($test:ident) => {
        $test!(
            kfm_nested_meta,
            events_generated,
            from_slice_nested,
            support::envelope_example(include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/../schemas/_shared/event-envelope.schema.json")))
        );
        $test!(
            activity_builder_top_level_type,
            activity_builder_events,
            from_slice_flat,
            support::envelope_example(include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/../examples/activity-builder/schemas/_shared/envelope.schema.json")))
        );
        $test!(
            salestalk_type_suffix,
            salestalk_events,
            from_slice_flat,
            support::envelope_example(include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/../examples/salestalk/schemas/_shared/envelope.schema.json")))
        );
        $test!(
            platform_events_type_suffix,
            platform_events,
            from_slice_flat,
            support::envelope_example(include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/../examples/platform-events/schemas/_shared/envelope.schema.json")))
        );
    };
}

/// Equal as JSON Schema compares instances: numbers by mathematical value.
pub fn same_value(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => match (x.as_i128(), y.as_i128()) {
            (Some(x), Some(y)) => x == y,
            _ => x.as_f64() == y.as_f64(),
        },
        (Value::Array(x), Value::Array(y)) => x.len() == y.len() && x.iter().zip(y).all(|(x, y)| same_value(x, y)),
        (Value::Object(x), Value::Object(y)) => x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same_value(v, w))),
        _ => a == b,
    }
}

/// Copies the folder `from` to `to`, entries in reverse name order on
/// purpose: output must not depend on directory order.
pub fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).unwrap();
    let mut entries: Vec<_> = std::fs::read_dir(from).unwrap().map(|e| e.unwrap().path()).collect();
    entries.sort();
    entries.reverse();
    for path in entries {
        let target = to.join(path.file_name().unwrap());
        if path.is_dir() {
            copy_dir(&path, &target);
        } else {
            std::fs::copy(&path, &target).unwrap();
        }
    }
}
