//! Reading an account export file: one page object, a JSON array of pages, or several page
//! objects one after another, merged into one [`AuthorizationDetails`].
//!
//! A light structural scan finds each entry of the four lists first; the entries are then parsed
//! one by one (in parallel), so a malformed entry is reported by position and name while the
//! rest of the export is still read.

use std::collections::HashSet;
use std::ops::Range;

use serde::Deserialize;
use serde::de::DeserializeOwned;

use super::{Problem, ProblemKind, parallel_map};
use crate::model::iam::{
    AuthorizationDetails, GroupDetail, ManagedPolicyDetail, RoleDetail, UserDetail,
};

/// What [`read_export`] read, and what it could not.
#[derive(Debug, Clone, Default)]
pub struct ExportRead {
    pub details: AuthorizationDetails,
    pub problems: Vec<Problem>,
}

/// Reads an export file's bytes. Never fails as a whole: what cannot be read becomes a
/// [`ProblemKind::MalformedExport`] problem.
pub fn read_export(bytes: &[u8]) -> ExportRead {
    let mut problems = Vec::new();
    let scan = scan(bytes, &mut problems);
    if scan.pages == 0 && problems.is_empty() {
        problems.push(malformed("the file holds no export page", None));
    }
    let users = parse_entries::<UserDetail>(bytes, &scan.users, "UserDetailList", &mut problems);
    let groups =
        parse_entries::<GroupDetail>(bytes, &scan.groups, "GroupDetailList", &mut problems);
    let roles = parse_entries::<RoleDetail>(bytes, &scan.roles, "RoleDetailList", &mut problems);
    let policies =
        parse_entries::<ManagedPolicyDetail>(bytes, &scan.policies, "Policies", &mut problems);
    let mut details = AuthorizationDetails {
        users,
        groups,
        roles,
        policies,
    };
    if scan.pages > 1 {
        // Overlapping pages (a retried page, two dumps concatenated) must not double-count.
        dedup_by_arn(&mut details.users, |u| &u.arn);
        dedup_by_arn(&mut details.groups, |g| &g.arn);
        dedup_by_arn(&mut details.roles, |r| &r.arn);
        dedup_by_arn(&mut details.policies, |p| &p.arn);
    }
    ExportRead { details, problems }
}

fn dedup_by_arn<T>(items: &mut Vec<T>, arn: impl Fn(&T) -> &String) {
    let mut seen = HashSet::with_capacity(items.len());
    let keep: Vec<bool> = items.iter().map(|i| seen.insert(arn(i).clone())).collect();
    let mut flags = keep.into_iter();
    items.retain(|_| flags.next().unwrap_or(true));
}

fn malformed(message: impl Into<String>, location: Option<String>) -> Problem {
    Problem {
        kind: ProblemKind::MalformedExport,
        policy: None,
        location,
        message: message.into(),
    }
}

/// One list entry found by the scan.
#[derive(Debug, Clone)]
struct Entry {
    page: usize,
    index: usize,
    range: Range<usize>,
}

#[derive(Debug, Default)]
struct Scan {
    pages: usize,
    users: Vec<Entry>,
    groups: Vec<Entry>,
    roles: Vec<Entry>,
    policies: Vec<Entry>,
}

/// Finds the pages and the entries of their lists. Stops at the first structural error (after
/// which nothing can be trusted to line up), keeping what it found before.
fn scan(bytes: &[u8], problems: &mut Vec<Problem>) -> Scan {
    let mut out = Scan::default();
    let mut s = Scanner { bytes, pos: 0 };
    if let Err(err) = scan_top(&mut s, &mut out, problems) {
        problems.push(malformed(
            format!(
                "{} at byte {}; the rest of the file was not read",
                err, s.pos
            ),
            Some(format!("page {}", out.pages.max(1))),
        ));
    }
    out
}

fn scan_top(s: &mut Scanner<'_>, out: &mut Scan, problems: &mut Vec<Problem>) -> ScanResult<()> {
    loop {
        s.skip_ws();
        match s.peek() {
            None => return Ok(()),
            Some(b'{') => scan_page(s, out, problems)?,
            Some(b'[') => {
                s.pos += 1;
                let mut first = true;
                loop {
                    s.skip_ws();
                    if s.peek() == Some(b']') {
                        s.pos += 1;
                        break;
                    }
                    if !first {
                        s.consume(b',')?;
                        s.skip_ws();
                    }
                    first = false;
                    if s.peek() == Some(b'{') {
                        scan_page(s, out, problems)?;
                    } else {
                        let at = s.pos;
                        s.skip_value()?;
                        problems.push(malformed(
                            "an array entry that is not a page object was skipped",
                            Some(format!("byte {at}")),
                        ));
                    }
                }
            }
            Some(_) => return Err("expected a page object or an array of pages"),
        }
    }
}

