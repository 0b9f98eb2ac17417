//! The HTTP senders (alerts.md, cron.md), against the local listener.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Value, json};

use crate::harness::*;
use crate::http::{Listener, Request};

#[test]
fn slack_posts_one_escaped_message_per_change() {
    let mut findings = corpus_findings();
    // CloudTrail text is attacker-controlled: a filter named `<!channel>` must not ping anyone.
    let mut hostile = variant(&findings[0], "high", "0123456789abcdef0123456789abcdef");
    hostile["title"] = json!("Suppression rule <!channel> & <@U123> created");
    findings.push(hostile);
    let server = Listener::ok();
    let out = Run::new()
        .env(
            "SLACK_WEBHOOK_URL",
            format!("{}/services/T000/B000/secret", server.url),
        )
        .recipe("slack.sh", &[], &to_jsonl(&findings));
    assert_exit(&out, 0);
    assert!(
        out.stdout.is_empty(),
        "nothing undelivered: {}",
        describe(&out)
    );
    let requests = server.requests();
    assert_eq!(requests.len(), findings.len(), "one POST per finding");
    for (request, finding) in requests.iter().zip(&findings) {
        assert_eq!(request.method, "POST");
        assert_eq!(request.path(), "/services/T000/B000/secret");
        assert_eq!(request.header("content-type"), Some("application/json"));
        let body = request.json();
        let message = text(&body["text"]);
        let severity = text(&finding["severity"]).to_ascii_uppercase();
        assert!(message.starts_with(&format!("*{severity}*")), "{message}");
        assert!(message.contains(text(&finding["fingerprint"])), "{message}");
        assert!(message.contains(text(&finding["account"])), "{message}");
        if let Some(actor) = finding["details"]["actor"]["arn"].as_str() {
            assert!(message.contains(&format!("by {actor}")), "{message}");
        }
    }
    let hostile = text(&requests[4].json()["text"]).to_owned();
    assert!(
        hostile.contains("&lt;!channel&gt; &amp; &lt;@U123&gt;"),
        "{hostile}"
    );
    assert!(!hostile.contains("<!channel>"), "{hostile}");
}

#[test]
fn pagerduty_triggers_with_the_fingerprint_as_dedup_key() {
    let mut findings = corpus_findings();
    findings.push(variant(
        &findings[0],
        "high",
        "11111111111111111111111111111111",
    ));
    findings.push(variant(
        &findings[0],
        "info",
        "22222222222222222222222222222222",
    ));
    let server = Listener::start(|_| {
        (
            202,
            r#"{"status":"success","message":"Event processed"}"#.to_owned(),
        )
    });
    let out = Run::new()
        .env("PAGERDUTY_ROUTING_KEY", "R0UT1NGK3Y")
        .env("PAGERDUTY_EVENTS_URL", format!("{}/v2/enqueue", server.url))
        .recipe("pagerduty.sh", &[], &to_jsonl(&findings));
    assert_exit(&out, 0);
    let requests = server.requests();
    assert_eq!(requests.len(), findings.len(), "one event per finding");
    let mut mapped = BTreeMap::new();
    for (request, finding) in requests.iter().zip(&findings) {
        assert_eq!(request.method, "POST");
        assert_eq!(request.path(), "/v2/enqueue");
        assert_eq!(request.header("content-type"), Some("application/json"));
        let event = request.json();
        assert_eq!(event["routing_key"], "R0UT1NGK3Y");
        assert_eq!(event["event_action"], "trigger");
        assert_eq!(event["dedup_key"], finding["fingerprint"]);
        let payload = &event["payload"];
        assert_eq!(payload["summary"], finding["title"]);
        assert_eq!(
            payload["source"],
            format!(
                "aws:{}:{}",
                text(&finding["account"]),
                text(&finding["region"])
            )
        );
        assert_eq!(payload["class"], "guardduty-config-change");
        assert_eq!(payload["component"], finding["resource"]);
        assert_eq!(payload["timestamp"], finding["details"]["event_time"]);
        assert_eq!(&payload["custom_details"], finding);
        mapped.insert(
            text(&finding["severity"]).to_owned(),
            text(&payload["severity"]).to_owned(),
        );
    }
    let expected: BTreeMap<String, String> = [
        ("critical", "critical"),
        ("high", "error"),
        ("medium", "warning"),
        ("low", "info"),
        ("info", "info"),
    ]
    .into_iter()
    .map(|(a, b)| (a.to_owned(), b.to_owned()))
    .collect();
    assert_eq!(mapped, expected, "gdaudit severity -> PagerDuty severity");
}

