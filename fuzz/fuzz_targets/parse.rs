//! Lexing and parsing any bytes never panics, parsing in parts gives what
//! one pass gives, and `fmt` is idempotent.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mynaflow::span::FileId;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let parsed = mynaflow::syntax::parse(FileId(0), text);
    // Every span a finding carries lies inside the text, on char boundaries.
    for d in &parsed.diagnostics {
        let r = d.primary.range();
        assert!(r.start <= r.end && r.end <= text.len(), "span out of range");
        assert!(text.is_char_boundary(r.start) && text.is_char_boundary(r.end));
    }
    // Parsed in parts (cut at `flow` lines about every 64 bytes), the text
    // gives the same tree and findings as in one pass.
    let parts = mynaflow::syntax::split::parse_in_parts_of(FileId(0), text, 64);
    assert_eq!(parts.file, parsed.file, "parts give another tree");
    assert_eq!(
        format!("{:?}", parts.diagnostics),
        format!("{:?}", parsed.diagnostics),
        "parts give other findings"
    );
    if let Ok(once) = mynaflow::fmt::format(text) {
        let twice = mynaflow::fmt::format(&once).expect("formatted text formats again");
        assert_eq!(twice, once, "fmt is not idempotent");
    }
});
