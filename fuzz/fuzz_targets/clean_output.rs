//! What every target asks of text it renders: no raw control character
//! from the input.

/// Panics on a character no output line may carry raw (tab and line ends
/// aside; bidirectional overrides and isolates too). Human output may
/// colour its own text with ESC: check it only without colour.
pub fn assert_clean(out: &str, what: &str) {
    for c in out.chars() {
        let control = (c.is_control() && c != '\n' && c != '\t' && c != '\r')
            || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}');
        assert!(!control, "{what}: raw {:?} in output", c);
    }
}
