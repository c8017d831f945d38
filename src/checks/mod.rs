//! The checks: each a function from the model and graph to typed findings
//! ([`Finding`]), in a file named after what it checks. The wording layer
//! ([`crate::wording`]) turns findings into diagnostics.

mod carrier;
mod delegation;
mod drift;
mod exchange;
mod finding;
mod holdings;
mod judged;
mod own_side;
mod provision;
mod purpose;
mod rule_lists;
mod rules_by_span;

pub use delegation::{DelegationOptions, PassedOn};
pub use exchange::{Miss, MyNumberRefusal, MyNumberVerdict, evaluate_exchange};
pub use finding::{Finding, Hop, Onward, Trail, WITNESS_HOPS, Witness};
pub use holdings::{Held, Holdings};
pub(crate) use own_side::{End, Turns, on_own_side, own_side_of, same_legal_person, way};
pub use provision::{ProvisionRefusal, ProvisionVerdict, evaluate_provision};

use crate::graph::{Exchange, FlowGraph, TransferId};
use crate::model::*;
use rayon::prelude::*;
use std::borrow::Cow;
use std::ops::Range;
use std::time::{Duration, Instant};

/// An exchange a verdict can be given on ([`Ctx::judgeable`]).
struct Judgeable<'e> {
    /// Its index in `graph.exchanges`.
    index: usize,
    /// The exchange.
    exchange: &'e Exchange,
    /// The sender's role.
    from: RoleId,
    /// The receiver's role.
    to: RoleId,
    /// The item's category.
    category: CategoryId,
    /// Its purpose.
    purpose: PurposeId,
}

/// Options of the checks (from `mynaflow.toml`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CheckOptions {
    /// Delegation (MN3xx).
    pub delegation: DelegationOptions,
}

/// What every check reads.
pub struct Ctx<'a> {
    /// The resolved design.
    pub design: &'a Design,
    /// Its rulebook.
    pub rb: &'a Rulebook,
    /// Its graph.
    pub graph: &'a FlowGraph,
    /// Each actor's role and kind, asked of most exchanges by most checks.
    actors: ActorTable,
    /// What each of the society's systems holds: on a large design whose
    /// MN402 reads it, computed on every core before the checks; otherwise
    /// when a check first asks ([`Ctx::holdings`]), as verdicts alone
    /// never need it.
    holdings: std::sync::OnceLock<Holdings>,
}