#[test]
fn servicenow_opens_an_incident_unless_one_is_open_for_the_fingerprint() {
    let findings = corpus_findings();
    let tracked = text(&findings[2]["fingerprint"]).to_owned();
    let tracked_in_listener = tracked.clone();
    let server = Listener::start(move |request| match request.method.as_str() {
        "GET" if request.query()["sysparm_query"].ends_with(&tracked_in_listener) => {
            (200, r#"{"result":[{"number":"INC0010001"}]}"#.to_owned())
        }
        "GET" => (200, r#"{"result":[]}"#.to_owned()),
        _ => (
            201,
            r#"{"result":{"number":"INC0010002","sys_id":"46d44a"}}"#.to_owned(),
        ),
    });
    let out = Run::new()
        .env("SERVICENOW_INSTANCE_URL", format!("{}/", server.url))
        .env("SERVICENOW_USER", "gdaudit.integration")
        .env("SERVICENOW_PASSWORD", "pa:ss w0rd")
        .recipe("servicenow.sh", &[], corpus_jsonl());
    assert_exit(&out, 0);
    let requests = server.requests();
    let auth = format!("Basic {}", base64(b"gdaudit.integration:pa:ss w0rd"));
    for request in &requests {
        assert_eq!(request.path(), "/api/now/table/incident");
        assert_eq!(request.header("authorization"), Some(auth.as_str()));
        assert_eq!(request.header("accept"), Some("application/json"));
    }
    let (lookups, creates): (Vec<&Request>, Vec<&Request>) =
        requests.iter().partition(|r| r.method == "GET");
    assert_eq!(lookups.len(), 4, "one lookup per finding");
    for (lookup, finding) in lookups.iter().zip(&findings) {
        let query = lookup.query();
        assert_eq!(
            query["sysparm_query"],
            format!(
                "active=true^correlation_id={}",
                text(&finding["fingerprint"])
            )
        );
        assert_eq!(query["sysparm_limit"], "1");
    }
    assert_eq!(creates.len(), 3, "no incident for the tracked fingerprint");
    let untracked: Vec<&Value> = findings
        .iter()
        .filter(|f| f["fingerprint"] != tracked.as_str())
        .collect();
    for (create, finding) in creates.iter().zip(untracked) {
        assert_eq!(create.method, "POST");
        assert_eq!(create.header("content-type"), Some("application/json"));
        let incident = create.json();
        assert_eq!(incident["correlation_id"], finding["fingerprint"]);
        assert_eq!(incident["correlation_display"], "gdaudit");
        let short = text(&incident["short_description"]);
        assert!(short.starts_with("gdaudit: ") && short.chars().count() <= 160);
        let description = text(&incident["description"]);
        assert!(description.contains(text(&finding["fingerprint"])));
        let (impact, urgency) = match text(&finding["severity"]) {
            "critical" => ("1", "1"),
            "high" => ("1", "2"),
            "medium" => ("2", "2"),
            "low" => ("3", "2"),
            _ => ("3", "3"),
        };
        assert_eq!(
            (text(&incident["impact"]), text(&incident["urgency"])),
            (impact, urgency)
        );
        assert!(incident.get("assignment_group").is_none());
    }
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains(&tracked), "says why it skipped: {stderr}");
}

#[test]
fn zendesk_opens_a_ticket_unless_an_unsolved_one_has_the_fingerprint() {
    let findings = corpus_findings();
    let open = text(&findings[0]["fingerprint"]).to_owned();
    let solved = text(&findings[1]["fingerprint"]).to_owned();
    let (open_in_listener, solved_in_listener) = (open.clone(), solved.clone());
    let server = Listener::start(move |request| {
        if request.method != "GET" {
            return (201, r#"{"ticket":{"id":35436}}"#.to_owned());
        }
        let id = request.query()["external_id"].clone();
        let status = if id == open_in_listener {
            "open"
        } else if id == solved_in_listener {
            "solved"
        } else {
            return (200, r#"{"tickets":[],"count":0}"#.to_owned());
        };
        (
            200,
            format!(r#"{{"tickets":[{{"id":1,"status":"{status}"}}],"count":1}}"#),
        )
    });
    let out = Run::new()
        .env("ZENDESK_URL", &server.url)
        .env("ZENDESK_EMAIL", "secops@example.com")
        .env("ZENDESK_API_TOKEN", "z3nd3sk")
        .recipe("zendesk.sh", &[], corpus_jsonl());
    assert_exit(&out, 0);
    let requests = server.requests();
    let auth = format!("Basic {}", base64(b"secops@example.com/token:z3nd3sk"));
    for request in &requests {
        assert_eq!(request.path(), "/api/v2/tickets.json");
        assert_eq!(request.header("authorization"), Some(auth.as_str()));
    }
    let creates: Vec<Value> = requests
        .iter()
        .filter(|r| r.method == "POST")
        .map(Request::json)
        .collect();
    assert_eq!(requests.len() - creates.len(), 4, "one lookup per finding");
    let created: BTreeSet<&str> = creates
        .iter()
        .map(|c| text(&c["ticket"]["external_id"]))
        .collect();
    let expected: BTreeSet<&str> = findings
        .iter()
        .map(|f| text(&f["fingerprint"]))
        .filter(|fp| *fp != open)
        .collect();
    assert_eq!(
        created, expected,
        "a solved ticket does not hold back a new one"
    );
    for create in &creates {
        let ticket = &create["ticket"];
        let finding = findings
            .iter()
            .find(|f| f["fingerprint"] == ticket["external_id"])
            .unwrap();
        let priority = match text(&finding["severity"]) {
            "critical" => "urgent",
            "high" => "high",
            "medium" => "normal",
            _ => "low",
        };
        assert_eq!(ticket["priority"], priority);
        assert_eq!(ticket["type"], "incident");
        assert!(text(&ticket["subject"]).starts_with("gdaudit: "));
        assert!(text(&ticket["comment"]["body"]).contains(text(&finding["title"])));
        let tags: Vec<&str> = ticket["tags"]
            .as_array()
            .unwrap()
            .iter()
            .map(text)
            .collect();
        assert!(tags.contains(&"gdaudit") && tags.contains(&"guardduty-config-change"));
    }
}

#[test]
fn jira_opens_an_issue_labelled_with_the_fingerprint() {
    let findings = corpus_findings();
    let tracked = text(&findings[3]["fingerprint"]).to_owned();
    let tracked_in_listener = tracked.clone();
    let server = Listener::start(move |request| match request.method.as_str() {
        "GET" if request.query()["jql"].contains(&tracked_in_listener) => (
            200,
            r#"{"issues":[{"id":"10001","key":"SEC-1"}],"isLast":true}"#.to_owned(),
        ),
        "GET" => (200, r#"{"issues":[],"isLast":true}"#.to_owned()),
        _ => (201, r#"{"id":"10002","key":"SEC-2","self":"x"}"#.to_owned()),
    });
    let out = Run::new()
        .env("JIRA_URL", &server.url)
        .env("JIRA_PROJECT", "SEC")
        .env("JIRA_USER", "secops@example.com")
        .env("JIRA_API_TOKEN", "j1ra")
        .recipe("jira.sh", &[], corpus_jsonl());
    assert_exit(&out, 0);
    let requests = server.requests();
    let auth = format!("Basic {}", base64(b"secops@example.com:j1ra"));
    assert!(
        requests
            .iter()
            .all(|r| r.header("authorization") == Some(auth.as_str()))
    );
    let lookups: Vec<&Request> = requests.iter().filter(|r| r.method == "GET").collect();
    assert_eq!(lookups.len(), 4);
    for (lookup, finding) in lookups.iter().zip(&findings) {
        assert_eq!(lookup.path(), "/rest/api/2/search/jql");
        assert_eq!(
            lookup.query()["jql"],
            format!(
                "project = \"SEC\" AND labels = \"gdaudit-{}\" AND statusCategory != Done",
                text(&finding["fingerprint"])
            )
        );
    }
    let creates: Vec<&Request> = requests.iter().filter(|r| r.method == "POST").collect();
    assert_eq!(creates.len(), 3, "no issue for the tracked fingerprint");
    for create in creates {
        assert_eq!(create.path(), "/rest/api/2/issue");
        assert_eq!(create.header("content-type"), Some("application/json"));
        let fields = &create.json()["fields"];
        assert_eq!(fields["project"]["key"], "SEC");
        assert_eq!(fields["issuetype"]["name"], "Task");
        let labels: Vec<&str> = fields["labels"]
            .as_array()
            .unwrap()
            .iter()
            .map(text)
            .collect();
        let fingerprint = labels
            .iter()
            .find_map(|l| l.strip_prefix("gdaudit-").filter(|rest| rest.len() == 32))
            .unwrap();
        assert_ne!(fingerprint, tracked);
        let finding = findings
            .iter()
            .find(|f| f["fingerprint"] == fingerprint)
            .unwrap();
        assert!(labels.contains(&format!("gdaudit-{}", text(&finding["severity"])).as_str()));
        assert_eq!(
            fields["summary"],
            format!("gdaudit: {}", text(&finding["title"]))
        );
        assert!(text(&fields["description"]).contains("{noformat}"));
    }

    // Jira Data Center: a personal access token, as a bearer token.
    let server = Listener::start(|request| match request.method.as_str() {
        "GET" => (200, r#"{"issues":[]}"#.to_owned()),
        _ => (201, r#"{"key":"SEC-3"}"#.to_owned()),
    });
    let out = Run::new()
        .env("JIRA_URL", &server.url)
        .env("JIRA_PROJECT", "SEC")
        .env("JIRA_API_TOKEN", "p4t")
        .env("JIRA_SEARCH_PATH", "/rest/api/2/search")
        .recipe("jira.sh", &[], &to_jsonl(&findings[..1]));
    assert_exit(&out, 0);
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    assert_eq!(requests[0].path(), "/rest/api/2/search");
    assert!(
        requests
            .iter()
            .all(|r| r.header("authorization") == Some("Bearer p4t"))
    );
}

#[test]
fn ticket_api_gets_each_finding_as_is_and_undelivered_ones_come_back() {
    let findings = corpus_findings();
    let refused = text(&findings[1]["fingerprint"]).to_owned();
    let refused_in_listener = refused.clone();
    let server = Listener::start(move |request| {
        if request.header("idempotency-key") == Some(refused_in_listener.as_str()) {
            (400, r#"{"error":"no"}"#.to_owned())
        } else {
            (201, r#"{"id":"T-1"}"#.to_owned())
        }
    });
    let out = Run::new()
        .env("TICKET_API_URL", format!("{}/api/tickets", server.url))
        .env("TICKET_API_TOKEN", "t0k3n")
        .recipe("ticket.sh", &[], corpus_jsonl());
    assert_exit(&out, 75);
    let requests = server.requests();
    assert_eq!(requests.len(), 4, "one POST per finding");
    for (request, finding) in requests.iter().zip(&findings) {
        assert_eq!(request.method, "POST");
        assert_eq!(request.path(), "/api/tickets");
        assert_eq!(request.header("authorization"), Some("Bearer t0k3n"));
        assert_eq!(request.header("content-type"), Some("application/json"));
        assert_eq!(
            request.header("idempotency-key"),
            finding["fingerprint"].as_str()
        );
        assert_eq!(&request.json(), finding, "the finding, unchanged");
    }
    let undelivered = parse_lines(&String::from_utf8(out.stdout).unwrap());
    assert_eq!(undelivered.len(), 1, "only the refused finding comes back");
    assert_eq!(undelivered[0]["fingerprint"], refused.as_str());
}
