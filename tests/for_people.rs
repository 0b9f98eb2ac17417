//! Output for people: tables that fit 80, 120 and 200 columns and a pipe (100), pinned; the
//! Markdown summary parsed by a GFM renderer (comrak); the HTML report loaded in headless
//! Chromium (DOM counts, no console errors, a screenshot), and hostile text from AWS fed
//! through every field of both without becoming markup.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::gdaudit_offline as gdaudit;
use serde_json::Value;
use unicode_width::UnicodeWidthStr;

const DEMO: &str = "examples/demo-snapshot.json";
const ORG_DEMO: &str = "examples/org-demo-snapshot.json";
const COMMANDS: [&str; 4] = ["detectors", "changes", "permissions", "audit"];

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn run(args: &[&str]) -> (String, i32) {
    let out = gdaudit().current_dir(root()).args(args).output().unwrap();
    (
        String::from_utf8(out.stdout).unwrap(),
        out.status.code().unwrap(),
    )
}

#[test]
fn every_table_fits_its_width_and_is_pinned() {
    for command in COMMANDS.iter().copied().chain(["org"]) {
        for width in [Some(80), Some(120), Some(200), None] {
            let mut args = match command {
                "org" => vec!["detectors", "--org", "--snapshot", ORG_DEMO],
                _ => vec![command, "--snapshot", DEMO],
            };
            let w = width.map(|w: usize| w.to_string());
            if let Some(w) = &w {
                args.extend(["--width", w]);
            }
            let (text, _) = run(&args);
            // Not a terminal and no --width: 100 columns.
            let limit = width.unwrap_or(100);
            for line in text.lines() {
                assert!(
                    line.width() <= limit,
                    "{command} at {limit}: {} columns: {line}",
                    line.width()
                );
            }
            let name = format!(
                "{command}__{}",
                width.map_or("pipe".to_owned(), |w| w.to_string())
            );
            insta::assert_snapshot!(name, text);
        }
    }
}

#[test]
fn wide_tables_keep_every_column_and_byte() {
    let (text, _) = run(&["changes", "--snapshot", DEMO, "--wide"]);
    for column in ["Account", "Source IP", "User agent", "Event id"] {
        assert!(text.contains(column), "{column} missing:\n{text}");
    }
    assert!(text.contains("6f1c0d2e-9a4b-4c7d-8e21-000000000007"));
    let (detectors, _) = run(&["detectors", "--snapshot", DEMO, "--wide"]);
    assert!(detectors.contains("402eb92ec32651d0f8622a4c6a9d3c93"));
}

#[test]
fn colour_does_not_change_the_layout() {
    // --no-color and NO_COLOR only remove colour; on a pipe there is none either way.
    let (plain, _) = run(&["audit", "--snapshot", DEMO, "--width", "90", "--no-color"]);
    let (default, _) = run(&["audit", "--snapshot", DEMO, "--width", "90"]);
    assert_eq!(plain, default);
}

/// A demo snapshot whose every string from AWS is hostile markup.
fn hostile_snapshot() -> tempfile::NamedTempFile {
    const EVIL: &str = "<script>alert(1)</script>\"onerror=alert(2) '><img src=x onerror=alert(3)>\u{1b}[31m|*_`[x](y)";
    let mut snap: Value =
        serde_json::from_slice(&std::fs::read(root().join(DEMO)).unwrap()).unwrap();
    fn poison(value: &mut Value) {
        match value {
            Value::Object(map) => {
                for (k, v) in map.iter_mut() {
                    if let Value::String(s) = v {
                        let keep = k.contains("time")
                            || k.ends_with("_at")
                            || matches!(
                                k.as_str(),
                                "region"
                                    | "name"
                                    | "opt_status"
                                    | "status"
                                    | "relationship_status"
                                    | "eventTime"
                                    | "eventSource"
                                    | "eventName"
                                    | "awsRegion"
                                    | "readOnly"
                                    | "eventType"
                                    | "type"
                                    | "source"
                                    | "Effect"
                                    | "Version"
                                    | "since"
                                    | "until"
                                    | "Action"
                                    | "Resource"
                                    | "kind"
                                    | "operation"
                                    | "finding_publishing_frequency"
                                    | "snapshot_version"
                                    | "collected_at"
                                    | "id"
                                    | "eventVersion"
                                    | "recipientAccountId"
                                    | "accountId"
                                    | "account_id"
                                    | "event_source"
                                    | "event_name"
                                    | "recipient_account_id"
                                    | "band"
                                    | "action"
                            );
                        if !keep {
                            s.push_str(EVIL);
                        }
                    } else {
                        poison(v);
                    }
                }
            }
            Value::Array(items) => {
                for item in items {
                    poison(item);
                }
            }
            _ => {}
        }
    }
    poison(&mut snap);
    let file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(file.path(), serde_json::to_vec(&snap).unwrap()).unwrap();
    file
}

