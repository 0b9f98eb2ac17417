//! What a trusted or threat list holds (`--read-lists`): its entries counted and the very
//! broad ones named, parsed from the formats GuardDuty accepts. The content is untrusted
//! input: every line is read or counted as unreadable, nothing in it stops the parse.
//!
//! Formats (GuardDuty User Guide, "List formats"): `TXT` one IP address, CIDR range or
//! (entity lists) domain per line; `OTX_CSV` rows `indicator type, indicator, description`;
//! `ALIEN_VAULT` the reputation feed, `IP#…` per line; `PROOF_POINT` the ET Intelligence
//! CSV with an `ip` column; `FIRE_EYE` the iSIGHT CSV with `ip`, `cidr`, `domain`,
//! `sourceIp`, `sourceDomain` columns; `STIX` XML whose `Address_Value` / `Value` elements
//! hold the addresses and domains. Another format is "content not judged".

use std::net::{Ipv4Addr, Ipv6Addr};

use serde::{Deserialize, Serialize};

/// IPv4 ranges at least this wide (a prefix this short or shorter) are "very broad": a /8
/// is 16.7 million addresses, more than any one organisation's offices or partners.
pub const BROAD_IPV4_PREFIX: u8 = 8;
/// IPv6 ranges at least this wide: a /32 is a whole provider's allocation.
pub const BROAD_IPV6_PREFIX: u8 = 32;
/// How many broad entries a list keeps by name (the count is always exact).
const KEEP_BROAD: usize = 20;

/// The content of one list object.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListContent {
    /// The object's size in bytes.
    pub bytes: u64,
    /// Whether gdaudit knows the format; `false`: content not judged (only the size).
    pub judged: bool,
    /// IP addresses and CIDR ranges read.
    #[serde(default)]
    pub ip_entries: u64,
    /// Domain names read (entity lists).
    #[serde(default)]
    pub domain_entries: u64,
    /// Lines (or values) that are neither an entry, a header nor blank.
    #[serde(default)]
    pub unreadable: u64,
    /// How many entries cover a very broad range (see [`BROAD_IPV4_PREFIX`]).
    #[serde(default)]
    pub broad_count: u64,
    /// The first of them, as written in the list.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub broad: Vec<String>,
}

impl ListContent {
    pub fn entries(&self) -> u64 {
        self.ip_entries + self.domain_entries
    }
}

/// One entry of a list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Entry {
    Ip { broad: bool },
    Domain { broad: bool },
}

/// Reads an IP address, a CIDR range or a domain name; `None` for anything else.
fn entry(text: &str) -> Option<Entry> {
    let text = text.trim().trim_matches('"').trim();
    if text.is_empty() {
        return None;
    }
    let (addr, prefix) = match text.split_once('/') {
        Some((addr, prefix)) => (addr, Some(prefix.parse::<u8>().ok()?)),
        None => (text, None),
    };
    if addr.parse::<Ipv4Addr>().is_ok() {
        let prefix = prefix.unwrap_or(32);
        return (prefix <= 32).then_some(Entry::Ip {
            broad: prefix <= BROAD_IPV4_PREFIX,
        });
    }
    if addr.parse::<Ipv6Addr>().is_ok() {
        let prefix = prefix.unwrap_or(128);
        return (prefix <= 128).then_some(Entry::Ip {
            broad: prefix <= BROAD_IPV6_PREFIX,
        });
    }
    let text = text.strip_suffix('.').unwrap_or(text);
    if prefix.is_some() || !is_domain(text) {
        return None;
    }
    // A bare top-level domain, or a wildcard over one, trusts a whole namespace.
    let labels = text.trim_start_matches("*.").split('.').count();
    Some(Entry::Domain {
        broad: text == "*" || labels < 2,
    })
}

fn is_domain(text: &str) -> bool {
    text.len() <= 253
        && text.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && label
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '*')
        })
        && text.chars().any(|c| c.is_ascii_alphabetic() || c == '*')
}

struct Tally {
    content: ListContent,
}

impl Tally {
    fn new(bytes: u64) -> Tally {
        Tally {
            content: ListContent {
                bytes,
                judged: true,
                ..ListContent::default()
            },
        }
    }

