//! The layers of docs/architecture.md, enforced: every `crate::…` path in `src/` names a
//! module its own layer may import, the AWS SDK is imported only in `src/aws/`, and clap
//! only at the edge (`cli.rs`, `commands/`, `main.rs`). Unit-test modules are exempt: they
//! may test across layers.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// What each top-level module of the library may import from the crate (besides itself).
fn allowed(module: &str) -> Option<&'static [&'static str]> {
    Some(match module {
        // The edge: parses arguments, resolves settings, acquires, assesses, renders.
        "commands" => &[
            "assess",
            "aws",
            "catalogue",
            "checks",
            "cli",
            "cloudtrail",
            "config",
            "fsio",
            "iam",
            "limits",
            "model",
            "progress",
            "report",
            "scope",
            "state",
        ],
        "cli" => &["config", "limits", "report"],
        // Collect: the only code that talks to AWS; reads files of logs.
        "aws" => &["model", "progress"],
        "cloudtrail" => &["limits", "model", "progress"],
        // Assess: pure functions of data, settings and now.
        "assess" => &["catalogue", "checks", "iam", "model", "report", "state"],
        "checks" => &["catalogue", "iam", "model", "report"],
        "iam" => &["catalogue", "model", "progress"],
        // Report: typed sections and findings, and the renderers.
        "report" => &["catalogue", "iam", "model"],
        // Settings and state files.
        "config" => &["fsio", "iam", "limits", "model", "report", "scope"],
        "state" => &["fsio", "limits", "model"],
        "scope" => &["model"],
        // Plain data and leaves.
        "model" => &["catalogue"],
        "catalogue" => &[],
        "progress" => &[],
        "fsio" => &[],
        "limits" => &[],
        _ => return None,
    })
}

/// Modules allowed to use clap.
const CLAP: &[&str] = &["cli", "commands"];

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The top-level module a file of `src/` belongs to (`None` for lib.rs and main.rs).
fn module_of(src: &Path, file: &Path) -> Option<String> {
    let rel = file.strip_prefix(src).unwrap();
    let first = rel.components().next()?.as_os_str().to_str()?.to_owned();
    let name = first.strip_suffix(".rs").unwrap_or(&first).to_owned();
    (name != "lib" && name != "main").then_some(name)
}

/// The crate modules a file's code names: `crate::x`, and each `x` of `crate::{x, y::z}`.
fn crate_paths(text: &str) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    let mut rest = text;
    while let Some(at) = rest.find("crate::") {
        rest = &rest[at + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let end = group.find('}').unwrap_or(group.len());
            for item in group[..end].split(',') {
                let name: String = item
                    .trim()
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                if !name.is_empty() {
                    found.insert(name);
                }
            }
        } else {
            let name: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            // `crate::some_macro!`: an exported macro, not a module.
            let is_macro = rest[name.len()..].starts_with('!');
            if !name.is_empty() && !is_macro {
                found.insert(name);
            }
        }
    }
    found
}

/// The text with line comments dropped, so prose about a module is not an import.
fn code(text: &str) -> String {
    text.lines()
        .map(|line| match line.find("//") {
            Some(at) if !line[..at].contains('"') => &line[..at],
            _ => line,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn every_import_points_down_the_layers() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    files.sort();
    let mut violations = Vec::new();
    let mut checked = 0;
    for file in &files {
        let Some(module) = module_of(&src, file) else {
            continue;
        };
        let allowed = allowed(&module).unwrap_or_else(|| {
            panic!(
                "{}: module `{module}` has no layer in tests/architecture.rs (and docs/architecture.md)",
                file.display()
            )
        });
        // Unit tests may reach across layers to test end to end; shipped code may not.
        let rel = file.strip_prefix(&src).unwrap();
        if rel
            .components()
            .any(|c| c.as_os_str() == "tests" || c.as_os_str() == "tests.rs")
        {
            continue;
        }
        let full = std::fs::read_to_string(file).unwrap();
        let shipped = full
            .find("#[cfg(test)]\nmod tests")
            .map_or(full.as_str(), |at| &full[..at]);
        let text = code(shipped);
        for used in crate_paths(&text) {
            checked += 1;
            if used != module && !allowed.contains(&used.as_str()) {
                violations.push(format!(
                    "{}: `{module}` imports `crate::{used}`",
                    file.strip_prefix(&src).unwrap().display()
                ));
            }
        }
        if !CLAP.contains(&module.as_str()) && (text.contains("clap::") || text.contains("clap_")) {
            violations.push(format!(
                "{}: `{module}` uses clap (only cli.rs and commands/ may)",
                file.display()
            ));
        }
        if module != "aws"
            && [
                "aws_sdk_",
                "aws_smithy_",
                "aws_config",
                "aws_credential_types",
            ]
            .iter()
            .any(|sdk| text.contains(sdk))
        {
            violations.push(format!(
                "{}: `{module}` uses the AWS SDK (only src/aws/ may)",
                file.display()
            ));
        }
    }
    assert!(checked > 50, "the scan found only {checked} imports");
    assert!(
        violations.is_empty(),
        "imports that point up the layers:\n{}",
        violations.join("\n")
    );
}

#[test]
fn the_scanner_sees_grouped_and_plain_paths() {
    let found = crate_paths("use crate::{model::Event, report};\nlet x = crate::iam::glob::m();");
    assert_eq!(
        found.into_iter().collect::<Vec<_>>(),
        ["iam", "model", "report"]
    );
    assert_eq!(code("use a; // crate::commands"), "use a; ");
}