#[test]
fn markdown_renders_as_a_table_in_a_gfm_renderer() {
    let (json, _) = run(&["audit", "--snapshot", DEMO, "-o", "json"]);
    let doc: Value = serde_json::from_str(&json).unwrap();
    let active = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f.get("suppressed").is_none())
        .count();
    let (markdown, code) = run(&["audit", "--snapshot", DEMO, "-o", "markdown"]);
    assert_eq!(code, 1);
    assert!(
        markdown.starts_with("### gdaudit audit: FAILED"),
        "{markdown}"
    );
    let html = gfm(&markdown);
    // Two tables: the counts by severity and the findings.
    assert_eq!(html.matches("<table>").count(), 2, "{html}");
    // Five severities + the findings' rows + two header rows.
    assert_eq!(
        html.matches("<tr>").count(),
        5 + active.min(50) + 2,
        "{html}"
    );
    assert!(html.contains("<th>Finding</th>"));
    assert!(html.contains("Incomplete: 2 thing(s) could not be checked"));
}

/// Markdown rendered to HTML by comrak with the GFM extensions GitHub uses.
fn gfm(markdown: &str) -> String {
    let mut options = comrak::Options::default();
    options.extension.table = true;
    options.extension.autolink = true;
    options.extension.strikethrough = true;
    // Raw HTML passes through, so markup that escaped the escaping would show.
    options.render.r#unsafe = true;
    comrak::markdown_to_html(markdown, &options)
}

#[test]
fn hostile_text_stays_text_in_markdown() {
    let snap = hostile_snapshot();
    let (markdown, _) = run(&[
        "audit",
        "--snapshot",
        snap.path().to_str().unwrap(),
        "-o",
        "markdown",
    ]);
    let html = gfm(&markdown);
    // Every findings row is still one row of six cells: no cell broke out of its table.
    for row in html.split("<tr>").skip(1) {
        let cells =
            row.matches("<td").count() + row.matches("<th>").count() + row.matches("<th ").count();
        assert!(cells == 2 || cells == 6, "{cells} cells: {row}");
    }
    for tag in [
        "<script", "<img", "<a ", "<em>", "<strong>", "<del>", "<code>",
    ] {
        assert!(!html.contains(tag), "{tag} in {html}");
    }
    assert!(!markdown.contains('\u{1b}'));
}

/// Chromium, installed by scripts/test (Debian package `chromium`).
fn chromium() -> PathBuf {
    for name in ["chromium", "chromium-browser", "google-chrome"] {
        for dir in std::env::var("PATH").unwrap_or_default().split(':') {
            let path = Path::new(dir).join(name);
            if path.is_file() {
                return path;
            }
        }
    }
    panic!(
        "the HTML report test needs Chromium: `apt-get install chromium` (scripts/test installs it where it can)"
    );
}

