//! Assessment: one pure function per audit, from the collected data and the resolved
//! settings to a typed report [`Section`](crate::report::Section) — its inventory, its
//! findings, and what could not be checked. No I/O, no clock, no progress drawing: the
//! same data and settings always give the same section, so every verdict can be replayed
//! from a snapshot.

pub mod changes;
pub mod detectors;
pub mod organization;
pub mod permissions;
