//! The recipes users copy from docs/ci.md, docs/cron.md and docs/alerts.md: each lives in
//! docs/recipes/, appears verbatim in the docs, and runs here for real — bash, curl and jq
//! against an HTTP listener on 127.0.0.1, fed by the real `gdaudit changes` on the CloudTrail
//! corpus (4 changes).
//!
//! The one fake: `mail` and `aws` are stub executables, first on PATH, that record their
//! arguments and stdin. There is no mail server or AWS account here; everything else is real.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

#[path = "recipes/harness.rs"]
mod harness;
#[path = "recipes/http.rs"]
mod http;

#[path = "recipes/ci.rs"]
mod ci;
#[path = "recipes/cron.rs"]
mod cron;
#[path = "recipes/docs.rs"]
mod docs;
#[path = "recipes/email_sms.rs"]
mod email_sms;
#[path = "recipes/eventbridge.rs"]
mod eventbridge;
#[path = "recipes/senders.rs"]
mod senders;
