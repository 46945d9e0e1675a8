//! What a team writes by hand without the generator: envelope structs whose
//! payload type is already known (B, B str, F and G), serde's internally tagged enum
//! over the same payload types (C), and per-type decoders for the
//! validator path (D).

use event_contracts::formats::{DateTime, Uuid};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The KFM `meta` block, type and version included, written by hand.
#[derive(Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct KfmMeta {
    pub event_id: Uuid,
    #[serde(rename = "type")]
    pub event_type: String,
    pub version: u32,
    pub occurred_at: DateTime,
    pub producer: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub correlation_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trace_id: Option<String>,
    pub classification: events_generated::types::Classification,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provenance: Option<events_generated::types::Provenance>,
}

/// A KFM envelope whose payload type is known before decoding.
#[derive(Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct KfmKnown<P> {
    pub meta: KfmMeta,
    pub data: P,
}

/// KFM's tag sits in `meta`, where serde's tagged enums cannot reach it:
/// serde's way is to buffer the payload (as `Value`) and decode it once
/// the tag is known.
#[derive(Deserialize)]
pub struct KfmBuffered {
    pub meta: KfmMeta,
    pub data: Value,
}

/// C for KFM: buffer, then dispatch on (type, version).
pub fn kfm_buffered(bytes: &[u8]) -> usize {
    let buffered: KfmBuffered = serde_json::from_slice(bytes).expect("C decodes");
    match (buffered.meta.event_type.as_str(), buffered.meta.version) {
        ("kfm.ingestion.new_image_available", 2) => {
            let data: events_generated::types::NewImageAvailableV2 = serde_json::from_value(buffered.data).expect("C decodes");
            data.asset_refs.len()
        }
        other => panic!("the benchmark sends no {other:?}"),
    }
}

/// An envelope of the benchmark's set whose payload type is known.
#[derive(Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct BenchKnown<P> {
    #[serde(rename = "type")]
    pub event_type: String,
    pub id: Uuid,
    pub time: DateTime,
    pub source: String,
    pub data: P,
}

/// The envelope without its tag, for serde's internally tagged enum.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)] // decoded to be measured, not read
pub struct Body<P> {
    pub id: Uuid,
    pub time: DateTime,
    pub source: String,
    pub data: P,
}

/// Decodes one message of a known wire type; returns a length.
pub type Decoder = fn(&[u8]) -> usize;
/// Decodes one already parsed message of a known wire type.
pub type ValueDecoder = fn(Value) -> usize;

