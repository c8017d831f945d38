//! Strings laid end to end in one buffer, found by position: what a
//! document repeats (an actor's Markdown cell, a name as JSON), made once
//! each with one allocation for all of them, not one or two per mention.

/// Strings laid end to end in one buffer, found by position.
#[derive(Default)]
pub struct Pieces {
    text: String,
    /// Where each string ends in `text` (each starts where the one
    /// before it ends). Four bytes each: the ends of a national design's
    /// actors are read at random, and half the size keeps more of them
    /// in the cache. A string that would end past 4 GiB of text (never:
    /// the input is bounded far below) is kept empty rather than misplaced.
    ends: Vec<u32>,
}

impl Pieces {
    /// Adds the string `draw` appends.
    pub fn push(&mut self, draw: impl FnOnce(&mut String)) {
        let start = self.text.len();
        draw(&mut self.text);
        let end = match u32::try_from(self.text.len()) {
            Ok(end) => end,
            Err(_) => {
                self.text.truncate(start);
                u32::try_from(start).unwrap_or(u32::MAX)
            }
        };
        self.ends.push(end);
    }

    /// The `i`-th string (None past the end).
    pub fn get(&self, i: usize) -> Option<&str> {
        let end = *self.ends.get(i)? as usize;
        let start = match i.checked_sub(1) {
            Some(before) => *self.ends.get(before)? as usize,
            None => 0,
        };
        self.text.get(start..end)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pieces_are_found_by_position() {
        let mut pieces = Pieces::default();
        for s in ["a", "", "市町村", "|x|"] {
            pieces.push(|t| t.push_str(s));
        }
        let all: Vec<_> = (0..5).map(|i| pieces.get(i)).collect();
        assert_eq!(
            all,
            [Some("a"), Some(""), Some("市町村"), Some("|x|"), None]
        );
    }
}
