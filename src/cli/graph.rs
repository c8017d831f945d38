//! `mynaflow graph`: a picture of a design, in DOT or Mermaid; with
//! `--reach ITEM`, where an item can go (also as JSON).

use super::output::{fail_in, print_fatal, session};
use super::stdout;
use super::{Common, FAILURE, OK};
use clap::ValueEnum;
use mynaflow::diagram::{self, Options};
use mynaflow::model::{DataId, Design};
use mynaflow::reach::{self, Reach};
use mynaflow::render;
use mynaflow::source::SourceFile;
use mynaflow::text::{JaQuoted, Lang, Text};
use std::path::Path;

/// The picture's format.
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum GraphFormat {
    /// Graphviz DOT (`dot -Tsvg`).
    Dot,
    /// A Mermaid flowchart (renders in GitHub Markdown).
    Mermaid,
    /// JSON (with `--reach` only): the actors reached and their paths.
    Json,
}

/// What `graph` draws.
pub struct GraphArgs<'a> {
    pub file: &'a Path,
    pub format: GraphFormat,
    pub options: Options,
    pub reach: Option<String>,
    /// Print the time of each stage to stderr.
    pub timings: bool,
    pub common: &'a Common,
}

pub fn run(a: &GraphArgs) -> u8 {
    let (mut s, settings) = match session(a.common, &[a.file.to_path_buf()]) {
        Ok(x) => x,
        Err(code) => return code,
    };
    let lang = settings.lang;
    if let Some(why) = super::output::refused_link(a.file, &settings) {
        fail_in(lang, &why);
        return FAILURE;
    }
    let checked = match s.check_path(a.file) {
        Ok(c) => c,
        Err(e) => {
            fail_in(lang, &mynaflow::oserror::in_both(&e));
            return FAILURE;
        }
    };
    let Some(analysis) = checked.analysis else {
        print_fatal(&s, lang);
        // A file name may hold any character.
        let shown = mynaflow::escape::visible_owned(a.file.display().to_string());
        fail_in(
            lang,
            &mynaflow::text!(
                "{shown} is not a design that can be drawn (not UTF-8, or a rulebook)";
                "{shown} は描ける設計ではありません (UTF-8 でないか、ルールブックです)"
            ),
        );
        return FAILURE;
    };
    let mynaflow::session::Analysis { design, graph, .. } = analysis;
    let owned = design;
    let design = &owned;
    let Some(rb) = design.rulebook.as_deref() else {
        print_fatal(&s, lang);
        fail_in(
            lang,
            &Text::new(
                "the design's rulebook could not be loaded, so its roles and rules are unknown",
                "設計のルールブックを読み込めないため、役割と規則が分かりません",
            ),
        );
        return FAILURE;
    };
    if let Some(item) = &a.options.item
        && find_item(design, item).is_none()
    {
        fail_in(lang, &unknown_item(design, item));
        return FAILURE;
    }
    if let Some(section) = &a.options.section
        && !rb.sections.iter().any(|x| &x.id == section)
    {
        let ids: Vec<&str> = rb.sections.iter().map(|x| x.id.as_str()).collect();
        let (name, en, ja) = (&rb.name, ids.join(", "), ids.join("、"));
        fail_in(
            lang,
            &mynaflow::text!(
                "the rulebook {name} has no section `{section}` (sections: {en})";
                "ルールブック {name} に「{section}」というセクションはありません (セクション: {ja})"
            ),
        );
        return FAILURE;
    }
    let reach = match &a.reach {
        Some(item) => match find_item(design, item) {
            Some(d) => Some(reach::reach(design, &graph, d)),
            None => {
                fail_in(lang, &unknown_item(design, item));
                return FAILURE;
            }
        },
        None => None,
    };
    // The picture is drawn from the design and the findings, not from the
    // graph: freed before the diagram is built (a large design's peak).
    drop(graph);
    let source = s.sources.get(checked.file);
    let out = match (a.format, &reach) {
        (GraphFormat::Json, Some(r)) => reach_json(design, r, source),
        (GraphFormat::Json, None) => {
            fail_in(
                lang,
                &Text::new(
                    "`--format json` needs `--reach ITEM` (the picture itself is DOT or Mermaid)",
                    "`--format json` には `--reach ITEM` が必要です (図そのものは DOT か Mermaid で描きます)",
                ),
            );
            return FAILURE;
        }
        (format, reach) => {
            let d = s.timings.time("diagram", || {
                let options = Options {
                    lang,
                    ..a.options.clone()
                };
                let mut d = diagram::build(design, source, &s.diagnostics, &options);
                if let Some(r) = reach {
                    d.focus(|x| r.touches(x), |f| r.flows.contains(&f));
                }
                d
            });
            // Written as it is made (tens of MB for a large design).
            // Only Mermaid's text is counted: it has a limit, DOT none.
            let mut mermaid = None;
            let written = s.timings.time("render+write", || {
                stdout::write_with(|out| match format {
                    GraphFormat::Mermaid => {
                        let mut counted = Counted::new(out);
                        let links = render::mermaid::write(&mut counted, &d, lang)?;
                        mermaid = Some((links, counted.chars));
                        Ok(())
                    }
                    _ => render::dot::write(out, &d, lang),
                })
            });
            if let Some((links, chars)) = mermaid {
                beyond_mermaid(links, chars, lang);
            }
            if a.timings {
                eprint!("{}", super::timings::table(&s.timings, lang));
            }
            if let Err(e) = written {
                return e.fail(lang);
            }
            // The process ends here: freeing a large picture and model
            // piece by piece cost a fiftieth of the run, and the system
            // takes the memory back at exit anyway.
            std::mem::forget(d);
            std::mem::forget(owned);
            return OK;
        }
    };
    let printed = stdout::print(&out);
    if a.timings {
        eprint!("{}", super::timings::table(&s.timings, lang));
    }
    match printed {
        Ok(()) => OK,
        Err(e) => e.fail(lang),
    }
}

