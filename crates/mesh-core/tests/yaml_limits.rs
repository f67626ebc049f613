//! What the YAML writer emits, the document reader reads back: at YAML's key-length limit, at
//! the reader's depth and node budget, and with numbers an `f64` cannot hold.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use mesh_core::document::{RawDocument, parse_documents, same_value};
use mesh_core::yaml::{self, Error, MAX_DEPTH, MAX_NODES, MAX_SIMPLE_KEY_CHARS};
use proptest::prelude::*;
use serde_json::{Number, Value, json};

fn read_back(v: &Value) -> Value {
    let text = yaml::to_string(v).unwrap();
    let docs = parse_documents(text.as_bytes()).unwrap_or_else(|e| panic!("{e:?} reading:\n{text}"));
    assert_eq!(docs.len(), 1);
    docs.into_iter().next().unwrap()
}

fn number(text: &str) -> Value {
    Value::Number(serde_json::from_str::<Number>(text).unwrap())
}

#[test]
fn keys_around_the_implicit_key_limit_read_back_with_every_kind_of_value() {
    let values = [
        json!("v"),
        json!(1),
        json!(null),
        json!({}),
        json!([]),
        json!({"a": {"b": [1, {"c": "d"}]}}),
        json!([["x"], {"y": 1}]),
    ];
    for len in (MAX_SIMPLE_KEY_CHARS - 6)..(MAX_SIMPLE_KEY_CHARS + 6) {
        // Plain, quoted (a leading `-` and an inner `: `), and multi-byte keys.
        let keys = [
            "k".repeat(len),
            format!("-{}: x", "q".repeat(len.saturating_sub(4))),
            "ü".repeat(len),
            format!("\"{}\n", "e".repeat(len)),
        ];
        for key in keys {
            for v in &values {
                let doc = json!({"short": 1, (key.clone()): v, "zzz": [key.clone()]});
                assert_eq!(read_back(&doc), doc, "key of {} chars", key.chars().count());
                // The same key nested, in a sequence, and as the only entry.
                let nested = json!({"spec": [{(key.clone()): v}], "only": {(key.clone()): v}});
                assert_eq!(read_back(&nested), nested);
            }
        }
    }
}

#[test]
fn many_long_keys_out_of_order_keep_their_values() {
    let mut m = serde_json::Map::new();
    for i in (0..40).rev() {
        m.insert(
            format!("{i:02}{}", "t".repeat(2000 + i)),
            json!({"n": i, "l": [i]}),
        );
    }
    let doc = json!({"userConfig": m});
    assert_eq!(read_back(&doc), doc);
}

fn nested(depth: usize) -> Value {
    let mut v = json!("leaf");
    for i in 0..depth {
        v = if i % 2 == 0 { json!({"k": v}) } else { json!([v]) };
    }
    v
}

/// Runs `f` on a thread with the stack the binaries give readers.
fn with_reader_stack(f: impl FnOnce() + Send + 'static) {
    std::thread::Builder::new()
        .stack_size(yaml::READER_STACK)
        .spawn(f)
        .unwrap()
        .join()
        .unwrap();
}

#[test]
fn nesting_reads_back_up_to_the_limit_and_is_refused_past_it() {
    with_reader_stack(|| {
        let deepest = nested(MAX_DEPTH);
        assert_eq!(read_back(&deepest), deepest);
    });
    let err = yaml::to_string(&nested(MAX_DEPTH + 1)).unwrap_err();
    assert!(
        matches!(err, Error::TooDeep { max } if max == MAX_DEPTH),
        "{err:?}"
    );
    assert!(err.to_string().contains("more than 160 levels"), "{err}");
}

#[test]
fn json_input_at_serde_json_depth_limit_still_writes_as_yaml_under_a_resource() {
    // serde_json reads at most 128 levels; a CR puts a user value 3 levels down.
    with_reader_stack(|| {
        let user = nested(127);
        let text = serde_json::to_string(&user).unwrap();
        let parsed: Value = serde_json::from_str(&text).unwrap();
        let cr = json!({"spec": {"funcConfig": parsed}});
        assert_eq!(read_back(&cr), cr);
    });
}

#[test]
fn a_document_over_the_default_reader_budget_reads_back() {
    // 50,000 input topics with a spec each: far over serde-saphyr's default 250,000 nodes.
    let topics: Vec<String> = (0..50_000)
        .map(|i| format!("persistent://public/default/t-{i}"))
        .collect();
    let specs: serde_json::Map<String, Value> = topics
        .iter()
        .map(|t| (t.clone(), json!({"receiverQueueSize": 1, "regexPattern": false})))
        .collect();
    let doc = json!({"spec": {"input": {"topics": topics, "sourceSpecs": specs}}});
    assert_eq!(read_back(&doc), doc);
}

#[test]
fn more_nodes_than_readers_accept_are_refused() {
    let too_many = Value::Array(vec![json!(0); MAX_NODES]);
    let err = yaml::to_string(&too_many).unwrap_err();
    assert!(
        matches!(err, Error::TooManyNodes { max } if max == MAX_NODES),
        "{err:?}"
    );
}

