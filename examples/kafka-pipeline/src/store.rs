//! An idempotency store that outlives the consumer process and is shared by
//! the members of a consumer group on one machine: an SQLite file. A member
//! killed at any point leaves each key either recorded or not, never half.

use std::path::Path;
use std::sync::Mutex;
use std::time::Duration;

use event_contracts::IdempotencyStore;
use rusqlite::{Connection, OptionalExtension};

/// Keys of the events handled, and how many redelivered ones were turned away.
pub struct SqliteIdempotencyStore {
    connection: Mutex<Connection>,
}

impl SqliteIdempotencyStore {
    /// Opens (or creates) the store in `path`.
    pub fn open(path: &Path) -> rusqlite::Result<Self> {
        let connection = Connection::open(path)?;
        connection.busy_timeout(Duration::from_secs(30))?;
        connection.pragma_update(None, "journal_mode", "wal")?;
        connection.execute_batch(
            "create table if not exists handled (key text primary key);
             create table if not exists repeats (id integer primary key check (id = 1), count integer not null);
             insert or ignore into repeats (id, count) values (1, 0);",
        )?;
        Ok(SqliteIdempotencyStore { connection: Mutex::new(connection) })
    }

    fn connection(&self) -> std::sync::MutexGuard<'_, Connection> {
        self.connection.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Every key recorded.
    pub fn keys(&self) -> rusqlite::Result<Vec<String>> {
        let connection = self.connection();
        let mut statement = connection.prepare("select key from handled")?;
        statement.query_map((), |row| row.get(0))?.collect()
    }

    /// How many keys are recorded.
    pub fn len(&self) -> rusqlite::Result<u64> {
        self.connection().query_row("select count(*) from handled", (), |row| row.get(0))
    }

    /// Whether no key is recorded.
    pub fn is_empty(&self) -> rusqlite::Result<bool> {
        self.len().map(|len| len == 0)
    }

    /// How many times a recorded key came again (a redelivery).
    pub fn repeats(&self) -> rusqlite::Result<u64> {
        self.connection().query_row("select count from repeats", (), |row| row.get(0))
    }
}

impl IdempotencyStore for SqliteIdempotencyStore {
    /// # Panics
    ///
    /// When the store cannot be written: the consumer must stop rather than
    /// handle an event it could not record.
    fn first_time(&self, key: &str) -> bool {
        let connection = self.connection();
        let inserted = connection.execute("insert or ignore into handled (key) values (?1)", [key]).expect("the idempotency store is writable");
        if inserted == 0 {
            connection.execute("update repeats set count = count + 1", ()).expect("the idempotency store is writable");
        }
        inserted == 1
    }

    fn seen(&self, key: &str) -> bool {
        let connection = self.connection();
        let found: Option<i64> = connection.query_row("select 1 from handled where key = ?1", [key], |row| row.get(0)).optional().expect("the idempotency store is readable");
        found.is_some()
    }
}
