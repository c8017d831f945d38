//! Each actor's role and the kind of that role, in two tables small enough
//! to stay in cache. An actor's record (its name, label, clauses) is over
//! a hundred bytes, so asking a national design's tens of thousands of
//! actors for their role through their records missed the cache at every
//! exchange; the kinds here are a byte per actor.

use super::{ActorId, Design, RoleId, RoleKind};

/// Each actor's role and role kind, read by index.
#[derive(Clone, Debug, Default)]
pub struct ActorTable {
    roles: Vec<Option<RoleId>>,
    kinds: Vec<Option<RoleKind>>,
}

impl ActorTable {
    /// The table of `design`'s actors (kinds are unknown without a
    /// rulebook).
    pub fn of(design: &Design) -> ActorTable {
        let roles: Vec<Option<RoleId>> = design.actors.iter().map(|a| a.role.id).collect();
        // The kinds from the roles' table, not from each actor's record
        // again ([`Design::kind_of`]).
        let kinds = match design.rulebook.as_deref() {
            Some(rb) => roles.iter().map(|r| r.map(|r| rb.role(r).kind)).collect(),
            None => vec![None; roles.len()],
        };
        ActorTable { roles, kinds }
    }

    /// The actor's role, if it resolved.
    pub fn role(&self, a: ActorId) -> Option<RoleId> {
        self.roles.get(a.index()).copied().flatten()
    }

    /// The kind of the actor's role, if it resolved.
    pub fn kind(&self, a: ActorId) -> Option<RoleKind> {
        self.kinds.get(a.index()).copied().flatten()
    }

    /// Is the actor's role of this kind?
    pub fn is(&self, a: ActorId, kind: RoleKind) -> bool {
        self.kind(a) == Some(kind)
    }

    /// How many actors the design declares.
    pub fn len(&self) -> usize {
        self.kinds.len()
    }

    /// Whether the design declares none.
    pub fn is_empty(&self) -> bool {
        self.kinds.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_answers_what_the_actors_records_do() {
        let src = "actor A : 組合\n\
                   actor B : 委託先\n\
                   actor C : 謎の役割\n\
                   data x : 給付記録\n\
                   flow A -> B : x for 保険給付\n\
                   flow B -> C : x for 保険給付\n";
        let builtin = crate::session::RulebookSource::Builtin("kenpo".into());
        let mut s = crate::session::Session::new(builtin);
        let design = s
            .check_text("t.myna", src.to_string(), None)
            .analysis
            .expect("a design")
            .design;
        let table = ActorTable::of(&design);
        assert_eq!(table.len(), design.actors.len());
        assert!(!table.is_empty());
        for i in 0..design.actors.len() {
            let a = ActorId::new(i as u32);
            assert_eq!(table.role(a), design.actor(a).role.id);
            assert_eq!(table.kind(a), design.kind_of(a));
        }
        let kinds: Vec<Option<RoleKind>> = (0..3).map(|i| table.kind(ActorId::new(i))).collect();
        assert_eq!(
            kinds,
            [Some(RoleKind::SelfOrg), Some(RoleKind::Contractor), None]
        );
        assert!(table.is(ActorId::new(1), RoleKind::Contractor));
        // Past the table: no role, no kind, never a panic.
        assert_eq!(table.kind(ActorId::new(3)), None);
        assert_eq!(table.role(ActorId::new(3)), None);
    }
}