impl<'a> Ctx<'a> {
    /// The context of a design whose rulebook loaded (None otherwise).
    pub fn new(design: &'a Design, graph: &'a FlowGraph) -> Option<Ctx<'a>> {
        let rb = design.rulebook.as_deref()?;
        Some(Ctx {
            design,
            rb,
            graph,
            actors: ActorTable::of(design),
            holdings: std::sync::OnceLock::new(),
        })
    }

    /// What each of the society's systems holds. Checks side by side may
    /// ask at once: one computes, the others wait. `Holdings::compute`
    /// starts no parallel work, so the thread computing never picks up a
    /// check that would wait on this same cell.
    pub fn holdings(&self) -> &Holdings {
        self.holdings
            .get_or_init(|| Holdings::compute(self.design, self.graph))
    }

    fn role_of(&self, a: ActorId) -> Option<RoleId> {
        self.actors.role(a)
    }

    fn kind(&self, a: ActorId) -> Option<RoleKind> {
        self.actors.kind(a)
    }

    /// The exchanges `among` (indices into `graph.exchanges`, in order)
    /// of 特定個人情報 (`mynumber`) or of ordinary data that a verdict can
    /// be given on: with a purpose, both parties' roles and the item's
    /// category known. MN101–105 judge the first, MN202/203 the second.
    fn judgeable(
        &self,
        among: impl IntoIterator<Item = usize>,
        mynumber: bool,
    ) -> impl Iterator<Item = Judgeable<'_>> {
        let exchanges = &self.graph.exchanges;
        among.into_iter().filter_map(move |index| {
            let exchange = exchanges.get(index)?;
            let (item, purpose) = exchange.payload;
            // The kind of data first: it skips most exchanges before any
            // role is looked up.
            if self.design.is_mynumber(item) != mynumber {
                return None;
            }
            Some(Judgeable {
                index,
                exchange,
                purpose: purpose?,
                from: self.role_of(exchange.sender)?,
                to: self.role_of(exchange.receiver)?,
                category: self.design.item(item).category.id?,
            })
        })
    }

    /// The exchange as a finding shows it (None for one without a purpose).
    fn trail(&self, ex: &Exchange) -> Option<Trail> {
        let route = self.graph.route(ex);
        self.trail_ending(ex, &route, route.len().saturating_sub(1), ex.receiver)
    }

    /// The exchange as a finding shows it, taken to end at `receiver` on
    /// the transfer `route[at]` (the transfers before it its earlier hops).
    fn trail_ending(
        &self,
        ex: &Exchange,
        route: &[TransferId],
        at: usize,
        receiver: ActorId,
    ) -> Option<Trail> {
        let (item, purpose) = ex.payload;
        Some(Trail {
            sender: ex.sender,
            receiver,
            item,
            purpose: purpose?,
            // Ended at an actor on the way, the exchange passes what
            // comes before it (see `passed_before`).
            passed: match receiver == ex.receiver {
                true => self.passed_judged(ex).into_owned(),
                false => self.passed_before(route.get(..=at)?, receiver),
            },
            last: *route.get(at)?,
            earlier: (route.get(..at)?.iter())
                .map(|&t| self.hop(t, item, purpose))
                .collect(),
            senders: ex.senders,
        })
    }

    /// The roles passed on the way of an exchange between its own two
    /// ends that the rules judge: those of `ex.passed`, less a party's or
    /// a contractor's role whose every actor on the way stands on one
    /// end's own side ([`own_side_of`]: a municipality's 統合宛名システム
    /// between it and the society; on a flow the society sends, a
    /// contractor registered for the purpose, which handles the data for
    /// the society as the hops would say), and less a carrier's role
    /// passed only before the sender's own side or after the receiver's
    /// ([`Turns`]: written flow by flow, the exchange would not pass it).
    /// A third organisation of the ends' role is judged
    /// ([`Rulebook::rule_channel_passed`]).
    fn passed_judged<'e>(&self, ex: &'e Exchange) -> Cow<'e, [RoleId]> {
        if !self.may_stand_on_a_side(ex) {
            return Cow::Borrowed(&ex.passed[..]);
        }
        self.roles_judged(ex, &self.turns(ex))
    }

    /// [`Ctx::passed_judged`] of an exchange whose way, sides and turns are
    /// `walked` ([`Ctx::turns`]).
    fn roles_judged<'e>(&self, ex: &'e Exchange, walked: &Walked) -> Cow<'e, [RoleId]> {
        let (way, sides, turns) = walked;
        let kind = |r: RoleId| self.rb.role(r).kind;
        // The roles of the actors on the way the rules judge.
        let mut judged: Vec<RoleId> = Vec::new();
        for (i, (&(_, a), side)) in way.iter().zip(sides).enumerate() {
            let Some(role) = self.role_of(a) else {
                continue;
            };
            let counts = match kind(role) {
                RoleKind::Party | RoleKind::Contractor => side.is_none(),
                RoleKind::Carrier => turns.between(i),
                _ => false,
            };
            if counts && !judged.contains(&role) {
                judged.push(role);
            }
        }
        let ordered = |r: RoleId| {
            matches!(
                kind(r),
                RoleKind::Party | RoleKind::Contractor | RoleKind::Carrier
            )
        };
        let kept: Vec<RoleId> = (ex.passed.iter().copied())
            .filter(|&r| !ordered(r) || judged.contains(&r))
            .collect();
        if kept.len() == ex.passed.len() {
            Cow::Borrowed(&ex.passed[..])
        } else {
            Cow::Owned(kept)
        }
    }

    /// How the verdict on an exchange between a party and the society (or
    /// two parties) reads its way, walked once: the party out of turn it
    /// is judged to end at ([`Ctx::party_out_of_turn`]), with the roles
    /// passed before it, or else the roles the rules judge
    /// ([`Ctx::passed_judged`]). `to` is the receiver's role.
    fn judged_way<'e>(&self, ex: &'e Exchange, to: RoleId) -> (RoleId, Cow<'e, [RoleId]>) {
        if !self.may_stand_on_a_side(ex) {
            return (to, Cow::Borrowed(&ex.passed[..]));
        }
        let walked = self.turns(ex);
        match self.out_of_turn_on(&walked) {
            Some((at, actor, party)) => (party, self.passed_to(ex, at, actor)),
            None => (to, self.roles_judged(ex, &walked)),
        }
    }

    /// May an actor on the way of `ex` stand on one end's own side
    /// ([`own_side_of`]), by the roles it passes: a system of the society,
    /// a contractor, or a party of an end's own role. Without one, every
    /// actor on the way is judged and stands between the ends. The roles
    /// first: most exchanges pass carriers only, and 4(3)'s pass
    /// オンライン資格確認等システム, of neither end's role.
    fn may_stand_on_a_side(&self, ex: &Exchange) -> bool {
        let ends = [self.role_of(ex.sender), self.role_of(ex.receiver)];
        ex.passed.iter().any(|&r| match self.rb.role(r).kind {
            RoleKind::SelfOrg | RoleKind::Contractor => true,
            RoleKind::Party => ends.contains(&Some(r)),
            _ => false,
        })
    }

    /// The way of an exchange ([`way`]), the side each actor on it stands
    /// on ([`own_side_of`]) and where the ends' own sides turn ([`Turns`]).
    fn turns(&self, ex: &Exchange) -> Walked {
        let way = way(self.design, self.graph, &self.graph.route(ex));
        let sides: Vec<Option<End>> = (way.iter())
            .map(|&(_, a)| {
                own_side_of(
                    self.design,
                    self.rb,
                    a,
                    (ex.sender, ex.receiver),
                    ex.payload.1,
                )
            })
            .collect();
        let turns = Turns::of(&sides);
        (way, sides, turns)
    }

    /// The first party on the way of an exchange between a party and the
    /// society (or two parties) that stands out of turn: before the
    /// sender's own side or after the receiver's, on no end's side
    /// ([`Turns`]). The data reaches it off the way between the two ends,
    /// so, as the same route written as hops would be, the exchange is
    /// judged as one with it: `基幹 -> 支払基金 via オン資, 適用` hands the
    /// data to オン資 and takes it back into the society. With the
    /// transfer that passes it and its role.
    fn party_out_of_turn(&self, ex: &Exchange) -> Option<(TransferId, ActorId, RoleId)> {
        if !self.may_stand_on_a_side(ex) {
            return None;
        }
        self.out_of_turn_on(&self.turns(ex))
    }

    /// [`Ctx::party_out_of_turn`] on a way walked ([`Ctx::turns`]).
    fn out_of_turn_on(
        &self,
        (way, sides, turns): &Walked,
    ) -> Option<(TransferId, ActorId, RoleId)> {
        let party =
            |r: RoleId| matches!(self.rb.role(r).kind, RoleKind::Party | RoleKind::Contractor);
        (way.iter().zip(sides).enumerate()).find_map(|(i, (&(t, a), side))| {
            let role = self.role_of(a)?;
            (party(role) && side.is_none() && !turns.between(i)).then_some((t, a, role))
        })
    }

    /// The exchange as a refusal of it shows it: ended at the party it is
    /// judged to reach on its way, if any (an internal exchange at a party
    /// on the way, [`Ctx::party_on_the_way`]; any other at a party out of
    /// turn, [`Ctx::party_out_of_turn`]).
    fn trail_judged(&self, ex: &Exchange, internal: bool) -> Option<Trail> {
        let early = match internal {
            true => self.party_on_the_way(ex),
            false => self.party_out_of_turn(ex),
        };
        match early {
            Some((at, party, _)) => self.trail_to(ex, at, party),
            None => self.trail(ex),
        }
    }

    /// The first party an exchange passes on its way (in `via`) that is
    /// neither a system of the society, a carrier nor the person: the
    /// data is provided to it there, so an exchange between two of the
    /// society's systems through it is a provision to it (as the same
    /// route written as hops would be). With the transfer that passes it.
    fn party_on_the_way(&self, ex: &Exchange) -> Option<(TransferId, ActorId, RoleId)> {
        let party = |r: &RoleId| {
            !matches!(
                self.rb.role(*r).kind,
                RoleKind::SelfOrg | RoleKind::Carrier | RoleKind::Subject
            )
        };
        if !ex.passed.iter().any(party) {
            return None;
        }
        self.graph.route(ex).into_iter().find_map(|t| {
            self.graph.transfer(t).via(self.design).find_map(|a| {
                let role = self.role_of(a)?;
                party(&role).then_some((t, a, role))
            })
        })
    }

    /// The roles an exchange passes before it reaches `receiver`, an actor
    /// in the `via` of the last transfer of `route` (a prefix of its
    /// route): the carriers its earlier hops meet and the actors listed
    /// before. Judged as provision to an actor on its way, the exchange
    /// ends there: what it passes after is not on that provision's way.
    fn passed_before(&self, route: &[TransferId], receiver: ActorId) -> Vec<RoleId> {
        let mut roles = Vec::new();
        'route: for (i, &t) in route.iter().enumerate() {
            if i > 0 {
                roles.extend(self.role_of(self.graph.ends(t).0));
            }
            for a in self.graph.transfer(t).via(self.design) {
                if i + 1 == route.len() && a == receiver {
                    break 'route;
                }
                roles.extend(self.role_of(a));
            }
        }
        roles.sort();
        roles.dedup();
        roles
    }

    /// [`Ctx::passed_before`] the actor `party` on the transfer `at` of
    /// the exchange's route.
    fn passed_to(&self, ex: &Exchange, at: TransferId, party: ActorId) -> Cow<'static, [RoleId]> {
        let route = self.graph.route(ex);
        let end = route
            .iter()
            .position(|&t| t == at)
            .map_or(route.len(), |i| i + 1);
        Cow::Owned(self.passed_before(&route[..end], party))
    }

    /// The exchange as a finding shows it, taken to end at `receiver`, an
    /// actor it passes on the transfer `at` of its route.
    fn trail_to(&self, ex: &Exchange, at: TransferId, receiver: ActorId) -> Option<Trail> {
        let route = self.graph.route(ex);
        let at = route.iter().position(|&t| t == at)?;
        self.trail_ending(ex, &route, at, receiver)
    }

    /// The contractors an exchange passes on its way (in `via`), each
    /// with the transfer that passes it, in the order of its route: each
    /// handles the data there, as the same route written as hops would
    /// hand it to them, so each must be registered for the purpose as a
    /// receiver must (MN301).
    fn contractors_on_the_way(&self, ex: &Exchange) -> Vec<(TransferId, ActorId)> {
        self.on_the_way(ex, |k| k == RoleKind::Contractor)
    }

    /// The actors an exchange passes on its way (in `via`) whose role's
    /// kind `kind` accepts, each with the transfer that passes it, in the
    /// order of its route.
    fn on_the_way(
        &self,
        ex: &Exchange,
        kind: impl Fn(RoleKind) -> bool,
    ) -> Vec<(TransferId, ActorId)> {
        let wanted = |r: RoleId| kind(self.rb.role(r).kind);
        // The roles first: most exchanges pass carriers only.
        if !ex.passed.iter().any(|&r| wanted(r)) {
            return Vec::new();
        }
        let mut out = Vec::new();
        for t in self.graph.route(ex) {
            for a in self.graph.transfer(t).via(self.design) {
                if self.role_of(a).is_some_and(wanted) {
                    out.push((t, a));
                }
            }
        }
        out
    }

    fn hop(&self, t: TransferId, item: DataId, purpose: Option<PurposeId>) -> Hop {
        let (from, to) = self.graph.ends(t);
        Hop {
            transfer: t,
            from,
            to,
            item,
            purpose,
        }
    }

    /// How `item` reached `actor`, hop by hop, the [`WITNESS_HOPS`]
    /// nearest `actor` at most (see [`Holdings::witness`]).
    fn witness(&self, actor: ActorId, item: DataId, purpose: Option<PurposeId>) -> Witness {
        let (path, longer) =
            (self.holdings()).witness(self.design, self.graph, actor, item, purpose, WITNESS_HOPS);
        Witness {
            hops: (path.into_iter())
                .map(|(t, p)| self.hop(t, item, Some(p)))
                .collect(),
            longer,
        }
    }
}

