//! The resolved model: names bound to declarations, the rulebook loaded.
//! Checks read only this (and the graph built from it), never the syntax.

mod actor_table;
mod design;
mod register;
mod rulebook;

pub(crate) mod tree;
pub use actor_table::ActorTable;
pub use design::*;
pub use rulebook::*;

macro_rules! ids {
    ($($name:ident),*) => {$(
        /// An index into the model's table of this kind. Held as the index
        /// plus one, so that `Option` of it (a name that may not resolve,
        /// five times in every flow) is four bytes rather than eight.
        #[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(std::num::NonZeroU32);

        impl $name {
            /// The id of index `i` (indexes past `u32::MAX - 1` are not
            /// held: no table is that long, the input is bounded far below).
            pub const fn new(i: u32) -> Self {
                match std::num::NonZeroU32::new(i.wrapping_add(1)) {
                    Some(n) => $name(n),
                    None => $name(std::num::NonZeroU32::MAX),
                }
            }

            /// The index as usize.
            pub const fn index(self) -> usize {
                (self.0.get() - 1) as usize
            }

            /// The index as u32.
            pub const fn get(self) -> u32 {
                self.0.get() - 1
            }
        }

        impl From<u32> for $name {
            fn from(i: u32) -> Self {
                Self::new(i)
            }
        }

        impl From<$name> for usize {
            fn from(id: $name) -> usize {
                id.index()
            }
        }

        impl std::fmt::Debug for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.debug_tuple(stringify!($name)).field(&self.get()).finish()
            }
        }
    )*};
}

ids!(
    RoleId,
    CategoryId,
    SectionId,
    PurposeId,
    RuleId,
    ContractorId,
    ClauseId,
    ActorId,
    DataId,
    FlowId
);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::span::Span;

    #[test]
    fn an_id_that_may_be_missing_takes_no_more_room_than_one_that_is_there() {
        assert_eq!(size_of::<Option<ActorId>>(), size_of::<u32>());
        assert_eq!(
            size_of::<Ref<ActorId>>(),
            size_of::<u32>() + size_of::<Span>()
        );
    }

    /// The model's commonest value fits two cache lines (see its fields).
    #[test]
    fn a_flow_is_128_bytes() {
        assert_eq!(size_of::<Flow>(), 128);
    }

    #[test]
    fn ids_keep_their_index_and_its_order() {
        for i in [0, 1, 2, 41, u32::MAX - 1] {
            assert_eq!(DataId::new(i).get(), i);
            assert_eq!(DataId::new(i).index(), i as usize);
        }
        assert!(ActorId::new(0) < ActorId::new(1) && ActorId::new(1) < ActorId::new(7));
        assert_eq!(format!("{:?}", FlowId::new(3)), "FlowId(3)");
    }
}
