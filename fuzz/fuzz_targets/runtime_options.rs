//! `customRuntimeOptions`, the JSON text inside a config: errors, never panics, and what parses
//! converts.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mesh_core::worker::CustomRuntimeOptions;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if CustomRuntimeOptions::parse(Some(text), "customRuntimeOptions").is_err() {
        return;
    }
    let config = serde_json::json!({
        "className": "a.B", "inputs": ["in"], "jar": "function://t/n/f@1", "customRuntimeOptions": text,
    });
    let doc = mesh_core::document::RawDocument::new(config.to_string());
    let worker = mesh_fuzz::worker();
    let mut ctx = mesh_core::convert::Context::new(worker);
    ctx.cluster_fallback = Some("local");
    if let Ok(component) = mesh_core::convert::parse_component(&doc, None) {
        let _ = mesh_core::convert::convert_component(component, &ctx);
    }
});