/// An exchange's way as the verdicts read it ([`Ctx::turns`]): the actors
/// passed with their transfers, the side each stands on, and the turns.
type Walked = (Vec<(TransferId, ActorId)>, Vec<Option<End>>, Turns);

/// The verdict on every exchange of 特定個人情報 that MN1xx judges (provision,
/// not internal use), as indices into `graph.exchanges`. Empty when the
/// design has no rulebook.
pub fn mynumber_verdicts(design: &Design, graph: &FlowGraph) -> Vec<(usize, MyNumberVerdict)> {
    Ctx::new(design, graph).map_or_else(Vec::new, |ctx| exchange::verdicts(&ctx))
}

/// The verdict on every provision of ordinary personal data by the society
/// that MN202/MN203 judge, as indices into `graph.exchanges`. Empty when the
/// design has no rulebook.
pub fn provision_verdicts(design: &Design, graph: &FlowGraph) -> Vec<(usize, ProvisionVerdict)> {
    Ctx::new(design, graph).map_or_else(Vec::new, |ctx| purpose::provisions(&ctx))
}

/// The delegation checks' findings on exchanges (MN301, MN302), given the
/// verdicts the checks gave ([`mynumber_verdicts`], [`provision_verdicts`]):
/// exchanges a rule allows that are unlawful all the same. Empty when the
/// design has no rulebook.
pub fn delegation_findings(
    design: &Design,
    graph: &FlowGraph,
    mynumber: &[(usize, MyNumberVerdict)],
    provisions: &[(usize, ProvisionVerdict)],
) -> Vec<Finding> {
    Ctx::new(design, graph).map_or_else(Vec::new, |ctx| {
        delegation::on_exchanges(&ctx, mynumber, provisions)
    })
}

