//! The verdict on providing ordinary personal data: is there an `allow` of
//! an ordinary section for this purpose between these roles?

use crate::model::*;

/// Why no rule allows a provision of ordinary personal data.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ProvisionRefusal {
    /// MN202: the purpose is declared for internal use only (no rule names it).
    InternalOnly,
    /// MN202: rules by which the society provides for the purpose name
    /// other data than this item's category: these rules (those to the
    /// receiver's role when there are any).
    OtherData(Vec<RuleId>),
    /// MN202: rules name the purpose, but none from this sender's role.
    NotFromSender,
    /// MN202: the rule between these roles requires a channel not passed.
    WrongChannel(RuleId),
    /// MN203: the purpose allows provision, but to the receivers of these rules.
    OtherReceivers(Vec<RuleId>),
}

/// What the rulebook says of one provision of ordinary personal data by
/// the society.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ProvisionVerdict {
    /// A rule allows it.
    Allowed(RuleId),
    /// No rule does, and why.
    Refused(ProvisionRefusal),
}

/// Evaluates a provision of a `category` item from `from` to `to` for `purpose`.
pub fn evaluate_provision(
    rb: &Rulebook,
    from: RoleId,
    to: RoleId,
    category: CategoryId,
    purpose: PurposeId,
    passed: &[RoleId],
) -> ProvisionVerdict {
    use ProvisionRefusal::*;
    let naming = rb.ordinary_rules_for(purpose);
    if naming.is_empty() {
        return ProvisionVerdict::Refused(InternalOnly);
    }
    let (rules, other_data): (Vec<RuleId>, Vec<RuleId>) = naming.into_iter().partition(|r| {
        rb.rule(*r)
            .categories
            .iter()
            .any(|c| rb.covers(*c, category))
    });
    if rules.is_empty() {
        return ProvisionVerdict::Refused(providing_other_data(rb, from, to, other_data));
    }
    let mut wrong_channel = None;
    for &id in &rules {
        if rb.rule_matches_roles(id, from, to) {
            if rb.rule_channel_passed(id, passed) {
                return ProvisionVerdict::Allowed(id);
            }
            wrong_channel.get_or_insert(id);
        }
    }
    if let Some(id) = wrong_channel {
        return ProvisionVerdict::Refused(WrongChannel(id));
    }
    let from_sender: Vec<RuleId> = rules
        .into_iter()
        .filter(|r| rb.role_covers(rb.rule(*r).from, from))
        .collect();
    ProvisionVerdict::Refused(if from_sender.is_empty() {
        NotFromSender
    } else {
        OtherReceivers(from_sender)
    })
}

/// Why a provision of data no rule for the purpose names is refused. Only
/// a rule by which the sender's role provides says what may be provided
/// for the purpose: one by which the society receives (kenpo 8(2),
/// オンライン資格確認等システム -> 組合) says nothing of what it may give,
/// and citing it would tell the user to send data the notice only lets
/// the society receive. Rules to the receiver's role come first: theirs
/// is the data that may go to this party.
fn providing_other_data(
    rb: &Rulebook,
    from: RoleId,
    to: RoleId,
    other_data: Vec<RuleId>,
) -> ProvisionRefusal {
    let from_sender: Vec<RuleId> = (other_data.into_iter())
        .filter(|r| rb.role_covers(rb.rule(*r).from, from))
        .collect();
    if from_sender.is_empty() {
        return ProvisionRefusal::NotFromSender;
    }
    let to_receiver: Vec<RuleId> = (from_sender.iter().copied())
        .filter(|r| rb.role_covers(rb.rule(*r).to, to))
        .collect();
    ProvisionRefusal::OtherData(match to_receiver.is_empty() {
        true => from_sender,
        false => to_receiver,
    })
}
