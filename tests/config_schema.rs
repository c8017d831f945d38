//! `docs/mynaflow.schema.json`, the JSON Schema of `mynaflow.toml`, says
//! what `Config::load` accepts: the same keys, the same formats, and the
//! same verdict on valid and invalid files.

use mynaflow::config::{Config, FORMATS, KEYS};
use serde_json::Value;
use std::path::Path;

fn schema() -> Value {
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/mynaflow.schema.json"),
    )
    .expect("schema");
    serde_json::from_str(&text).expect("schema is JSON")
}

#[test]
fn the_schema_names_every_key_and_format() {
    let s = schema();
    let mut keys: Vec<&str> = s["properties"]
        .as_object()
        .expect("properties")
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort();
    let mut known = KEYS.to_vec();
    known.sort();
    assert_eq!(keys, known);
    let formats: Vec<&str> = s["properties"]["format"]["enum"]
        .as_array()
        .expect("enum")
        .iter()
        .map(|v| v.as_str().expect("string"))
        .collect();
    assert_eq!(formats, FORMATS);
}

#[test]
fn the_schema_and_the_loader_agree() {
    let validator = jsonschema::draft7::new(&schema()).expect("the schema compiles");
    let dir = tempfile::tempdir().expect("tempdir");
    let samples: &[(&str, bool)] = &[
        ("", true),
        (
            "rules = \"kenpo\"\nformat = \"sarif\"\nlang = \"ja\"\ndeny = [\"warnings\"]\n\
             exclude = [\"drafts/**\"]\nbaseline = \"b.json\"\nselect = [\"MN1\", \"MN301\", \"ALL\"]\n\
             ignore = [\"mn012\"]\n[per-file-ignores]\n\"legacy/**\" = [\"MN2\"]\n",
            true,
        ),
        ("format = \"gitlab\"\n", true),
        ("rulebooks = [\"kenpo\", \"rules/ours.myna\"]\n", true),
        ("rulebooks = []\n", false),
        ("unsuppressible = [\"MN1\", \"MN402\"]\n", true),
        ("unsuppressible = [\"XX\"]\n", false),
        ("rulebooks = \"kenpo\"\n", false),
        ("require-clauses = true\n", true),
        ("require-clauses = \"yes\"\n", false),
        ("format = \"xml\"\n", false),
        ("lang = \"fr\"\n", false),
        ("deny = [\"errors\"]\n", false),
        ("rulez = \"x\"\n", false),
        ("select = [\"X1\"]\n", false),
        ("select = \"MN1\"\n", false),
        ("ignore = [1]\n", false),
        ("[per-file-ignores]\n\"a\" = [\"Y\"]\n", false),
        ("[per-file-ignores]\n\"a\" = \"MN1\"\n", false),
        ("exclude = \"drafts\"\n", false),
    ];
    for (text, valid) in samples {
        let path = dir.path().join("mynaflow.toml");
        std::fs::write(&path, text).expect("write");
        let loaded = Config::load(&path);
        assert_eq!(
            loaded.is_ok(),
            *valid,
            "loader on {text:?}: {:?}",
            loaded.err()
        );
        let value: toml::Value = toml::from_str(text).expect("TOML");
        let json = serde_json::to_value(value).expect("as JSON");
        assert_eq!(validator.is_valid(&json), *valid, "schema on {text:?}");
    }
}