    fn add(&mut self, text: &str) {
        let c = &mut self.content;
        match entry(text) {
            Some(Entry::Ip { broad }) => {
                c.ip_entries += 1;
                if broad {
                    self.broad(text);
                }
            }
            Some(Entry::Domain { broad }) => {
                c.domain_entries += 1;
                if broad {
                    self.broad(text);
                }
            }
            None => c.unreadable += 1,
        }
    }

    fn broad(&mut self, text: &str) {
        let c = &mut self.content;
        c.broad_count += 1;
        if c.broad.len() < KEEP_BROAD {
            // At most a line's worth of what the list says, control characters dropped.
            c.broad.push(
                text.trim()
                    .chars()
                    .filter(|ch| !ch.is_control())
                    .take(64)
                    .collect(),
            );
        }
    }
}

/// Parses a list object of `format` (as GuardDuty spells it: `TXT`, `STIX`, …).
pub fn parse(format: &str, bytes: &[u8]) -> ListContent {
    let text = String::from_utf8_lossy(bytes);
    let mut tally = Tally::new(bytes.len() as u64);
    match format.to_ascii_uppercase().as_str() {
        "TXT" => lines(&text).for_each(|line| tally.add(line)),
        "ALIEN_VAULT" => {
            for line in lines(&text) {
                tally.add(line.split('#').next().unwrap_or_default());
            }
        }
        "OTX_CSV" => otx(&text, &mut tally),
        "PROOF_POINT" => by_columns(&text, &["ip"], &mut tally),
        "FIRE_EYE" => by_columns(
            &text,
            &["ip", "cidr", "domain", "sourceip", "sourcedomain"],
            &mut tally,
        ),
        "STIX" => stix(&text, &mut tally),
        _ => {
            return ListContent {
                bytes: bytes.len() as u64,
                judged: false,
                ..ListContent::default()
            };
        }
    }
    tally.content
}

/// Non-blank lines, trimmed; `#` starts a comment line.
fn lines(text: &str) -> impl Iterator<Item = &str> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
}

fn fields(line: &str) -> Vec<&str> {
    line.split(',')
        .map(|f| f.trim().trim_matches('"').trim())
        .collect()
}

/// `Indicator type, Indicator, Description`: IPv4, IPv6, CIDR, domain and hostname rows.
fn otx(text: &str, tally: &mut Tally) {
    for line in lines(text) {
        let row = fields(line);
        let kind = row
            .first()
            .copied()
            .unwrap_or_default()
            .to_ascii_lowercase();
        let value = row.get(1).copied().unwrap_or_default();
        match kind.as_str() {
            "indicator type" => {}
            "ipv4" | "ipv6" | "cidr" | "domain" | "hostname" => tally.add(value),
            _ => tally.content.unreadable += 1,
        }
    }
}

/// A CSV with a header row: the entries are in the columns named `wanted` (any case).
fn by_columns(text: &str, wanted: &[&str], tally: &mut Tally) {
    let mut rows = lines(text);
    let Some(header) = rows.next() else {
        return;
    };
    let columns: Vec<usize> = fields(header)
        .iter()
        .enumerate()
        .filter(|(_, name)| wanted.contains(&name.to_ascii_lowercase().as_str()))
        .map(|(i, _)| i)
        .collect();
    if columns.is_empty() {
        // No header naming a column gdaudit knows: every row is unreadable.
        tally.content.unreadable += 1 + rows.count() as u64;
        return;
    }
    for row in rows {
        let row = fields(row);
        let values: Vec<&str> = columns
            .iter()
            .filter_map(|i| row.get(*i).copied())
            .filter(|v| !v.is_empty())
            .collect();
        if values.is_empty() {
            tally.content.unreadable += 1;
        }
        for value in values {
            tally.add(value);
        }
    }
}

