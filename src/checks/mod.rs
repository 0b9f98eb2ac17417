//! Checks: pure, synchronous, deterministic functions from the model to findings. Every
//! check is registered in [`crate::report::registry`] with a stable id and documented in
//! docs/checks.md; the protection plans they judge are one table in [`plans`].

pub mod changes;
pub mod detectors;
pub mod objects;
pub mod permissions;
pub mod plans;
pub mod telemetry;