#[test]
fn numbers_keep_their_exact_value_through_yaml_and_json() {
    let doc = json!({
        "big": number("123456789012345678901234567890"),
        "u64+1": number("18446744073709551616"),
        "i64-1": number("-9223372036854775809"),
        "u64max": number("18446744073709551615"),
        "precise": number("0.1000000000000000000001"),
        "tiny": number("1e-400"),
        "trailing": number("1.50"),
        "half": 0.5,
        "list": [number("98765432109876543210987654321"), 1],
    });
    let text = yaml::to_string(&doc).unwrap();
    assert!(text.contains("big: 123456789012345678901234567890\n"), "{text}");
    assert!(text.contains("precise: 0.1000000000000000000001\n"), "{text}");
    assert!(same_value(&read_back(&doc), &doc));
    // Typed reads keep them as well, from YAML and from JSON.
    let typed: Value = RawDocument::new(text).typed().unwrap();
    assert!(same_value(&typed, &doc));
    let json_text = serde_json::to_string(&doc).unwrap();
    assert!(
        json_text.contains("\"big\":123456789012345678901234567890"),
        "{json_text}"
    );
    assert_eq!(RawDocument::new(json_text).typed::<Value>().unwrap(), doc);
}

#[test]
fn infinities_and_nan_stay_refused() {
    for text in [
        "a: .inf\n",
        "a: -.inf\n",
        "a: .nan\n",
        "a: .inf\nb: 1234567890123456789012\n",
    ] {
        let err = parse_documents(text.as_bytes()).unwrap_err();
        assert!(format!("{err:?}").contains("non-finite"), "{text}: {err:?}");
    }
}

#[test]
fn yaml_spellings_of_big_numbers_read_exactly() {
    let docs = parse_documents(
        b"a: +123456789012345678901234567890\nb: .1000000000000000000001\nc: 1_000_000_000_000_000_000_000\nh: 1e400\ni: -4.5e-999\nd: &x 12345678901234567890123\ne: *x\nf: !!float 1\ng: \"123456789012345678901234567890\"\n",
    )
    .unwrap();
    let want = json!({
            "a": number("123456789012345678901234567890"),
            "b": number("0.1000000000000000000001"),
            // Underscores make a YAML 1.1 number, which the YAML 1.2 reading keeps as text.
            "c": "1_000_000_000_000_000_000_000",
            "d": number("12345678901234567890123"),
            "e": number("12345678901234567890123"),
            "f": 1.0,
            "g": "123456789012345678901234567890",
            "h": number("1e400"),
            "i": number("-4.5e-999"),
    });
    assert!(same_value(&docs[0], &want), "{:?}", docs[0]);
}

fn digits(range: std::ops::Range<usize>) -> impl Strategy<Value = String> {
    proptest::collection::vec(0u8..10, range)
        .prop_map(|d| d.into_iter().map(|d| char::from(b'0' + d)).collect())
}

/// Numbers of any size and precision, as JSON text.
fn any_number() -> impl Strategy<Value = Value> {
    prop_oneof![
        (any::<bool>(), "[1-9]", digits(0..40)).prop_map(|(neg, first, rest)| {
            number(&format!("{}{first}{rest}", if neg { "-" } else { "" }))
        }),
        (
            any::<bool>(),
            digits(1..20),
            digits(1..30),
            proptest::option::of(-400i32..400)
        )
            .prop_map(|(neg, int, frac, exp)| {
                let int = int.trim_start_matches('0');
                let int = if int.is_empty() { "0" } else { int };
                let exp = exp.map(|e| format!("e{e}")).unwrap_or_default();
                number(&format!("{}{int}.{frac}{exp}", if neg { "-" } else { "" }))
            }),
        any::<u64>().prop_map(|n| json!(n)),
        any::<i64>().prop_map(|n| json!(n)),
    ]
}

fn any_key() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => "[a-z][a-zA-Z0-9_.]{0,8}",
        1 => (1000usize..1100, "[a-z:# -]").prop_map(|(n, c)| c.repeat(n)),
    ]
}

fn any_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        any_number(),
        "[a-z0-9 .:-]{0,12}".prop_map(Value::String),
        Just(Value::Null)
    ];
    leaf.prop_recursive(4, 32, 4, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            proptest::collection::btree_map(any_key(), inner, 0..4)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]
    /// Any value with big numbers and long keys is read back as written, as a value and typed.
    #[test]
    fn exact_values_read_back(v in any_value()) {
        let text = yaml::to_string(&v).unwrap();
        let back = RawDocument::new(text.clone()).value().unwrap();
        prop_assert!(same_value(&back, &v), "YAML:\n{}\nread as {:?}", text, back);
        let typed: Value = RawDocument::new(text.clone()).typed().unwrap();
        prop_assert!(same_value(&typed, &v), "typed read of:\n{}\nas {:?}", text, typed);
    }
}