/// The text of every `…Address_Value` and `…:Value` element (STIX 1.x observables); a
/// value may list several entries joined by `##comma##`.
fn stix(text: &str, tally: &mut Tally) {
    let mut rest = text;
    while let Some(open) = rest.find('<') {
        rest = &rest[open + 1..];
        let Some(close) = rest.find('>') else {
            break;
        };
        let tag = &rest[..close];
        let name = tag.split_whitespace().next().unwrap_or_default();
        let local = name.rsplit(':').next().unwrap_or_default();
        rest = &rest[close + 1..];
        if tag.ends_with('/') || !(local == "Address_Value" || local == "Value") {
            continue;
        }
        let Some(end) = rest.find('<') else {
            break;
        };
        let value = rest[..end].trim();
        for part in value.split("##comma##") {
            if !part.trim().is_empty() {
                tally.add(part);
            }
        }
        rest = &rest[end..];
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn txt_counts_entries_and_names_the_broad_ones() {
        let list = "# office\n203.0.113.7\n198.51.100.0/24\n\n0.0.0.0/0\n10.0.0.0/7\n\
                    2001:db8::/32\n2001:db8::/48\nexample.com\ncom\nnot an entry\n300.1.1.1\n";
        let c = parse("TXT", list.as_bytes());
        assert!(c.judged);
        assert_eq!(c.ip_entries, 6);
        assert_eq!(c.domain_entries, 2);
        assert_eq!(c.unreadable, 2);
        assert_eq!(c.broad, ["0.0.0.0/0", "10.0.0.0/7", "2001:db8::/32", "com"]);
        assert_eq!(c.broad_count, 4);
        assert_eq!(c.entries(), 8);
    }

    #[test]
    fn the_fixture_list_is_read() {
        let c = parse(
            "TXT",
            include_bytes!("../../tests/fixtures/lists/trusted.txt"),
        );
        assert_eq!((c.ip_entries, c.unreadable), (4, 0));
        assert_eq!(c.broad, ["0.0.0.0/0"]);
    }

    #[test]
    fn a_slash_8_is_broad_and_a_slash_9_is_not() {
        assert_eq!(parse("TXT", b"10.0.0.0/8").broad_count, 1);
        assert_eq!(parse("TXT", b"10.0.0.0/9").broad_count, 0);
        assert_eq!(parse("TXT", b"::/0").broad_count, 1);
        assert_eq!(parse("TXT", b"10.0.0.0/33").unreadable, 1);
    }

    #[test]
    fn otx_alienvault_proofpoint_and_fireeye_rows() {
        let otx = "Indicator type, Indicator, Description\nCIDR, 0.0.0.0/0, all\nIPv4, 198.51.100.1, x\nURL, http://x, y\n";
        let c = parse("OTX_CSV", otx.as_bytes());
        assert_eq!((c.ip_entries, c.broad_count, c.unreadable), (2, 1, 1));
        let av = "198.51.100.1#4#2#Malicious Host#SG##0.0,0.0#3\n203.0.113.9#4#2#Scanning Host#US##0,0#3\n";
        assert_eq!(parse("ALIEN_VAULT", av.as_bytes()).ip_entries, 2);
        let pp = "ip,category,score,first_seen,last_seen,ports\n198.51.100.1,1,10,2020-01-01,2020-01-02,80\n";
        assert_eq!(parse("PROOF_POINT", pp.as_bytes()).ip_entries, 1);
        let fe = "reportId,ip,domain,cidr\nr1,198.51.100.1,evil.example,\nr2,,,0.0.0.0/1\n";
        let c = parse("FIRE_EYE", fe.as_bytes());
        assert_eq!((c.ip_entries, c.domain_entries, c.broad_count), (2, 1, 1));
        let headless = "a,b\n1,2\n";
        assert_eq!(parse("PROOF_POINT", headless.as_bytes()).unreadable, 2);
    }

    #[test]
    fn stix_values_are_read() {
        let stix = r#"<stix:STIX_Package><cybox:Properties xsi:type="AddressObject:AddressObjectType" category="ipv4-addr">
            <AddressObject:Address_Value condition="Equals" apply_condition="ANY">198.51.100.1##comma##0.0.0.0/0</AddressObject:Address_Value>
            </cybox:Properties><DomainNameObj:Value>evil.example</DomainNameObj:Value><x:Value/></stix:STIX_Package>"#;
        let c = parse("STIX", stix.as_bytes());
        assert_eq!((c.ip_entries, c.domain_entries, c.broad_count), (2, 1, 1));
    }

    #[test]
    fn an_unknown_format_is_not_judged_and_garbage_never_panics() {
        let c = parse("PARQUET", b"\x00\x01");
        assert!(!c.judged);
        assert_eq!(c.bytes, 2);
        for format in [
            "TXT",
            "STIX",
            "OTX_CSV",
            "ALIEN_VAULT",
            "PROOF_POINT",
            "FIRE_EYE",
        ] {
            let c = parse(format, b"\xff\xfe<<<>>>/,,,##\n<a:Value>");
            assert!(c.judged);
        }
    }
}
