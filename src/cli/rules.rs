//! `mynaflow rules list|show`: the rulebook as a reader sees it.

use super::output::{fail_in, session};
use super::stdout::print_then;
use super::{Common, FAILURE, FINDINGS, Format, OK};
use mynaflow::model::{RuleId, Rulebook, SectionId};
use mynaflow::render::{self, Report};
use mynaflow::session::{RulebookError, RulebookSource, Session};
use mynaflow::text::Lang;
use std::fmt::Write as _;
use std::sync::Arc;

fn load(common: &Common) -> Result<(Arc<Rulebook>, Lang), u8> {
    let (mut s, settings) = session(common, &[])?;
    let source = RulebookSource::named(settings.rules.as_deref().unwrap_or("kenpo"), None);
    let rb = s.load_rulebook(&source).map_err(|e| {
        let why = e.words();
        fail_in(
            settings.lang,
            &mynaflow::text!(
                "cannot load the rulebook: {}", why.en;
                "ルールブックを読み込めません: {}", why.ja
            ),
        );
        FAILURE
    })?;
    Ok((rb, settings.lang))
}

fn section_head(rb: &Rulebook, id: SectionId, lang: Lang, out: &mut String) {
    let s = rb.section(id);
    let mark = if s.mynumber { " [mynumber]" } else { "" };
    let _ = writeln!(out, "{}{} {}", s.id, mark, s.title.as_deref().unwrap_or(""));
    if let Some(b) = &s.basis {
        let _ = writeln!(
            out,
            "    {}: {b}",
            if lang == Lang::Ja { "根拠" } else { "basis" }
        );
        // The same note as MN601 and the inventory give: the notice's
        // citation is kept, and the reader told what it is now.
        if let Some(now) = mynaflow::rulecheck::section_citation(rb, id) {
            let note = now.as_cited_by_the_notice();
            let head = if lang == Lang::Ja { "注" } else { "note" };
            let _ = writeln!(out, "    {head}: {}", note.get(lang));
        }
    }
}

/// What `rules show` says under a rule that decides no verdict
/// ([`Rulebook::rule_decides_no_verdict`]): a reader must not take it for
/// a limit `check` enforces.
fn not_checked(rb: &Rulebook, lang: Lang) -> String {
    let society = (rb.roles_of_kind(mynaflow::model::RoleKind::SelfOrg).next())
        .map(|r| rb.role(r).name.clone());
    match (lang, society) {
        (Lang::Ja, Some(s)) => format!("(`check` はこの規則で判定しません。個人情報を規則で判定するのは{s}が提供する場合だけで、{s}が受け取る個人情報は利用目的だけで判定します。公表事項を記録するための規則です)"),
        (Lang::Ja, None) => "(`check` はこの規則で判定しません。個人情報を規則で判定するのは `self` の役割が提供する場合だけです。公表事項を記録するための規則です)".to_string(),
        (_, Some(s)) => format!("(not checked by `check`: ordinary data is judged by rules only when {s} provides it, and what {s} receives needs only a purpose; the rule records the notice)"),
        (_, None) => "(not checked by `check`: ordinary data is judged by rules only when a `self` role provides it; the rule records the notice)".to_string(),
    }
}

pub fn list(common: &Common) -> u8 {
    let (rb, lang) = match load(common) {
        Ok(x) => x,
        Err(code) => return code,
    };
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} {} ({})\n",
        rb.name,
        rb.title.as_deref().unwrap_or(""),
        rb.revised.as_deref().unwrap_or("-")
    );
    for i in 0..rb.sections.len() {
        let id = SectionId::new(i as u32);
        section_head(&rb, id, lang, &mut out);
        for p in rb.purposes.iter().filter(|p| p.section == id) {
            let _ = writeln!(out, "    {}  {}", p.name, p.label.as_deref().unwrap_or(""));
        }
    }
    // A rulebook's titles and labels are input.
    print_then(lang, &mynaflow::escape::visible_lines(&out), OK)
}

