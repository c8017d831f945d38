//! The sections of the man pages that clap does not write: EXIT STATUS,
//! ENVIRONMENT, FILES, EXAMPLES and SEE ALSO, appended to each page as roff.

/// Escapes text for roff: backslashes, hyphens (so options copy as ASCII),
/// and a leading `.` or `'` that would start a request.
pub(super) fn esc(s: &str) -> String {
    let t = s.replace('\\', "\\e").replace('-', "\\-");
    if t.starts_with('.') || t.starts_with('\'') {
        format!("\\&{t}")
    } else {
        t
    }
}

/// A section heading.
pub(super) fn heading(out: &mut String, title: &str) {
    out.push_str(&format!(".SH \"{title}\"\n"));
}

/// A tagged paragraph: a term in bold, then its description.
pub(super) fn item(out: &mut String, term: &str, text: &str) {
    out.push_str(&format!(".TP\n\\fB{}\\fR\n{}\n", esc(term), esc(text)));
}

/// An example: what it does, then the command, unfilled.
pub(super) fn example(out: &mut String, what: &str, command: &str) {
    out.push_str(&format!(
        ".PP\n{}\n.PP\n.RS 4\n.nf\n{}\n.fi\n.RE\n",
        esc(what),
        esc(command)
    ));
}

/// The examples of the page named `page`: what each does, and the command.
/// `man_ja` says the same in Japanese, in the same order.
pub(super) fn examples(page: &str) -> &'static [(&'static str, &'static str)] {
    match page {
        "mynaflow" | "mynaflow-check" => &[
            (
                "Check every design under designs/:",
                "mynaflow check designs/",
            ),
            (
                "In CI, write SARIF for GitHub code scanning (exit status 1 on findings, 2 when a design could not be checked):",
                "mynaflow check --format sarif --output-file mynaflow.sarif designs/",
            ),
            (
                "Annotate a pull request and write every finding to the job summary:",
                "mynaflow check --format github designs/",
            ),
            (
                "Only the My Number checks, without unused declarations, as one line per finding:",
                "mynaflow check --select MN1 --ignore MN012 --format concise designs/",
            ),
            (
                "Check what an editor holds, as if it were designs/a.myna:",
                "mynaflow check - --stdin-filename designs/a.myna < buffer.myna",
            ),
            (
                "How many findings of each code:",
                "mynaflow check --statistics designs/",
            ),
        ],
        "mynaflow-test" => &[
            ("Run the # expect: annotations:", "mynaflow test examples/"),
            (
                "Rewrite them to what is reported, after a rulebook change:",
                "mynaflow test --update designs/",
            ),
        ],
        "mynaflow-explain" => &[
            (
                "What MN102 means, in Japanese:",
                "mynaflow explain MN102 --lang ja",
            ),
            ("Every code:", "mynaflow explain"),
        ],
        "mynaflow-rules"
        | "mynaflow-rules-show"
        | "mynaflow-rules-export"
        | "mynaflow-rules-list" => &[
            (
                "The whole vocabulary of the rulebook:",
                "mynaflow rules show",
            ),
            ("One section:", "mynaflow rules show 7(1)"),
            (
                "Start your own rulebook from the built-in one:",
                "mynaflow rules export kenpo -o rules/our-society.myna",
            ),
        ],
        "mynaflow-rules-check" => &[(
            "Lint the built-in rulebook (outdated citations, unassigned purposes):",
            "mynaflow rules check",
        )],
        "mynaflow-rules-diff" => &[
            (
                "What a rulebook change allows or forbids, and which flows change verdict:",
                "mynaflow rules diff kenpo rules/our-society.myna --impact designs/",
            ),
            (
                "The CI gate for a revised notice: fail when anything is newly allowed:",
                "mynaflow rules diff rules/old.myna rules/new.myna --fail-on-broadening",
            ),
        ],
        "mynaflow-graph" => &[
            (
                "Draw a design, violations in red:",
                "mynaflow graph designs/a.myna | dot -Tsvg > a.svg",
            ),
            (
                "Where can the tax data we receive end up?",
                "mynaflow graph designs/a.myna --reach 課税情報",
            ),
        ],
        "mynaflow-report" => &[(
            "One page for reviewers, in Japanese, from every design under designs/:",
            "mynaflow report designs/ -o report.html --lang ja",
        )],
        "mynaflow-inventory" => &[(
            "The 特定個人情報 inventory for the PIA form, in Japanese:",
            "mynaflow inventory designs/society.myna --format md --lang ja",
        )],
        "mynaflow-coverage" => &[(
            "Fail when the designs exercise fewer than 80% of the rules:",
            "mynaflow coverage designs/ --fail-under 80",
        )],
        "mynaflow-fmt" => &[("Check the layout in CI:", "mynaflow fmt --check designs/")],
        "mynaflow-completions" => &[
            (
                "bash (Debian, Ubuntu):",
                "mynaflow completions bash > ~/.local/share/bash-completion/completions/mynaflow",
            ),
            (
                "zsh (put the folder on fpath in ~/.zshrc):",
                "mynaflow completions zsh > ~/.zfunc/_mynaflow",
            ),
            (
                "fish:",
                "mynaflow completions fish > ~/.config/fish/completions/mynaflow.fish",
            ),
        ],
        _ => &[],
    }
}

