//! The resolved model: names bound to declarations, the rulebook loaded.
//! Checks read only this (and the graph built from it), never the syntax.

mod design;
mod rulebook;

pub use design::*;
pub use rulebook::*;

macro_rules! ids {
    ($($name:ident),*) => {$(
        /// An index into the model's table of this kind.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(pub u32);

        impl $name {
            /// The index as usize.
            pub fn index(self) -> usize {
                self.0 as usize
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
