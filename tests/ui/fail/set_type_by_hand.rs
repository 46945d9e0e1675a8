// Type and version are not metadata fields: they come from the payload's type.
use events_generated::types::{Classification, ClassificationTier, EventMeta};

fn main() {
    let _ = EventMeta {
        event_id: uuid::Uuid::nil().into(),
        r#type: "kfm.ingestion.new_image_available".to_owned(),
        version: 2,
        occurred_at: chrono::Utc::now().into(),
        producer: "svc".parse().unwrap(),
        correlation_id: None,
        trace_id: None,
        classification: Classification { tier: ClassificationTier::Public, redaction_required: false },
        provenance: None,
    };
}
