//! `mynaflow test --update`: rewrite each file's `# expect:` annotations
//! to what is reported (see `mynaflow::expect_update`).

use super::output::{fail_in, files, session};
use super::{Common, FAILURE, FINDINGS, OK};
use mynaflow::escape::visible;
use mynaflow::expect::reported_at;
use mynaflow::expect_update::rewrite;
use mynaflow::text::Text;
use std::path::PathBuf;

pub fn run(paths: &[PathBuf], common: &Common) -> u8 {
    let (_, settings) = match session(common, paths) {
        Ok(x) => x,
        Err(code) => return code,
    };
    let files = match files(paths, &settings) {
        Ok(f) => f,
        Err(code) => return code,
    };
    let lang = settings.lang;
    let (mut updated, mut same, mut failed) = (0, 0, 0);
    for path in &files {
        // One session per file, as `mynaflow test` does.
        let mut s = match session(common, paths) {
            Ok((s, _)) => s,
            Err(code) => return code,
        };
        // Every finding is annotated, not the hundred a code a check shows.
        s.keep_places = true;
        // Names and annotations from input are shown escaped.
        let shown = visible(&path.display().to_string()).into_owned();
        let checked = match s.check_path(path) {
            Ok(c) => c,
            Err(e) => {
                fail_in(lang, &Text::new(e.clone(), mynaflow::oserror::to_ja(&e)));
                failed += 1;
                continue;
            }
        };
        // The model is read no more: freed before the file is rewritten
        // beside its text.
        let file = checked.file;
        drop(checked);
        let source = s.sources.get(file);
        let found = reported_at(source, file, &s.found);
        match rewrite(source, &found) {
            Ok(text) if text == source.text => same += 1,
            Ok(text) => {
                if let Err(e) = std::fs::write(path, &text) {
                    fail_in(
                        lang,
                        &Text::new(
                            format!("{shown}: {e}"),
                            format!("{shown}: {}", mynaflow::oserror::describe_ja(&e)),
                        ),
                    );
                    return FAILURE;
                }
                updated += 1;
                println!(
                    "{}",
                    Text::new(format!("updated {shown}"), format!("更新 {shown}")).get(lang)
                );
            }
            Err(errors) => {
                failed += 1;
                println!("FAIL {shown}");
                for e in errors {
                    println!("  {}", visible(&e));
                }
            }
        }
    }
    let summary = mynaflow::text!(
        "{updated} updated, {same} unchanged, {failed} failed";
        "更新 {updated} 件、変更なし {same} 件、失敗 {failed} 件"
    );
    println!("{}", summary.get(lang));
    if failed > 0 { FINDINGS } else { OK }
}
