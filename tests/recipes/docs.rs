//! The recipes as files: strict bash, and each one included verbatim in the docs.

use std::path::PathBuf;
use std::process::Command;

use crate::harness::*;

fn recipe_files() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(root().join("docs/recipes"))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .collect();
    files.sort();
    files
}

#[test]
fn every_recipe_appears_verbatim_in_the_docs() {
    let docs: Vec<(&str, String)> = ["docs/ci.md", "docs/cron.md", "docs/alerts.md"]
        .into_iter()
        .map(|doc| (doc, read(&root().join(doc))))
        .collect();
    let files = recipe_files();
    assert!(files.len() >= 15, "recipes missing: {files:?}");
    for file in files {
        let name = file.file_name().unwrap().to_string_lossy().into_owned();
        let body = read(&file);
        let Some((doc, text)) = docs.iter().find(|(_, text)| text.contains(&body)) else {
            panic!(
                "docs/recipes/{name} is not included verbatim in docs/ci.md, cron.md or \
                 alerts.md: paste the file's text into its fenced block"
            );
        };
        assert!(
            text.contains(&format!("(recipes/{name})")),
            "{doc} should link to recipes/{name}, the file to download"
        );
    }
}

#[test]
fn shell_recipes_are_strict_executable_bash() {
    use std::os::unix::fs::PermissionsExt;
    for file in recipe_files()
        .into_iter()
        .filter(|f| f.extension().is_some_and(|e| e == "sh"))
    {
        let body = read(&file);
        let name = file.display();
        assert!(body.starts_with("#!/usr/bin/env bash\n"), "{name}: shebang");
        assert!(
            body.contains("\nset -euo pipefail\n"),
            "{name}: strict mode"
        );
        let mode = std::fs::metadata(&file).unwrap().permissions().mode();
        assert!(mode & 0o111 != 0, "{name}: not executable (chmod +x)");
        let syntax = Command::new("bash").arg("-n").arg(&file).output().unwrap();
        assert!(syntax.status.success(), "{name}: {}", describe(&syntax));
    }
}
