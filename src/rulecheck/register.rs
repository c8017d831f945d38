//! MN602: register rows, but no role whose actors are matched against them.

use crate::code::Code;
use crate::diagnostic::Diagnostic;
use crate::model::{RoleKind, Rulebook};
use crate::text::Text;

/// MN602 on the first register row when no role is marked `contractor`.
pub(crate) fn check(rb: &Rulebook) -> Vec<Diagnostic> {
    let Some(first) = rb.contractors.first() else {
        return Vec::new();
    };
    if rb.roles_of_kind(RoleKind::Contractor).next().is_some() {
        return Vec::new();
    }
    vec![
        Diagnostic::new(
            Code::MN602,
            first.span,
            Text::new(
                "the rulebook registers contractors, but no role is marked `contractor`",
                "委託先を登録していますが、`contractor` の付いた役割がありません",
            ),
        )
        .with_primary_label(Text::new(
            "no actor is ever matched against this row",
            "この行と照合されるアクターはありません",
        ))
        .with_note(Text::new(
            "only actors of a `contractor` role are matched against the register; without one, no entrusting is ever checked",
            "委託先一覧と照合されるのは `contractor` の役割のアクターだけです。その役割がないと、委託は一つも検査されません",
        ))
        .with_help(Text::new(
            "mark the role whose actors are contractors: `role NAME contractor \"label\"`, or register a role with `contractor role NAME for ...`",
            "委託先のアクターの役割に印を付けてください: `role 名前 contractor \"ラベル\"`。または `contractor role 名前 for ...` で役割を登録してください",
        )),
    ]
}
