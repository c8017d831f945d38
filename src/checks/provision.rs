//! The verdict on providing ordinary personal data: is there an `allow` of
//! an ordinary section for this purpose between these roles?

use super::rule_lists::RuleLists;
use crate::model::*;
use std::sync::Arc;

/// Why no rule allows a provision of ordinary personal data.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ProvisionRefusal {
    /// MN202: the purpose is declared for internal use only (no rule names it).
    InternalOnly,
    /// MN202: rules by which the society provides for the purpose name
    /// other data than this item's category: these rules (those to the
    /// receiver's role when there are any).
    OtherData(Arc<[RuleId]>),
    /// MN202: rules name the purpose, but none from this sender's role.
    NotFromSender,
    /// MN202: the rule between these roles requires a channel not passed.
    WrongChannel(RuleId),
    /// MN203: the purpose allows provision, but to the receivers of these
    /// rules (one list shared by the refusals that name it).
    OtherReceivers(Arc<[RuleId]>),
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
    evaluate_provision_in(
        &mut RuleLists::for_one(rb),
        from,
        to,
        category,
        purpose,
        passed,
    )
}

/// [`evaluate_provision`] with the rule lists of the judging so far.
pub(crate) fn evaluate_provision_in(
    lists: &mut RuleLists,
    from: RoleId,
    to: RoleId,
    category: CategoryId,
    purpose: PurposeId,
    passed: &[RoleId],
) -> ProvisionVerdict {
    use ProvisionRefusal::*;
    let rb = lists.rb();
    let data = |r: RuleId| (rb.rule(r).categories.iter()).any(|c| rb.covers(*c, category));
    // The rule that allows it is the first for the data between these
    // roles whose way was taken: among the few to this receiver or for
    // this purpose when many rules name the purpose, found before the
    // purpose's rules are listed (on a deep tree of purposes, the list
    // of each is as long as the tree is deep).
    let fits = |id: RuleId| {
        rb.rule_allows_purpose(id, purpose)
            && data(id)
            && rb.rule_matches_roles(id, from, to)
            && rb.rule_channel_passed(id, passed)
    };
    if let Some(id) = lists.first_fitting(false, to, purpose, None, fits) {
        return ProvisionVerdict::Allowed(id);
    }
    let naming = lists.naming(purpose);
    if naming.is_empty() {
        return ProvisionVerdict::Refused(InternalOnly);
    }
    lists.weighed += naming.len() as u64;
    let (rules, other_data): (Vec<RuleId>, Vec<RuleId>) =
        naming.iter().copied().partition(|r| data(*r));
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
    match lists.of_sender(purpose, category, from, &rules) {
        None => ProvisionVerdict::Refused(NotFromSender),
        Some(from_sender) => ProvisionVerdict::Refused(OtherReceivers(from_sender)),
    }
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
        true => from_sender.into(),
        false => to_receiver.into(),
    })
}
