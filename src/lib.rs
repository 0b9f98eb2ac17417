//! gdaudit: audit AWS GuardDuty — detectors in every region, configuration changes, and
//! who can change it. collect (aws/) → model (model/) → assess (assess/, checks/, iam/) →
//! report (report/); commands/ and cli.rs are the edge. See docs/architecture.md.

pub mod assess;
pub mod aws;
pub mod catalogue;
pub mod checks;
pub mod cli;
pub mod cloudtrail;
pub mod commands;
pub mod config;
pub mod fsio;
pub mod iam;
pub mod limits;
pub mod model;
pub mod progress;
pub mod report;
pub mod scope;
pub mod state;
