// The dead-letter error contract requires a code.
use platform_events::types::DeadLetterErrorError;

fn main() {
    let _ = DeadLetterErrorError {
        message: "Missing field x".to_owned(),
        details: Default::default(),
    };
}
