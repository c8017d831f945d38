//! The stable diagnostic codes and what each is.

use crate::text::Text;
use std::fmt;

/// How bad a finding is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// Fails the run (exit status 1).
    Error,
    /// Reported; fails the run only with `--deny warnings`.
    Warning,
}

impl Severity {
    /// `error` or `warning`, as in JSON output.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

macro_rules! codes {
    ($($code:ident $sev:ident $slug:literal;)*) => {
        /// A diagnostic code. Codes are stable: a code is never reused for
        /// another meaning.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Code { $(
            #[doc = $slug]
            $code,
        )* }

        impl Code {
            /// Every code, in order.
            pub const ALL: &'static [Code] = &[$(Code::$code),*];

            /// `MN102`.
            pub fn as_str(self) -> &'static str {
                match self { $(Code::$code => stringify!($code)),* }
            }

            /// The severity a finding with this code has.
            pub fn severity(self) -> Severity {
                match self { $(Code::$code => Severity::$sev),* }
            }

            /// A short kebab-case name, e.g. `wrong-direction`.
            pub fn slug(self) -> &'static str {
                match self { $(Code::$code => $slug),* }
            }
        }
    };
}

codes! {
    MN001 Error "syntax-error";
    MN002 Error "unterminated";
    MN003 Warning "full-width-syntax";
    MN004 Error "invisible-character";
    MN005 Error "not-utf8";
    MN010 Error "undefined-name";
    MN011 Error "duplicate-definition";
    MN012 Warning "unused-declaration";
    MN013 Error "rulebook-not-found";
    MN014 Warning "inconsistent-spelling";
    MN015 Error "second-rulebook-header";
    MN016 Error "duplicate-section";
    MN017 Error "misplaced-statement";
    MN018 Error "wrong-kind-of-name";
    MN019 Error "cyclic-tree";
    MN101 Error "no-legal-basis";
    MN102 Error "wrong-direction";
    MN103 Error "wrong-purpose";
    MN104 Error "wrong-channel";
    MN105 Error "wrong-parties";
    MN201 Error "no-purpose";
    MN202 Error "purpose-not-for-provision";
    MN203 Error "wrong-recipient";
    MN301 Error "unregistered-contractor";
    MN302 Error "re-entrusting";
    MN303 Warning "missing-clauses";
    MN401 Error "dangling-carrier-hop";
    MN402 Error "purpose-drift";
    MN501 Error "bad-suppression";
    MN502 Warning "expired-suppression";
    MN503 Warning "unused-suppression";
    MN601 Warning "outdated-citation";
    MN602 Error "register-without-contractor-role";
    MN603 Warning "redundant-rule";
    MN604 Warning "unassigned-purpose";
}

impl Code {
    /// Looks a code up by its name, case-insensitively (`mn102` works too).
    /// Full-width too (`ＭＮ１０２`, as an input method types it), read as
    /// its NFKC ([`half_width`]).
    pub fn parse(s: &str) -> Option<Code> {
        // Trimmed once, not once per code compared (a design with a
        // hundred thousand suppressions parses as many codes).
        let s = half_width(s.trim());
        Code::ALL
            .iter()
            .copied()
            .find(|c| c.as_str().eq_ignore_ascii_case(&s))
    }
}

/// A code or selector as typed, read as its NFKC: `ＭＮ１０２` (full-width,
/// as a Japanese input method types it) is `MN102`. ASCII is taken as it
/// is, without a copy.
pub fn half_width(s: &str) -> std::borrow::Cow<'_, str> {
    use unicode_normalization::UnicodeNormalization;
    match s.is_ascii() {
        true => std::borrow::Cow::Borrowed(s),
        false => std::borrow::Cow::Owned(s.nfkc().collect::<String>().trim().to_string()),
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Code {
    /// Whether a finding of this code means its design was not checked
    /// (its file is not text: MN005; its rulebook could not be loaded:
    /// MN013), so that nothing is known of its flows. A run that has one
    /// could not do its job (exit status 2, LANGUAGE.md §4): `check`
    /// fails whatever it shows or filters (no baseline excuses it:
    /// [`crate::suppress::UNSUPPRESSIBLE`]), and `test` fails whatever
    /// the design expects.
    pub fn leaves_design_unchecked(self) -> bool {
        matches!(self, Code::MN005 | Code::MN013)
    }

    /// Whether a finding of this code stops the checks of what it is
    /// about: a syntax or name error (an MN0xx error) leaves its statement
    /// unread or a name in it unresolved, so that no check judges the flow
    /// behind it. A filter (`select`, `ignore`, `per-file-ignores`) that
    /// hides one hides those checks too: the run still fails on it. The
    /// codes that leave the whole design unchecked
    /// ([`Code::leaves_design_unchecked`]) are not among them: they fail
    /// the run harder (exit status 2).
    pub fn stops_checks(self) -> bool {
        self.as_str().starts_with("MN0")
            && self.severity() == Severity::Error
            && !self.leaves_design_unchecked()
    }

    /// Whether this code judges a design's flows against its rulebook:
    /// the My Number exchanges (MN1xx), purposes of use (MN2xx),
    /// delegation (MN3xx) and the graph checks (MN4xx). The others judge
    /// a design's text and names (MN0xx), its suppressions (MN5xx) or the
    /// rulebooks it uses (MN6xx): a config that leaves only those passes
    /// any flow, so it checks nothing a gate is for.
    pub fn judges_flows(self) -> bool {
        matches!(self.as_str().get(..3), Some("MN1" | "MN2" | "MN3" | "MN4"))
    }

    /// A one-line title in both languages: the heading of its explain text
    /// (`# MN102 — wrong direction`), so the title is written once.
    pub fn title(self) -> Text {
        let heading = |lang| {
            let doc = self.explain(lang);
            let first = doc.lines().next().unwrap_or_default();
            first
                .split_once('—')
                .map_or(first, |(_, t)| t)
                .trim()
                .to_string()
        };
        Text {
            en: heading(crate::text::Lang::En),
            ja: heading(crate::text::Lang::Ja),
        }
    }

    /// The `mynaflow explain` text (Markdown): what it means, why, an
    /// example, how to fix.
    pub fn explain(self, lang: crate::text::Lang) -> &'static str {
        crate::explain::text(self, lang)
    }
}
