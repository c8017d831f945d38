//! Standard output: the one way every command writes to it. `print!`
//! panics when a write fails, and a write whose error is dropped makes a
//! run that printed nothing look like a clean one; here a write that fails
//! is the run's failure (exit status 2), as a failed `-o` is.

use super::FAILURE;
use super::output::fail_in;
use mynaflow::text::{Lang, Text};
use std::io::{self, Write};

/// Standard output did not take what a command wrote.
#[derive(Debug)]
pub struct Unwritten(io::Error);

impl From<io::Error> for Unwritten {
    fn from(e: io::Error) -> Self {
        Unwritten(e)
    }
}

impl Unwritten {
    /// What to say on standard error. Nothing when the reader closed the
    /// pipe (`mynaflow explain | head -1`): it stopped reading on purpose,
    /// and a line about it would only be noise after its output. Anything
    /// else (a full disk) is said, as a failed `-o` is.
    pub fn reason(&self) -> Option<Text> {
        if self.0.kind() == io::ErrorKind::BrokenPipe {
            return None;
        }
        Some(Text::new(
            format!("standard output: {}", self.0),
            format!("標準出力: {}", mynaflow::oserror::describe_ja(&self.0)),
        ))
    }

    /// Says why in `lang` (if there is anything to say) and gives the exit
    /// status: 2, the output the command exists for was not delivered.
    pub fn fail(&self, lang: Lang) -> u8 {
        if let Some(reason) = self.reason() {
            fail_in(lang, &reason);
        }
        FAILURE
    }
}

/// Writes what `write` writes to standard output through one buffer, and
/// flushes it: a write error, the flush's included, is returned.
pub fn write_with(write: impl FnOnce(&mut dyn Write) -> io::Result<()>) -> Result<(), Unwritten> {
    let stdout = io::stdout();
    let mut out = io::BufWriter::with_capacity(1 << 16, stdout.lock());
    write(&mut out)
        .and_then(|()| out.flush())
        .map_err(Unwritten)
}

/// Writes `text` to standard output.
pub fn print(text: &str) -> Result<(), Unwritten> {
    write_with(|w| w.write_all(text.as_bytes()))
}

/// Writes `text` to standard output and gives `status`, or 2 when it could
/// not be written (said in `lang`).
pub fn print_then(lang: Lang, text: &str, status: u8) -> u8 {
    match print(text) {
        Ok(()) => status,
        Err(e) => e.fail(lang),
    }
}

/// Lines said one at a time as a command works (`fmt`'s `reformatted
/// FILE`, each written as soon as the file is): the first that cannot be
/// written is kept, and no line is tried after it. The command ends the
/// run with [`Lines::failed`] where it would end it for a file it could
/// not write.
#[derive(Debug, Default)]
pub struct Lines {
    failed: Option<Unwritten>,
}

impl Lines {
    /// Writes `line` and a newline, unless a line before it failed.
    pub fn say(&mut self, line: &str) {
        if self.failed.is_none() {
            self.failed = print(&format!("{line}\n")).err();
        }
    }

    /// Why standard output stopped taking the lines, if it did.
    pub fn failed(&self) -> Option<&Unwritten> {
        self.failed.as_ref()
    }
}
