//! The document reader and the YAML writer: whatever the reader accepts, the writer writes, and
//! the writing reads back as the same value (numbers by exact value); JSON likewise.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mesh_core::document::{self, same_value};

fuzz_target!(|data: &[u8]| {
    let Ok(docs) = document::split(data) else { return };
    for doc in docs {
        let Ok(value) = doc.value() else { continue };
        let text = mesh_core::yaml::to_string(&value).expect("what was read writes as YAML");
        let back = document::RawDocument::new(text.clone())
            .value()
            .unwrap_or_else(|e| panic!("{e}: mesh wrote YAML it cannot read:\n{text}"));
        assert!(same_value(&back, &value), "YAML changed the value:\n{text}");
        let json = serde_json::to_string(&value).expect("what was read writes as JSON");
        let back: serde_json::Value = serde_json::from_str(&json).expect("JSON reads back");
        assert!(same_value(&back, &value), "JSON changed the value: {json}");
    }
});