fn scan_page(s: &mut Scanner<'_>, out: &mut Scan, problems: &mut Vec<Problem>) -> ScanResult<()> {
    out.pages += 1;
    let page = out.pages;
    s.consume(b'{')?;
    let mut first = true;
    loop {
        s.skip_ws();
        if s.peek() == Some(b'}') {
            s.pos += 1;
            return Ok(());
        }
        if !first {
            s.consume(b',')?;
            s.skip_ws();
        }
        first = false;
        let key = s.string()?;
        s.skip_ws();
        s.consume(b':')?;
        s.skip_ws();
        let list = match &s.bytes[key] {
            b"UserDetailList" => Some(&mut out.users),
            b"GroupDetailList" => Some(&mut out.groups),
            b"RoleDetailList" => Some(&mut out.roles),
            b"Policies" => Some(&mut out.policies),
            _ => None,
        };
        match (list, s.peek()) {
            (Some(list), Some(b'[')) => scan_list(s, page, list)?,
            (Some(_), Some(b'n')) => s.skip_value()?,
            (Some(list), _) => {
                // One object instead of a list: take it as a one-entry list.
                let at = s.pos;
                s.skip_value()?;
                if s.bytes.get(at) == Some(&b'{') {
                    list.push(Entry {
                        page,
                        index: 0,
                        range: at..s.pos,
                    });
                } else {
                    problems.push(malformed(
                        "a list that is neither a list nor an object was skipped",
                        Some(format!("page {page}, byte {at}")),
                    ));
                }
            }
            (None, _) => s.skip_value()?,
        }
    }
}

fn scan_list(s: &mut Scanner<'_>, page: usize, list: &mut Vec<Entry>) -> ScanResult<()> {
    s.consume(b'[')?;
    let mut index = 0;
    loop {
        s.skip_ws();
        if s.peek() == Some(b']') {
            s.pos += 1;
            return Ok(());
        }
        if index > 0 {
            s.consume(b',')?;
            s.skip_ws();
        }
        let start = s.pos;
        s.skip_value()?;
        list.push(Entry {
            page,
            index,
            range: start..s.pos,
        });
        index += 1;
    }
}

type ScanResult<T> = Result<T, &'static str>;

/// Walks JSON structure without building anything. Strings are skipped, not decoded.
struct Scanner<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl Scanner<'_> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn skip_ws(&mut self) {
        while let Some(b' ' | b'\n' | b'\r' | b'\t') = self.peek() {
            self.pos += 1;
        }
    }

    fn consume(&mut self, byte: u8) -> ScanResult<()> {
        if self.peek() == Some(byte) {
            self.pos += 1;
            Ok(())
        } else {
            Err(match byte {
                b',' => "expected `,`",
                b':' => "expected `:`",
                b'{' => "expected `{`",
                b'[' => "expected `[`",
                _ => "unexpected character",
            })
        }
    }

    /// Skips a string; returns the range of its contents (escapes left as they are).
    fn string(&mut self) -> ScanResult<Range<usize>> {
        self.consume(b'"').map_err(|_| "expected a string")?;
        let start = self.pos;
        let rest = &self.bytes[start..];
        let mut i = 0;
        while i < rest.len() {
            match rest[i] {
                b'"' => {
                    self.pos = start + i + 1;
                    return Ok(start..start + i);
                }
                b'\\' => i += 2,
                _ => i += 1,
            }
        }
        self.pos = self.bytes.len();
        Err("unterminated string")
    }

    /// Skips one complete value (object, array, string or scalar).
    fn skip_value(&mut self) -> ScanResult<()> {
        let mut depth = 0usize;
        loop {
            self.skip_ws();
            match self.peek() {
                None => return Err("unexpected end of file"),
                Some(b'"') => {
                    self.string()?;
                }
                Some(b'{' | b'[') => {
                    depth += 1;
                    self.pos += 1;
                    continue;
                }
                Some(b'}' | b']') => {
                    if depth == 0 {
                        return Err("unexpected closing bracket");
                    }
                    depth -= 1;
                    self.pos += 1;
                }
                Some(b',' | b':') if depth > 0 => {
                    self.pos += 1;
                    continue;
                }
                Some(_) => {
                    let start = self.pos;
                    while let Some(b) = self.peek() {
                        if matches!(b, b',' | b'}' | b']' | b':' | b' ' | b'\n' | b'\r' | b'\t') {
                            break;
                        }
                        self.pos += 1;
                    }
                    if self.pos == start {
                        return Err("unexpected character");
                    }
                }
            }
            if depth == 0 {
                return Ok(());
            }
        }
    }
}