/// Loads `page` in headless Chromium: the DOM after load, and what it logged.
fn load(page: &Path, screenshot: Option<&Path>) -> (String, String) {
    let profile = tempfile::tempdir().unwrap();
    let mut cmd = Command::new(chromium());
    cmd.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--enable-logging=stderr",
        "--v=0",
        "--window-size=1280,2000",
    ])
    .arg(format!("--user-data-dir={}", profile.path().display()));
    match screenshot {
        Some(path) => cmd.arg(format!("--screenshot={}", path.display())),
        None => cmd.arg("--dump-dom"),
    };
    let out = cmd
        .arg(format!("file://{}", page.display()))
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The elements of a serialized DOM: (tag, attribute names). Text `<` is always escaped
/// in a serialized DOM, so every `<` starts a tag.
fn elements(dom: &str) -> Vec<(String, Vec<String>)> {
    let mut found = Vec::new();
    let bytes = dom.as_bytes();
    let mut i = 0;
    while let Some(at) = dom[i..].find('<') {
        i += at + 1;
        if dom[i..].starts_with('/') || dom[i..].starts_with('!') {
            continue;
        }
        let name: String = dom[i..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
            .collect();
        i += name.len();
        let mut attrs = Vec::new();
        loop {
            while i < bytes.len() && bytes[i].is_ascii_whitespace() {
                i += 1;
            }
            if i >= bytes.len() || bytes[i] == b'>' || bytes[i] == b'/' {
                break;
            }
            let attr: String = dom[i..]
                .chars()
                .take_while(|c| !c.is_ascii_whitespace() && *c != '=' && *c != '>')
                .collect();
            i += attr.len();
            if i < bytes.len() && bytes[i] == b'=' {
                i += 1;
                if bytes[i] == b'"' {
                    i += 1 + dom[i + 1..].find('"').unwrap() + 1;
                }
            }
            attrs.push(attr.to_ascii_lowercase());
        }
        found.push((name.to_ascii_lowercase(), attrs));
    }
    found
}

/// How many `<tag class="prefix…">` elements the DOM has.
fn count(dom: &str, tag: &str, class_prefix: &str) -> usize {
    dom.matches(&format!("<{tag} class=\"{class_prefix}"))
        .count()
}

#[test]
fn the_html_report_opens_in_chromium_with_the_expected_content() {
    let (json, _) = run(&["audit", "--snapshot", DEMO, "-o", "json"]);
    let doc: Value = serde_json::from_str(&json).unwrap();
    let findings = doc["findings"].as_array().unwrap();
    let of = |check: &str| findings.iter().filter(|f| f["check"] == check).count();
    let (html, code) = run(&["audit", "--snapshot", DEMO, "-o", "html"]);
    assert_eq!(code, 1);
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("report.html");
    std::fs::write(&page, &html).unwrap();
    let (dom, log) = load(&page, None);
    let all = elements(&dom);
    let active = findings
        .iter()
        .filter(|f| f.get("suppressed").is_none())
        .count();
    assert!(dom.contains(&format!("FAILED: {active} findings")), "{dom}");
    assert_eq!(count(&dom, "tr", "account"), 1);
    assert_eq!(
        count(&dom, "td", "cell"),
        doc["regions"].as_array().unwrap().len()
    );
    assert_eq!(count(&dom, "details", "finding"), findings.len());
    assert_eq!(count(&dom, "li", "change"), of("guardduty-config-change"));
    assert_eq!(
        count(&dom, "tr", "principal"),
        of("non-privileged-write-access")
    );
    assert_eq!(count(&dom, "tr", "path"), of("indirect-write-access"));
    assert!(
        of("indirect-write-access") > 0,
        "the demo shows an access path"
    );
    assert!(
        !all.iter().any(|(tag, _)| tag == "script"),
        "no script at all"
    );
    assert!(!log.contains(":CONSOLE"), "console messages: {log}");
    // A screenshot for people to look at (kept beside the test binaries, not committed).
    let shot = Path::new(env!("CARGO_TARGET_TMPDIR")).join("html-report.png");
    let _ = std::fs::remove_file(&shot);
    load(&page, Some(&shot));
    assert!(std::fs::metadata(&shot).unwrap().len() > 10_000);
}

#[test]
fn hostile_text_stays_text_in_html() {
    let snap = hostile_snapshot();
    let (html, _) = run(&[
        "audit",
        "--snapshot",
        snap.path().to_str().unwrap(),
        "-o",
        "html",
    ]);
    assert!(
        html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
        "the text is shown"
    );
    assert!(!html.contains('\u{1b}'));
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("report.html");
    std::fs::write(&page, &html).unwrap();
    let (dom, log) = load(&page, None);
    for (tag, attrs) in elements(&dom) {
        assert!(
            !matches!(
                tag.as_str(),
                "script" | "img" | "iframe" | "object" | "embed"
            ),
            "a <{tag}> element came out of the data"
        );
        for attr in attrs {
            assert!(
                !attr.starts_with("on"),
                "<{tag} {attr}=…> came out of the data"
            );
        }
    }
    assert!(!log.contains(":CONSOLE"), "console messages: {log}");
}