/// Exchanges told apart as MN301 and MN302 tell them: by their last
/// transfer, receiver and purpose.
pub type Refusals = rustc_hash::FxHashSet<(TransferId, ActorId, PurposeId)>;

/// The exchanges MN301 and MN302 report among `findings` (those of
/// [`delegation_findings`], or every finding of the checks): exchanges a
/// rule may allow that are unlawful all the same.
pub fn delegation_refusals(findings: &[Finding]) -> Refusals {
    (findings.iter())
        .filter_map(|f| match f {
            Finding::Unregistered { trail, .. } | Finding::OnwardTransfer { trail, .. } => {
                Some((trail.last, trail.receiver, trail.purpose))
            }
            _ => None,
        })
        .collect()
}

/// What the delegation checks say of a design's 特定個人情報, exchange by
/// exchange, for the inventory (as [`delegation_of_mynumber`] gives it).
#[derive(Debug, Default)]
pub struct Delegated {
    /// The exchanges a `mynumber` rule allows that MN301 reports: their
    /// receiver is a contractor not registered for the purpose. Indices
    /// into `graph.exchanges`, in order.
    pub unregistered: Vec<usize>,
    /// Every exchange a contractor sends on to another contractor or to a
    /// party, with what MN302 says of it, in order.
    pub passed_on: Vec<(usize, PassedOn)>,
    /// The contractors MN303 reports, in the design's order.
    pub clauses_missing: Vec<ActorId>,
}