/// The item named `name` (compared by name key).
fn find_item(design: &Design, name: &str) -> Option<DataId> {
    let want = mynaflow::names::key(name);
    (0..design.data.len())
        .map(|i| DataId::new(i as u32))
        .find(|&d| mynaflow::names::key(&design.item(d).name) == want)
}

/// Why `--item` or `--reach` names nothing, with the name meant if one
/// is close.
fn unknown_item(design: &Design, name: &str) -> Text {
    let names = design.data.iter().map(|d| d.name.as_str());
    match mynaflow::names::did_you_mean(name, names) {
        Some(n) => mynaflow::text!(
            "the design declares no data item `{name}` (did you mean `{n}`?)";
            "設計にデータ項目{}はありません ({}の誤りではありませんか？)", JaQuoted(name), JaQuoted(n)
        ),
        None => mynaflow::text!(
            "the design declares no data item `{name}`";
            "設計にデータ項目{}はありません", JaQuoted(name)
        ),
    }
}

/// The reach as JSON: the item, its origins, and every actor reached with
/// its path (one entry per hop: the flow's line and text, the actor reached).
fn reach_json(design: &Design, r: &Reach, source: &SourceFile) -> String {
    let text = source.text.as_str();
    use serde_json::json;
    let rb = design.rulebook.as_deref();
    let actor = |a: mynaflow::model::ActorId| {
        let x = design.actor(a);
        let role = match (rb, x.role.id) {
            (Some(rb), Some(id)) => Some(rb.role(id).name.clone()),
            _ => None,
        };
        json!({
            "name": mynaflow::escape::visible(&x.name),
            "role": role,
        })
    };
    let line = |f: mynaflow::model::FlowId| source.line_col(design.flow(f).span.start as usize).0;
    let reached: Vec<_> = r
        .reached
        .iter()
        .map(|x| {
            let path: Vec<_> = r
                .path(x.actor)
                .into_iter()
                .map(|(f, to)| {
                    json!({
                        "line": line(f),
                        "flow": mynaflow::escape::visible(&design.flow(f).text(text)),
                        "to": mynaflow::escape::visible(&design.actor(to).name),
                    })
                })
                .collect();
            let mut a = actor(x.actor);
            a["origin"] = json!(x.from.is_none());
            a["hops"] = json!(x.hops);
            a["path"] = json!(path);
            a
        })
        .collect();
    let unreached: Vec<_> = (0..design.actors.len())
        .map(|i| mynaflow::model::ActorId::new(i as u32))
        .filter(|a| !r.touches(*a))
        .map(actor)
        .collect();
    let v = json!({
        "file": mynaflow::escape::visible(&source.name),
        "item": mynaflow::escape::visible(&design.item(r.item).name),
        "origins": r.origins.iter().map(|a| actor(*a)).collect::<Vec<_>>(),
        "reached": reached,
        "unreached": unreached,
    });
    let out = serde_json::to_string_pretty(&v).unwrap_or_default();
    let mut out = mynaflow::escape::json_no_legacy_command(out);
    out.push('\n');
    out
}

/// Warns when a Mermaid picture is past what Mermaid draws by default
/// (GitHub's Markdown among the renderers that keep its limits): it would
/// show an error where the picture should be.
fn beyond_mermaid(links: usize, chars: usize, lang: Lang) {
    use render::mermaid::{MAX_EDGES, MAX_TEXT};
    if links <= MAX_EDGES && chars <= MAX_TEXT {
        return;
    }
    let note = mynaflow::text!(
        "mynaflow: note: this Mermaid picture has {links} links and {chars} characters; Mermaid draws at most {MAX_EDGES} links and {MAX_TEXT} characters unless configured otherwise (GitHub keeps these limits): draw a part with --only mynumber, --item or --section, or use --format dot";
        "mynaflow: 注記: この Mermaid の図はリンク {links} 本、{chars} 文字です。Mermaid は設定を変えない限りリンク {MAX_EDGES} 本、{MAX_TEXT} 文字までしか描きません (GitHub もこの上限です)。--only mynumber、--item、--section で一部を描くか、--format dot を使ってください"
    );
    eprintln!("{}", note.get(lang));
}

/// A writer that counts the characters written through it (UTF-8: every
/// byte that does not continue a character).
struct Counted<W> {
    inner: W,
    chars: usize,
}

impl<W> Counted<W> {
    fn new(inner: W) -> Self {
        Counted { inner, chars: 0 }
    }
}

impl<W: std::io::Write> std::io::Write for Counted<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.chars += buf
            .get(..n)
            .unwrap_or_default()
            .iter()
            .filter(|&&b| b & 0xC0 != 0x80)
            .count();
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}