macro_rules! bench_set {
    ($($variant:ident = $wire:literal => $payload:ty,)*) => {
        /// serde's internally tagged enum over the set (C).
        #[derive(Deserialize)]
        #[serde(tag = "type")]
        #[allow(dead_code, clippy::large_enum_variant)]
        pub enum Tagged {
            $(#[serde(rename = $wire)] $variant(Body<$payload>),)*
        }

        /// B: serde_json into the known envelope of `wire`.
        pub fn known(wire: &str) -> Decoder {
            match wire {
                $($wire => |bytes| serde_json::from_slice::<BenchKnown<$payload>>(bytes).expect("B decodes").source.len(),)*
                _ => panic!("unknown wire type {wire}"),
            }
        }

        /// B str: serde_json into the known envelope of `wire`, over the
        /// message checked as UTF-8 once, as the generated decode reads it.
        pub fn known_str(wire: &str) -> Decoder {
            match wire {
                $($wire => |bytes| serde_json::from_str::<BenchKnown<$payload>>(std::str::from_utf8(bytes).expect("B str is text")).expect("B str decodes").source.len(),)*
                _ => panic!("unknown wire type {wire}"),
            }
        }

        /// F: sonic-rs into the known envelope of `wire`.
        pub fn known_sonic(wire: &str) -> Decoder {
            match wire {
                $($wire => |bytes| sonic_rs::from_slice::<BenchKnown<$payload>>(bytes).expect("F decodes").source.len(),)*
                _ => panic!("unknown wire type {wire}"),
            }
        }

        /// G: simd-json into the known envelope of `wire` (it parses in
        /// place, so a copy of the message is part of the cost).
        pub fn known_simd(wire: &str) -> Decoder {
            match wire {
                $($wire => |bytes| simd_json::serde::from_slice::<BenchKnown<$payload>>(&mut bytes.to_vec()).expect("G decodes").source.len(),)*
                _ => panic!("unknown wire type {wire}"),
            }
        }

        /// D's last step: the validated `Value` into the known envelope of `wire`.
        pub fn known_from_value(wire: &str) -> ValueDecoder {
            match wire {
                $($wire => |value| serde_json::from_value::<BenchKnown<$payload>>(value).expect("D decodes").source.len(),)*
                _ => panic!("unknown wire type {wire}"),
            }
        }
    };
}

bench_set! {
    BulkRecordsImportedV1 = "bench.bulk.records_imported.v1" => bench_events::bulk::records_imported::v1::RecordsImportedV1,
    Domain0Event0V1 = "bench.domain_0.event_0.v1" => bench_events::domain_0::event_0::v1::Event0V1,
    Domain0Event10V1 = "bench.domain_0.event_10.v1" => bench_events::domain_0::event_10::v1::Event10V1,
    Domain0Event20V1 = "bench.domain_0.event_20.v1" => bench_events::domain_0::event_20::v1::Event20V1,
    Domain0Event30V1 = "bench.domain_0.event_30.v1" => bench_events::domain_0::event_30::v1::Event30V1,
    Domain0Event40V1 = "bench.domain_0.event_40.v1" => bench_events::domain_0::event_40::v1::Event40V1,
    Domain1Event1V1 = "bench.domain_1.event_1.v1" => bench_events::domain_1::event_1::v1::Event1V1,
    Domain1Event11V1 = "bench.domain_1.event_11.v1" => bench_events::domain_1::event_11::v1::Event11V1,
    Domain1Event21V1 = "bench.domain_1.event_21.v1" => bench_events::domain_1::event_21::v1::Event21V1,
    Domain1Event31V1 = "bench.domain_1.event_31.v1" => bench_events::domain_1::event_31::v1::Event31V1,
    Domain1Event41V1 = "bench.domain_1.event_41.v1" => bench_events::domain_1::event_41::v1::Event41V1,
    Domain2Event12V1 = "bench.domain_2.event_12.v1" => bench_events::domain_2::event_12::v1::Event12V1,
    Domain2Event2V1 = "bench.domain_2.event_2.v1" => bench_events::domain_2::event_2::v1::Event2V1,
    Domain2Event22V1 = "bench.domain_2.event_22.v1" => bench_events::domain_2::event_22::v1::Event22V1,
    Domain2Event32V1 = "bench.domain_2.event_32.v1" => bench_events::domain_2::event_32::v1::Event32V1,
    Domain2Event42V1 = "bench.domain_2.event_42.v1" => bench_events::domain_2::event_42::v1::Event42V1,
    Domain3Event13V1 = "bench.domain_3.event_13.v1" => bench_events::domain_3::event_13::v1::Event13V1,
    Domain3Event23V1 = "bench.domain_3.event_23.v1" => bench_events::domain_3::event_23::v1::Event23V1,
    Domain3Event3V1 = "bench.domain_3.event_3.v1" => bench_events::domain_3::event_3::v1::Event3V1,
    Domain3Event33V1 = "bench.domain_3.event_33.v1" => bench_events::domain_3::event_33::v1::Event33V1,
    Domain3Event43V1 = "bench.domain_3.event_43.v1" => bench_events::domain_3::event_43::v1::Event43V1,
    Domain4Event14V1 = "bench.domain_4.event_14.v1" => bench_events::domain_4::event_14::v1::Event14V1,
    Domain4Event24V1 = "bench.domain_4.event_24.v1" => bench_events::domain_4::event_24::v1::Event24V1,
    Domain4Event34V1 = "bench.domain_4.event_34.v1" => bench_events::domain_4::event_34::v1::Event34V1,
    Domain4Event4V1 = "bench.domain_4.event_4.v1" => bench_events::domain_4::event_4::v1::Event4V1,
    Domain4Event44V1 = "bench.domain_4.event_44.v1" => bench_events::domain_4::event_44::v1::Event44V1,
    Domain5Event15V1 = "bench.domain_5.event_15.v1" => bench_events::domain_5::event_15::v1::Event15V1,
    Domain5Event25V1 = "bench.domain_5.event_25.v1" => bench_events::domain_5::event_25::v1::Event25V1,
    Domain5Event35V1 = "bench.domain_5.event_35.v1" => bench_events::domain_5::event_35::v1::Event35V1,
    Domain5Event45V1 = "bench.domain_5.event_45.v1" => bench_events::domain_5::event_45::v1::Event45V1,
    Domain5Event5V1 = "bench.domain_5.event_5.v1" => bench_events::domain_5::event_5::v1::Event5V1,
    Domain6Event16V1 = "bench.domain_6.event_16.v1" => bench_events::domain_6::event_16::v1::Event16V1,
    Domain6Event26V1 = "bench.domain_6.event_26.v1" => bench_events::domain_6::event_26::v1::Event26V1,
    Domain6Event36V1 = "bench.domain_6.event_36.v1" => bench_events::domain_6::event_36::v1::Event36V1,
    Domain6Event46V1 = "bench.domain_6.event_46.v1" => bench_events::domain_6::event_46::v1::Event46V1,
    Domain6Event6V1 = "bench.domain_6.event_6.v1" => bench_events::domain_6::event_6::v1::Event6V1,
    Domain7Event17V1 = "bench.domain_7.event_17.v1" => bench_events::domain_7::event_17::v1::Event17V1,
    Domain7Event27V1 = "bench.domain_7.event_27.v1" => bench_events::domain_7::event_27::v1::Event27V1,
    Domain7Event37V1 = "bench.domain_7.event_37.v1" => bench_events::domain_7::event_37::v1::Event37V1,
    Domain7Event47V1 = "bench.domain_7.event_47.v1" => bench_events::domain_7::event_47::v1::Event47V1,
    Domain7Event7V1 = "bench.domain_7.event_7.v1" => bench_events::domain_7::event_7::v1::Event7V1,
    Domain8Event18V1 = "bench.domain_8.event_18.v1" => bench_events::domain_8::event_18::v1::Event18V1,
    Domain8Event28V1 = "bench.domain_8.event_28.v1" => bench_events::domain_8::event_28::v1::Event28V1,
    Domain8Event38V1 = "bench.domain_8.event_38.v1" => bench_events::domain_8::event_38::v1::Event38V1,
    Domain8Event48V1 = "bench.domain_8.event_48.v1" => bench_events::domain_8::event_48::v1::Event48V1,
    Domain8Event8V1 = "bench.domain_8.event_8.v1" => bench_events::domain_8::event_8::v1::Event8V1,
    Domain9Event19V1 = "bench.domain_9.event_19.v1" => bench_events::domain_9::event_19::v1::Event19V1,
    Domain9Event29V1 = "bench.domain_9.event_29.v1" => bench_events::domain_9::event_29::v1::Event29V1,
    Domain9Event39V1 = "bench.domain_9.event_39.v1" => bench_events::domain_9::event_39::v1::Event39V1,
    Domain9Event49V1 = "bench.domain_9.event_49.v1" => bench_events::domain_9::event_49::v1::Event49V1,
    Domain9Event9V1 = "bench.domain_9.event_9.v1" => bench_events::domain_9::event_9::v1::Event9V1,
}
