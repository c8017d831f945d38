//! `mynaflow fmt [--check]`.

use super::output::fail;
use super::{FAILURE, FINDINGS, OK};
use mynaflow::session::collect_files;
use std::path::PathBuf;

pub fn run(paths: &[PathBuf], check: bool) -> u8 {
    let files = match collect_files(paths) {
        Ok(f) => f,
        Err(e) => {
            fail(&e);
            return FAILURE;
        }
    };
    let mut changed = 0;
    for f in &files {
        let text = match mynaflow::input::read_limited(f, mynaflow::session::MAX_FILE_BYTES)
            .map(String::from_utf8)
        {
            Ok(Ok(t)) => t,
            Ok(Err(_)) => {
                fail(&format!(
                    "{}: not UTF-8 (see `mynaflow explain MN005`)",
                    f.display()
                ));
                return FAILURE;
            }
            Err(e) => {
                fail(&e);
                return FAILURE;
            }
        };
        let Some(new) = mynaflow::fmt::format(&text) else {
            continue;
        };
        changed += 1;
        if check {
            println!(
                "would reformat {}",
                mynaflow::escape::visible(&f.display().to_string())
            );
        } else if let Err(e) = mynaflow::atomic_write::write(f, new.as_bytes()) {
            fail(&e);
            return FAILURE;
        } else {
            println!(
                "reformatted {}",
                mynaflow::escape::visible(&f.display().to_string())
            );
        }
    }
    if check && changed > 0 { FINDINGS } else { OK }
}
