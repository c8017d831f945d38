//! `mynaflow rules show` without a section: the rulebook's whole vocabulary
//! (roles, categories as a tree, purposes with the notice's wording by
//! section, contractors, clauses), as text in the chosen language or as
//! JSON; and `mynaflow rules export NAME`: a built-in rulebook's source.

use super::output::{fail_in, session};
use super::stdout::print_then;
use super::{Common, FAILURE, OK, ReportFormat};
use mynaflow::model::{Rulebook, SectionId};
use mynaflow::session::{BUILTIN_RULEBOOKS, RulebookSource};
use mynaflow::text::{Lang, Text};
use serde::Serialize;
use std::fmt::Write as _;
use std::path::Path;

#[derive(Serialize)]
struct Vocabulary<'a> {
    name: &'a str,
    title: Option<&'a str>,
    revised: Option<&'a str>,
    roles: Vec<RoleOut<'a>>,
    categories: Vec<CategoryOut<'a>>,
    sections: Vec<SectionOut<'a>>,
    contractors: Vec<ContractorOut<'a>>,
    clauses: Vec<Named<'a>>,
}

#[derive(Serialize)]
struct RoleOut<'a> {
    name: &'a str,
    kind: &'static str,
    label: Option<&'a str>,
}

#[derive(Serialize)]
struct CategoryOut<'a> {
    name: &'a str,
    label: Option<&'a str>,
    parent: Option<&'a str>,
    mynumber: bool,
}

#[derive(Serialize)]
struct SectionOut<'a> {
    id: &'a str,
    title: Option<&'a str>,
    mynumber: bool,
    basis: Option<&'a str>,
    /// What the basis is now, when it cites a renumbered provision (the
    /// human view's note, as `rules show SECTION` gives).
    #[serde(skip)]
    renumbered: Option<mynaflow::rulecheck::Renumbered>,
    purposes: Vec<Named<'a>>,
}

#[derive(Serialize)]
struct Named<'a> {
    name: &'a str,
    label: Option<&'a str>,
}

#[derive(Serialize)]
struct ContractorOut<'a> {
    legal_name: &'a str,
    purposes: Vec<&'a str>,
}

fn vocabulary(rb: &Rulebook) -> Vocabulary<'_> {
    Vocabulary {
        name: &rb.name,
        title: rb.title.as_deref(),
        revised: rb.revised.as_deref(),
        roles: rb
            .roles
            .iter()
            .map(|r| RoleOut {
                name: &r.name,
                kind: r.kind.as_str(),
                label: r.label.as_deref(),
            })
            .collect(),
        categories: rb
            .categories
            .iter()
            .map(|c| CategoryOut {
                name: &c.name,
                label: c.label.as_deref(),
                parent: c.parent.map(|p| rb.category(p).name.as_str()),
                mynumber: c.mynumber,
            })
            .collect(),
        sections: rb
            .sections
            .iter()
            .enumerate()
            .map(|(i, s)| SectionOut {
                id: &s.id,
                title: s.title.as_deref(),
                mynumber: s.mynumber,
                basis: s.basis.as_deref(),
                renumbered: mynaflow::rulecheck::section_citation(rb, SectionId::new(i as u32)),
                purposes: rb
                    .purposes
                    .iter()
                    .filter(|p| p.section == SectionId::new(i as u32))
                    .map(|p| Named {
                        name: &p.name,
                        label: p.label.as_deref(),
                    })
                    .collect(),
            })
            .collect(),
        contractors: rb
            .contractors
            .iter()
            .map(|c| ContractorOut {
                legal_name: &c.legal_name,
                purposes: c
                    .purposes
                    .iter()
                    .map(|p| rb.purpose(*p).name.as_str())
                    .collect(),
            })
            .collect(),
        clauses: rb
            .clauses
            .iter()
            .map(|c| Named {
                name: &c.name,
                label: c.label.as_deref(),
            })
            .collect(),
    }
}

/// Levels of the category tree shown by indenting.
const INDENTED_LEVELS: usize = 16;

