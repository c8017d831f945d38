//! `rules diff --impact`'s second check over any design: bound again to a
//! second rulebook (on the first check's graph when the second rulebook
//! gives the same one), the design gives exactly the findings that a fresh
//! check against the second rulebook gives.
//!
//! The first byte picks the pair of rulebooks; the rest is the design.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mynaflow::session::{BUILTIN_RULEBOOKS, RulebookSource, Session};
use std::path::PathBuf;
use std::sync::OnceLock;

/// The rulebooks' files and the design's, in a folder of this process.
struct Files {
    rulebooks: Vec<PathBuf>,
    design: PathBuf,
}

fn files() -> &'static Files {
    static FILES: OnceLock<Files> = OnceLock::new();
    FILES.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("mynaflow-fuzz-rebind-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("a folder for the rulebooks");
        let kenpo = BUILTIN_RULEBOOKS[0].1;
        // The benchmark's narrowed rulebook (the same graph), and copies
        // with a role, a category, a clause or purposes renamed or
        // respelled (another graph, and MN010 or MN014 where used).
        let narrowed: String = kenpo
            .lines()
            .filter(|l| {
                !(l.trim_start().starts_with("allow ") && l.trim_end().ends_with("for 健診等委託"))
            })
            .map(|l| format!("{l}\n"))
            .collect();
        let variants: [&[(&str, &str)]; 4] = [
            &[("事業主", "事業者"), ("被扶養者認定", "被扶養者の認定")],
            &[("中間サーバー", "中間ｻｰﾊﾞｰ"), ("返還", "返還等")],
            &[
                ("課税・非課税情報", "課税･非課税情報"),
                ("健診等委託", "健診等の委託"),
            ],
            &[("資格情報", "資格の情報"), ("委託先", "委託事業者")],
        ];
        let mut texts = vec![kenpo.to_string(), narrowed];
        for v in variants {
            texts.push(
                v.iter()
                    .fold(kenpo.to_string(), |t, (a, b)| t.replace(a, b)),
            );
        }
        let rulebooks = texts
            .iter()
            .enumerate()
            .map(|(k, text)| {
                let path = dir.join(format!("rules-{k}.myna"));
                std::fs::write(&path, text).expect("a rulebook written");
                path
            })
            .collect();
        Files {
            rulebooks,
            design: dir.join("design.myna"),
        }
    })
}

/// Every finding of `s` in the design, with its place and English text,
/// sorted (the rulebooks' own are each session's to report once).
fn findings_of(s: &Session) -> Vec<String> {
    let mut out: Vec<String> = s
        .diagnostics
        .iter()
        .filter(|d| s.sources.get(d.primary.file).name.ends_with("design.myna"))
        .map(|d| {
            let f = s.sources.get(d.primary.file);
            let help = d.help.as_ref().map(|h| h.en.as_str());
            format!(
                "{}:{}-{} {:?} {} {help:?}",
                f.name, d.primary.start, d.primary.end, d.code, d.message.en
            )
        })
        .collect();
    out.sort();
    out
}

fuzz_target!(|data: &[u8]| {
    let Some((&pick, design)) = data.split_first() else {
        return;
    };
    let files = files();
    let n = files.rulebooks.len();
    let first = &files.rulebooks[(pick as usize) % n];
    let second = &files.rulebooks[(pick as usize / n) % n];
    if std::fs::write(&files.design, design).is_err() {
        return;
    }
    let paths = vec![files.design.clone()];
    let source = |p: &PathBuf| RulebookSource::File(p.clone());

    let mut fresh = Session::forced(source(second));
    if fresh.load_rulebook(&source(second)).is_err() {
        return;
    }
    let want: Vec<bool> = fresh
        .check_paths(&paths)
        .into_iter()
        .map(|c| c.is_ok_and(|c| c.analysis.is_some()))
        .collect();

    let mut shared = Session::forced(source(first));
    if shared.load_rulebook(&source(first)).is_err() {
        return;
    }
    let corpus = shared.read_paths(&paths);
    let (checked, again) = shared.check_read_for_again(corpus);
    shared.force_rules(source(second));
    if shared.load_rulebook(&source(second)).is_err() {
        return;
    }
    // A file's own problems (MN005: not UTF-8, a byte-order mark...) are
    // reported once a session, by its first check.
    shared
        .diagnostics
        .retain(|d| d.code == mynaflow::code::Code::MN005);
    let checked = shared.check_again(checked, again).expect("checks again");
    let got: Vec<bool> = checked
        .iter()
        .map(|c| c.as_ref().is_ok_and(|c| c.analysis.is_some()))
        .collect();
    assert_eq!(got, want, "a model for the same files");
    assert_eq!(
        findings_of(&shared),
        findings_of(&fresh),
        "the same findings"
    );
});
