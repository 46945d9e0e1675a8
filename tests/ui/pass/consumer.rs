//! A consumer: decodes bytes in one pass and matches on the event.

use events_generated::{DecodeError, Envelope, Event};

fn handle(bytes: &[u8]) -> Result<String, DecodeError> {
    let envelope = Envelope::from_slice(bytes)?;
    Ok(match envelope.event {
        Event::IngestionNewImageAvailableV1(e) => format!("v1 {}", e.asset_ref.as_str()),
        Event::IngestionNewImageAvailableV2(e) => format!("v2 {} refs", e.asset_refs.len()),
        Event::UiFocusModeRedactionNoticeShownV1(e) => format!("redaction on {}", e.layer_id),
        Event::PipelineRunStartedV1(e) => format!("run {}", e.run.run_id),
        Event::CatalogStacItemPublishedV1(e) => format!("published {}", e.collection_id),
        Event::GraphSyncCompletedV1(e) => format!("sync {:?}", e.status),
    })
}

fn main() {
    match handle(b"{}") {
        Err(error) => eprintln!("dead-letter: {} {:?}", error.code(), error.pointer()),
        Ok(done) => println!("{done}"),
    }
}