/// The vocabulary as text, headings in `lang`.
fn text(v: &Vocabulary, rb: &Rulebook, lang: Lang) -> String {
    let h = |en: &str, ja: &str| Text::new(en, ja).get(lang).to_string();
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} {} ({} {})",
        v.name,
        v.title.unwrap_or(""),
        h("revised", "改定"),
        v.revised.unwrap_or("-")
    );
    let width = |names: &mut dyn Iterator<Item = usize>| names.max().unwrap_or(0);
    let _ = writeln!(out, "\n{}:", h("roles", "役割"));
    let w = width(&mut v.roles.iter().map(|r| display_width(r.name)));
    for r in &v.roles {
        // The kind a role is marked with, as the rulebook writes it; a
        // role with no mark (JSON's `party`) shows none.
        let kind = match r.kind {
            "party" => "-",
            k => k,
        };
        let _ = writeln!(
            out,
            "  {}  {:<10}  {}",
            pad(r.name, w),
            kind,
            r.label.unwrap_or("")
        );
    }
    let _ = writeln!(out, "\n{}:", h("categories", "カテゴリ"));
    // Children under their parent, in declaration order: one pass to
    // group, one walk.
    let mut children: Vec<Vec<usize>> = vec![Vec::new(); rb.categories.len()];
    let mut roots = Vec::new();
    for (i, c) in rb.categories.iter().enumerate() {
        match c.parent {
            Some(p) => children[p.index()].push(i),
            None => roots.push(i),
        }
    }
    let mut stack: Vec<(usize, usize)> = roots.iter().rev().map(|&i| (i, 0)).collect();
    while let Some((i, depth)) = stack.pop() {
        let c = &v.categories[i];
        let mark = if c.mynumber { " [mynumber]" } else { "" };
        // Deeper than INDENTED_LEVELS, a category is written at that
        // depth with its parent named: indenting each level, a chain of
        // n nested categories was n²/2 spaces (200 000: 40 GB).
        let parent = match rb.categories[i]
            .parent
            .and_then(|p| v.categories.get(p.index()))
        {
            Some(p) if depth > INDENTED_LEVELS => match lang {
                Lang::Ja => format!(" ({}の下位)", mynaflow::text::JaQuoted(p.name)),
                Lang::En => format!(" (in {})", p.name),
            },
            _ => String::new(),
        };
        let _ = writeln!(
            out,
            "  {}{}{mark}{parent}  {}",
            "  ".repeat(depth.min(INDENTED_LEVELS)),
            c.name,
            c.label.unwrap_or("")
        );
        stack.extend(children[i].iter().rev().map(|&k| (k, depth + 1)));
    }
    let _ = writeln!(
        out,
        "\n{}:",
        h("purposes, by section", "利用目的 (セクションごと)")
    );
    for s in &v.sections {
        let mark = if s.mynumber { " [mynumber]" } else { "" };
        let _ = writeln!(out, "  {}{mark} {}", s.id, s.title.unwrap_or(""));
        if let Some(b) = s.basis {
            let _ = writeln!(out, "      {}: {b}", h("basis", "根拠"));
        }
        if let Some(now) = &s.renumbered {
            let note = now.as_cited_by_the_notice();
            let _ = writeln!(out, "      {}: {}", h("note", "注"), h(&note.en, &note.ja));
        }
        let w = width(&mut s.purposes.iter().map(|p| display_width(p.name)));
        for p in &s.purposes {
            let _ = writeln!(out, "    {}  {}", pad(p.name, w), p.label.unwrap_or(""));
        }
    }
    if !v.contractors.is_empty() {
        let _ = writeln!(
            out,
            "\n{}:",
            h("contractors (register)", "委託先 (別表(1))")
        );
        for (c, registered) in v.contractors.iter().zip(&rb.contractors) {
            let sep = if lang == Lang::Ja { "、" } else { ", " };
            // A `contractor role` row registers a role, not a company.
            let role = match registered.role {
                Some(_) => h("(role) ", "(役割) "),
                None => String::new(),
            };
            let _ = writeln!(
                out,
                "  {role}{}  {} {}",
                c.legal_name,
                h("for", "目的:"),
                c.purposes.join(sep)
            );
        }
    }
    if !v.clauses.is_empty() {
        let _ = writeln!(out, "\n{}:", h("contract clauses", "契約事項 (別表(2))"));
        let w = width(&mut v.clauses.iter().map(|c| display_width(c.name)));
        for c in &v.clauses {
            let _ = writeln!(out, "  {}  {}", pad(c.name, w), c.label.unwrap_or(""));
        }
    }
    out
}

fn display_width(s: &str) -> usize {
    unicode_width::UnicodeWidthStr::width(s)
}

/// `s` padded with spaces to `width` columns (East Asian characters count
/// two), so the labels line up in a terminal.
fn pad(s: &str, width: usize) -> String {
    let mut out = mynaflow::escape::visible(s).into_owned();
    out.push_str(&" ".repeat(width.saturating_sub(display_width(s))));
    out
}

/// `mynaflow rules show` without a section.
pub fn show(format: ReportFormat, common: &Common) -> u8 {
    let (mut s, settings) = match session(common, &[]) {
        Ok(x) => x,
        Err(code) => return code,
    };
    let name = settings.rules.as_deref().unwrap_or("kenpo");
    let rb = match s.load_rulebook(&RulebookSource::named(name, None)) {
        Ok(rb) => rb,
        Err(e) => {
            let why = e.words();
            fail_in(
                settings.lang,
                &mynaflow::text!(
                    "cannot load the rulebook {name}: {}", why.en;
                    "ルールブック {name} を読み込めません: {}", why.ja
                ),
            );
            return FAILURE;
        }
    };
    let v = vocabulary(&rb);
    let out = match format {
        // A rulebook's titles and labels are input.
        ReportFormat::Human => {
            mynaflow::escape::visible_lines(&text(&v, &rb, settings.lang)).into_owned()
        }
        ReportFormat::Json => {
            let s = serde_json::to_string_pretty(&v).unwrap_or_else(|_| "{}".into());
            let mut s = mynaflow::escape::json_no_legacy_command(s);
            s.push('\n');
            s
        }
    };
    print_then(settings.lang, &out, OK)
}

/// `mynaflow rules export NAME [-o FILE]`.
pub fn export(name: &str, output: Option<&Path>) -> u8 {
    let lang = super::lang(None);
    let Some((_, source)) = BUILTIN_RULEBOOKS.iter().find(|(n, _)| *n == name) else {
        let names: Vec<&str> = BUILTIN_RULEBOOKS.iter().map(|(n, _)| *n).collect();
        let names = names.join(", ");
        fail_in(
            lang,
            &mynaflow::text!(
                "no built-in rulebook `{name}`; built in: {names}";
                "組み込みのルールブック「{name}」はありません。組み込み: {names}"
            ),
        );
        return FAILURE;
    };
    match output {
        None => print_then(lang, source, OK),
        Some(path) => match std::fs::write(path, source) {
            Ok(()) => OK,
            Err(e) => {
                let shown = mynaflow::escape::visible_owned(path.display().to_string());
                fail_in(
                    lang,
                    &Text::new(
                        format!("{shown}: {e}"),
                        format!("{shown}: {}", mynaflow::oserror::describe_ja(&e)),
                    ),
                );
                FAILURE
            }
        },
    }
}