/// What MN301, MN302 and MN303 say of every exchange of 特定個人情報 (not
/// one finding per flow: each exchange), given the `mynumber` verdicts
/// ([`mynumber_verdicts`]). Empty when the design has no rulebook.
pub fn delegation_of_mynumber(
    design: &Design,
    graph: &FlowGraph,
    mynumber: &[(usize, MyNumberVerdict)],
    options: DelegationOptions,
) -> Delegated {
    let Some(ctx) = Ctx::new(design, graph) else {
        return Delegated::default();
    };
    let (unregistered, passed_on) = delegation::of_mynumber(&ctx, mynumber);
    Delegated {
        unregistered,
        passed_on,
        clauses_missing: delegation::missing_clauses_of(&ctx, options),
    }
}

/// The exchanges MN402 reports (a use beyond purpose inside the society),
/// as indices into `graph.exchanges` in order, given what each system
/// holds; on every core when `par`. Empty when the design has no rulebook.
pub fn beyond_purpose(
    design: &Design,
    graph: &FlowGraph,
    holdings: &Holdings,
    par: bool,
) -> Vec<usize> {
    Ctx::new(design, graph).map_or_else(Vec::new, |ctx| {
        drift::beyond_purpose_among(&ctx, holdings, par)
    })
}

/// The verdicts on some exchanges, as indices into `graph.exchanges`.
#[derive(Debug, Default)]
pub struct Verdicts {
    /// Exchanges of 特定個人情報, as [`mynumber_verdicts`] judges them.
    pub mynumber: Vec<(usize, MyNumberVerdict)>,
    /// Provisions of personal data, as [`provision_verdicts`] judges them.
    pub provisions: Vec<(usize, ProvisionVerdict)>,
}

