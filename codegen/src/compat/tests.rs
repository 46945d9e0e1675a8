//! Unit tests: schemas built here, judged by the rules of JSON Schema.
