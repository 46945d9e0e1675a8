//! One member of a consumer group, as its own process, recording what it
//! handles in a shared SQLite idempotency store: what the end-to-end test
//! starts and kills.
//!
//! ```sh
//! member --bootstrap 127.0.0.1:9092 --group handlers --store handled.db
//! ```

use kafka_pipeline::Consumer;
use kafka_pipeline::store::SqliteIdempotencyStore;

#[tokio::main]
async fn main() -> Result<(), kafka_pipeline::Error> {
    let mut args = std::env::args().skip(1);
    let (mut bootstrap, mut group, mut store) = (None, None, None);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--bootstrap" => bootstrap = args.next(),
            "--group" => group = args.next(),
            "--store" => store = args.next(),
            other => return Err(format!("unknown argument {other}; use --bootstrap HOST:PORT --group NAME --store FILE").into()),
        }
    }
    let (Some(bootstrap), Some(group), Some(store)) = (bootstrap, group, store) else {
        return Err("--bootstrap, --group and --store are required".into());
    };
    let store = SqliteIdempotencyStore::open(store.as_ref())?;
    let consumer = Consumer::join(&bootstrap, &group)?;
    loop {
        // Errors while the broker restarts: carry on, as a service would.
        if let Err(error) = consumer.run(&store, |_, _| {}, |_| false).await {
            eprintln!("member: {error}");
            tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        }
    }
}