/// [`mynumber_verdicts`] and [`provision_verdicts`] of the exchanges
/// `among` only (indices into `graph.exchanges`, in order): hover judges
/// the exchanges through one flow, not the whole design.
pub fn verdicts_among(design: &Design, graph: &FlowGraph, among: &[usize]) -> Verdicts {
    match Ctx::new(design, graph) {
        Some(ctx) => Verdicts {
            mynumber: exchange::verdicts_among(&ctx, among.iter().copied()),
            provisions: purpose::provisions_among(&ctx, among.iter().copied()),
        },
        None => Verdicts::default(),
    }
}

/// Runs every check on a design. MN201 needs no rulebook and runs on every
/// design; the others need the rulebook to have loaded.
pub fn findings(design: &Design, graph: &FlowGraph, options: CheckOptions) -> Vec<Finding> {
    findings_computing(design, graph, options).0
}

/// What the checks work out on the way that the inventory lists too, so
/// that it is not worked out twice.
#[derive(Debug)]
pub struct Computed {
    /// The verdict on every exchange of 特定個人情報, as
    /// [`mynumber_verdicts`] gives it.
    pub mynumber: Vec<(usize, MyNumberVerdict)>,
    /// The verdict on every provision of ordinary personal data by the
    /// society, as [`provision_verdicts`] gives it.
    pub provisions: Vec<(usize, ProvisionVerdict)>,
    /// What each of the society's systems holds, when a check asked
    /// ([`Holdings::compute`]).
    pub holdings: Option<Holdings>,
    /// The options the checks ran with (MN303 depends on them).
    pub options: CheckOptions,
    /// The exchanges MN301 and MN302 reported ([`delegation_refusals`] of
    /// the checks' findings), when the caller kept them (a session keeping
    /// what the checks computed does): coverage credits no rule with them.
    /// None otherwise.
    pub refused: Option<Refusals>,
    /// How long each check took, from its start to its end, in the order
    /// they started (`check --timings`; a session moves them into its
    /// timings): checks side by side overlap, and a core waiting inside
    /// one may do another's work meanwhile.
    pub spent: Vec<(&'static str, Duration)>,
}

/// [`findings`], and what the checks worked out on the way (None when the
/// design's rulebook did not load).
pub fn findings_computing(
    design: &Design,
    graph: &FlowGraph,
    options: CheckOptions,
) -> (Vec<Finding>, Option<Computed>) {
    match findings_computing_unless(design, graph, options, &|| false) {
        Some(found) => found,
        // Never asked to stop, they never do.
        None => unreachable!("the checks stopped unasked"),
    }
}

/// [`findings_computing`], given up once `stop` says so (None): asked
/// once the verdicts on every exchange (and what each system holds) are
/// judged, before the checks that read them run. The language server
/// stops so an analysis that a later edit has replaced.
pub fn findings_computing_unless(
    design: &Design,
    graph: &FlowGraph,
    options: CheckOptions,
    stop: &(dyn Fn() -> bool + Sync),
) -> Option<(Vec<Finding>, Option<Computed>)> {
    let par = design.flows.len() >= PARALLEL_FLOWS;
    checked_in(design, graph, options, par, EXCHANGES_PER_TASK, stop)
}

/// [`findings_computing`], side by side on every core when `par` (the
/// tests compare both ways on every shape of design: the same findings).
#[doc(hidden)]
pub fn findings_computing_on(
    design: &Design,
    graph: &FlowGraph,
    options: CheckOptions,
    par: bool,
) -> (Vec<Finding>, Option<Computed>) {
    findings_computing_in(design, graph, options, par, EXCHANGES_PER_TASK)
}

/// [`findings_computing_on`], the verdicts judged `per_task` exchanges
/// at a time when `par` (the tests judge a small design in small ranges).
#[doc(hidden)]
pub fn findings_computing_in(
    design: &Design,
    graph: &FlowGraph,
    options: CheckOptions,
    par: bool,
    per_task: usize,
) -> (Vec<Finding>, Option<Computed>) {
    match checked_in(design, graph, options, par, per_task, &|| false) {
        Some(found) => found,
        // Never asked to stop, they never do.
        None => unreachable!("the checks stopped unasked"),
    }
}

/// [`findings_computing_in`], given up once `stop` says so, as
/// [`findings_computing_unless`] says.
fn checked_in(
    design: &Design,
    graph: &FlowGraph,
    options: CheckOptions,
    par: bool,
    per_task: usize,
    stop: &(dyn Fn() -> bool + Sync),
) -> Option<(Vec<Finding>, Option<Computed>)> {
    let (mut out, missing) = timed(|| purpose::missing_purposes(design));
    let Some(ctx) = Ctx::new(design, graph) else {
        return Some((out, None));
    };
    // The checks read the same context and write nothing: on a large design
    // they run side by side, and their findings join in one fixed order.
    // First MN402's walk of the holdings, when it will read them (on every
    // core: it runs before any check that may wait for the holdings, so a
    // thread inside it can take up no such check), and beside it the
    // verdicts and the provisions, then the checks that read no holdings
    // (carriers, purposes, delegation): the walk has stretches on one core
    // (its sweeps, its states in order), which these fill. Then the two
    // that read the holdings (MN402, and MN1xx's witness paths), MN402's
    // exchanges shared by the cores. Before, MN402 walked the holdings on
    // one core inside the checks, the longest task on a design of internal
    // chains.
    let holdings_first = par && drift::reads_holdings(&ctx);
    let exchanges = graph.exchanges.len();
    let (walked, (((mynumber, judging), (provisions, providing)), unheld)) = both(
        par,
        || holdings_first.then(|| timed(|| Holdings::compute_on_cores(design, graph))),
        || {
            let (mynumber, provisions) = both(
                par,
                || {
                    timed(|| {
                        judged_in_ranges(exchanges, par, per_task, |r| {
                            exchange::verdicts_among(&ctx, r)
                        })
                    })
                },
                || {
                    timed(|| {
                        judged_in_ranges(exchanges, par, per_task, |r| {
                            purpose::provisions_among(&ctx, r)
                        })
                    })
                },
            );
            let unheld = both(
                par,
                || timed(|| carrier::check(&ctx)),
                || {
                    both(
                        par,
                        || timed(|| purpose::check(&ctx, &provisions.0)),
                        || {
                            timed(|| {
                                delegation::check(
                                    &ctx,
                                    &mynumber.0,
                                    &provisions.0,
                                    options.delegation,
                                    par,
                                )
                            })
                        },
                    )
                },
            );
            ((mynumber, provisions), unheld)
        },
    );
    let mut spent = Vec::with_capacity(9);
    if let Some((h, took)) = walked {
        let _ = ctx.holdings.set(h);
        spent.push(("holdings", took));
    }
    let ((carrier, c), ((purpose, p), (delegation, d))) = unheld;
    spent.extend([("verdicts", judging), ("provisions", providing)]);
    spent.extend([("MN401", c), ("MN201–203", p + missing), ("MN301–303", d)]);
    if stop() {
        return None;
    }
    let ((drift, r), (exchange, e)) = both(
        par,
        || timed(|| drift::check(&ctx, par)),
        || timed(|| exchange::check(&ctx, &mynumber)),
    );
    spent.extend([("MN402", r), ("MN101–105", e)]);
    // Room for them all at once: a design can have hundreds of thousands
    // of findings, and each growth copied those joined so far. On a large
    // design both cores copy them, each into its own stretch (a third of a
    // million findings took a serial 25 ms, most of it the fresh pages).
    let found = [carrier, exchange, purpose, delegation, drift];
    out.reserve(found.iter().map(Vec::len).sum());
    if par {
        let [carrier, exchange, purpose, delegation, drift] = found;
        out.par_extend(
            carrier
                .into_par_iter()
                .chain(exchange)
                .chain(purpose)
                .chain(delegation)
                .chain(drift),
        );
    } else {
        for found in found {
            out.extend(found);
        }
    }
    let computed = Computed {
        mynumber,
        provisions,
        holdings: ctx.holdings.into_inner(),
        options,
        refused: None,
        spent,
    };
    Some((out, Some(computed)))
}

/// Designs with fewer flows are checked on one thread: starting the thread
/// pool would cost more than the checks.
const PARALLEL_FLOWS: usize = 20_000;

/// Exchanges one task judges: enough to outweigh handing it to a thread,
/// few enough that both cores share a million.
const EXCHANGES_PER_TASK: usize = 32 * 1024;

/// `judge` of the exchanges `0..n`, `per_task` at a time on every core
/// when `par` (each range keeps its own verdicts given, a few hundred
/// judgements), the ranges' verdicts joined in the exchanges' order. On
/// a design of many exchanges, one loop over them all was the longest
/// task of the checks.
fn judged_in_ranges<V: Send>(
    n: usize,
    par: bool,
    per_task: usize,
    judge: impl Fn(Range<usize>) -> Vec<V> + Sync,
) -> Vec<V> {
    if !par || n <= per_task {
        return judge(0..n);
    }
    let parts = crate::ranges::each(&crate::ranges::cut(n, per_task), judge);
    let mut out = Vec::with_capacity(parts.iter().map(Vec::len).sum());
    for part in parts {
        out.extend(part);
    }
    out
}

/// `f()`, and how long it took.
fn timed<T>(f: impl FnOnce() -> T) -> (T, Duration) {
    let start = Instant::now();
    let out = f();
    (out, start.elapsed())
}

/// `a()` and `b()`, side by side when `par`.
fn both<A: Send, B: Send>(
    par: bool,
    a: impl FnOnce() -> A + Send,
    b: impl FnOnce() -> B + Send,
) -> (A, B) {
    if par { rayon::join(a, b) } else { (a(), b()) }
}