/// The extra sections of the page named `page` (`mynaflow-check`), which
/// documents one of `pages`.
pub fn render(page: &str, pages: &[String]) -> String {
    let mut out = String::new();
    heading(&mut out, "EXIT STATUS");
    item(
        &mut out,
        "0",
        "No errors (warnings allowed unless --deny warnings); with check --exit-zero, also when there are findings.",
    );
    item(
        &mut out,
        "1",
        "At least one error-severity finding (syntax errors included, and those --select/--ignore hide: they stopped the checks of their statements, and the machine formats say so), or a test that failed.",
    );
    item(
        &mut out,
        "2",
        "mynaflow could not do its job: bad arguments, an unreadable file, a path with no design, an invalid mynaflow.toml, or a design that could not be checked: a file that is not UTF-8 text (MN005) or a rulebook that cannot be loaded (MN013), shown or filtered out (no baseline excuses it). With --format sarif the log says why; json, junit and github say it too when they are written.",
    );
    heading(&mut out, "ENVIRONMENT");
    item(
        &mut out,
        "LC_ALL, LC_MESSAGES, LANG",
        "The message language when neither --lang nor, for a command that reads mynaflow.toml, its lang decides it (the help and argument errors included): ja* gives Japanese, anything else English (first one set wins).",
    );
    item(
        &mut out,
        "NO_COLOR",
        "When set and not empty, no colour (unless --color always).",
    );
    item(
        &mut out,
        "GITHUB_STEP_SUMMARY",
        "With check --format github: the file the Markdown table of all findings is appended to (GitHub Actions sets it).",
    );
    heading(&mut out, "FILES");
    item(
        &mut out,
        "mynaflow.toml",
        "Project settings, looked for in the checked folder and above (or named with --config): rules, format, lang, deny, exclude, baseline, require-clauses, max-per-code, select, ignore, per-file-ignores. Its JSON Schema is docs/mynaflow.schema.json in the source.",
    );
    item(
        &mut out,
        "*.myna",
        "Designs and rulebooks. <builtin>/kenpo.myna is the built-in rulebook; mynaflow rules export kenpo writes it out.",
    );
    let ex = examples(page);
    if !ex.is_empty() {
        heading(&mut out, "EXAMPLES");
        for (what, command) in ex {
            example(&mut out, what, command);
        }
    }
    see_also(&mut out, "SEE ALSO", page, pages);
    out
}

/// The section titled `title` that names every page of `pages` but `page`.
pub(super) fn see_also(out: &mut String, title: &str, page: &str, pages: &[String]) {
    heading(out, title);
    let others: Vec<String> = pages
        .iter()
        .filter(|p| p.as_str() != page)
        .map(|p| format!("\\fB{}\\fR(1)", esc(p)))
        .collect();
    out.push_str(&others.join(", "));
    out.push('\n');
}