/// Parses the entries of one list in parallel, keeping order; an entry that does not parse
/// becomes a problem naming its page, position and (when it can be found) its name.
fn parse_entries<T: DeserializeOwned + Send>(
    bytes: &[u8],
    entries: &[Entry],
    list: &str,
    problems: &mut Vec<Problem>,
) -> Vec<T> {
    let parsed = parallel_map(entries, |entry| {
        serde_json::from_slice::<T>(&bytes[entry.range.clone()])
    });
    let mut out = Vec::with_capacity(parsed.len());
    for (entry, result) in entries.iter().zip(parsed) {
        match result {
            Ok(item) => out.push(item),
            Err(err) => {
                let name = entry_name(&bytes[entry.range.clone()])
                    .map(|n| format!(" ({n})"))
                    .unwrap_or_default();
                problems.push(malformed(
                    format!("entry skipped: {err}"),
                    Some(format!(
                        "page {}, {list}[{}]{name}",
                        entry.page, entry.index
                    )),
                ));
            }
        }
    }
    out
}

/// The best name an unreadable entry offers, for the problem line.
fn entry_name(bytes: &[u8]) -> Option<String> {
    #[derive(Deserialize)]
    #[serde(rename_all = "PascalCase")]
    struct Names {
        arn: Option<serde_json::Value>,
        user_name: Option<serde_json::Value>,
        role_name: Option<serde_json::Value>,
        group_name: Option<serde_json::Value>,
        policy_name: Option<serde_json::Value>,
    }
    let names: Names = serde_json::from_slice(bytes).ok()?;
    [
        names.arn,
        names.user_name,
        names.role_name,
        names.group_name,
        names.policy_name,
    ]
    .into_iter()
    .flatten()
    .find_map(|v| v.as_str().map(str::to_owned))
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE_A: &str = r#"{"UserDetailList":[{"UserName":"a","Arn":"arn:aws:iam::1:user/a"}],
        "Policies":[],"IsTruncated":true,"Marker":"x\"y]"}"#;
    const PAGE_B: &str = r#"{"RoleDetailList":[{"RoleName":"r","Arn":"arn:aws:iam::1:role/r"}],
        "UserDetailList":[{"UserName":"a","Arn":"arn:aws:iam::1:user/a"}]}"#;

    #[test]
    fn one_page_an_array_of_pages_and_concatenated_pages_merge_alike() {
        let array = format!("[{PAGE_A},{PAGE_B}]");
        let concatenated = format!("{PAGE_A}\n{PAGE_B}\n");
        for text in [array, concatenated] {
            let read = read_export(text.as_bytes());
            assert!(read.problems.is_empty(), "{:?}", read.problems);
            assert_eq!(read.details.users.len(), 1, "duplicate user merged");
            assert_eq!(read.details.roles.len(), 1);
        }
        let one = read_export(PAGE_A.as_bytes());
        assert!(one.problems.is_empty());
        assert_eq!(one.details.users[0].user_name, "a");
    }

    #[test]
    fn a_malformed_entry_is_reported_by_name_and_the_rest_is_read() {
        let text = r#"{"UserDetailList":[{"UserName":"bad","Arn":"arn:aws:iam::1:user/bad","GroupList":7},
            {"UserName":"good","Arn":"arn:aws:iam::1:user/good"}]}"#;
        let read = read_export(text.as_bytes());
        assert_eq!(read.details.users.len(), 1);
        assert_eq!(read.details.users[0].user_name, "good");
        assert_eq!(read.problems.len(), 1);
        let line = read.problems[0].to_string();
        assert!(
            line.contains("UserDetailList[0]") && line.contains("user/bad"),
            "{line}"
        );
    }

    #[test]
    fn a_truncated_file_keeps_what_came_before_and_says_so() {
        let text = format!("{PAGE_B}{{\"UserDetailList\":[{{\"UserName\":\"z\"");
        let read = read_export(text.as_bytes());
        assert_eq!(read.details.roles.len(), 1);
        assert_eq!(read.problems.len(), 1);
        assert_eq!(read.problems[0].kind, ProblemKind::MalformedExport);
        assert!(read.problems[0].to_string().contains("page 2"));
    }

    #[test]
    fn garbage_and_empty_files_are_problems_not_panics() {
        for text in ["", "   ", "nope", "[1, 2]", "{\"UserDetailList\": 5}", "}{"] {
            let read = read_export(text.as_bytes());
            assert!(!read.problems.is_empty(), "{text:?}");
        }
    }
}
