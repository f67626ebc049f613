//! `customRuntimeOptions`, the JSON text inside a config: errors, never panics, and what parses
//! converts.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mesh_core::worker::CustomRuntimeOptions;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if CustomRuntimeOptions::parse(Some(text), "customRuntimeOptions").is_err() {
        return;
    }
    let config = serde_json::json!({
        "className": "a.B", "inputs": ["in"], "jar": "function://t/n/f@1", "customRuntimeOptions": text,
    });
    mesh_fuzz::convert_with(mesh_fuzz::worker(), &config.to_string());
});