pub fn show(section: &str, common: &Common) -> u8 {
    let (rb, lang) = match load(common) {
        Ok(x) => x,
        Err(code) => return code,
    };
    let key = mynaflow::names::key(section);
    let Some(i) = rb
        .sections
        .iter()
        .position(|s| mynaflow::names::key(&s.id) == key)
    else {
        let ids: Vec<&str> = rb.sections.iter().map(|s| s.id.as_str()).collect();
        let ids = ids.join(" ");
        fail_in(
            lang,
            &mynaflow::text!(
                "no section `{section}`; sections are: {ids}";
                "「{section}」というセクションはありません。セクション: {ids}"
            ),
        );
        return FAILURE;
    };
    let id = SectionId::new(i as u32);
    let mut out = String::new();
    section_head(&rb, id, lang, &mut out);
    for p in rb.purposes.iter().filter(|p| p.section == id) {
        let parent = p
            .parent
            .map(|q| format!(" in {}", rb.purpose(q).name))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "  purpose {}{parent}  {}",
            p.name,
            p.label.as_deref().unwrap_or("")
        );
    }
    for (r, rule) in rb.rules.iter().enumerate() {
        if rule.section == id {
            let r = RuleId::new(r as u32);
            let _ = writeln!(out, "  {}", rb.rule_text(r));
            if rb.rule_decides_no_verdict(r) {
                let _ = writeln!(out, "    {}", not_checked(&rb, lang));
            }
        }
    }
    let mut contractors = Vec::new();
    for c in &rb.contractors {
        if c.purposes.iter().any(|p| rb.purpose(*p).section == id) {
            contractors.push(match (c.role, lang) {
                (Some(_), Lang::En) => format!("role {}", c.legal_name),
                (Some(_), Lang::Ja) => format!("(役割) {}", c.legal_name),
                (None, _) => c.legal_name.clone(),
            });
        }
    }
    if !contractors.is_empty() {
        let head = if lang == Lang::Ja {
            "委託先"
        } else {
            "contractors"
        };
        let sep = if lang == Lang::Ja { "、" } else { ", " };
        let _ = writeln!(out, "  {head}: {}", contractors.join(sep));
    }
    // A rulebook's titles and labels are input.
    print_then(lang, &mynaflow::escape::visible_lines(&out), OK)
}

/// `mynaflow rules check [RULEBOOK...]`: MN6xx on each rulebook (the
/// built-in `kenpo` when none is named), with the findings of loading it.
pub fn check(names: &[String], format: Format, lang: Lang, color: bool, deny_warnings: bool) -> u8 {
    let default = ["kenpo".to_string()];
    let names = if names.is_empty() {
        &default[..]
    } else {
        names
    };
    let mut s = Session::new(RulebookSource::Builtin("kenpo".into()));
    let mut unusable = false;
    for name in names {
        let source = RulebookSource::named(name, None);
        match s.load_rulebook(&source) {
            // A file's MN6xx come with loading it; a built-in rulebook's
            // only here.
            Ok(rb) if matches!(source, RulebookSource::Builtin(_)) => {
                s.diagnostics.extend(mynaflow::rulecheck::check(&rb));
            }
            Ok(_) | Err(RulebookError::Broken(_)) => {}
            Err(e) => {
                let (name, why) = (source.display(), e.words());
                fail_in(
                    lang,
                    &mynaflow::text!("{name}: {}", why.en; "{name}: {}", why.ja),
                );
                unusable = true;
            }
        }
    }
    let diags = s.sorted_diagnostics();
    let checked: Vec<_> = s.sources.iter().map(|(id, _)| id).collect();
    let report = Report {
        sources: &s.sources,
        diagnostics: &diags,
        files: checked.len(),
        checked: &checked,
        lang,
    };
    let out = match format {
        Format::Human => render::human::render(&report, color),
        Format::Concise => render::concise::render(&report),
        Format::Json => render::json::render(&report),
        Format::Sarif => render::sarif::render(&report),
        Format::Github => render::github::render(&report),
        Format::Gitlab => render::gitlab::render(&report),
        Format::Junit => render::junit::render_with(&report, deny_warnings),
    };
    let status = if unusable {
        FAILURE
    } else if report.errors() > 0 || (deny_warnings && report.warnings() > 0) {
        FINDINGS
    } else {
        OK
    };
    print_then(lang, &out, status)
}
