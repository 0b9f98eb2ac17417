//! Email and SMS, through the stubbed `mail` and `aws`.

use serde_json::{Value, json};

use crate::harness::*;

#[test]
fn email_sends_one_mail_per_change_with_a_safe_subject() {
    let mut findings = corpus_findings();
    let mut hostile = variant(&findings[0], "high", "33333333333333333333333333333333");
    hostile["title"] = json!("Filter x\nBcc: everyone@example.com");
    findings.push(hostile);
    let stubs = Stubs::new(&["mail"]);
    let out = Run::new()
        .with_stubs(&stubs)
        .env("ALERT_EMAIL_TO", "secops@example.com  oncall@example.com")
        .recipe("email.sh", &[], &to_jsonl(&findings));
    assert_exit(&out, 0);
    let calls = stubs.calls();
    assert_eq!(calls.len(), findings.len(), "one mail per finding");
    for (call, finding) in calls.iter().zip(&findings) {
        assert_eq!(call.program, "mail");
        assert_eq!(call.args.len(), 4, "{:?}", call.args);
        assert_eq!(call.args[0], "-s");
        assert_eq!(call.args[2..], ["secops@example.com", "oncall@example.com"]);
        let subject = &call.args[1];
        let severity = text(&finding["severity"]).to_ascii_uppercase();
        assert!(
            subject.starts_with(&format!("[gdaudit {severity}] ")),
            "{subject}"
        );
        assert!(subject.contains(text(&finding["fingerprint"])), "{subject}");
        assert!(
            !subject.contains('\n'),
            "a newline would start a header: {subject:?}"
        );
        assert!(call.stdin.starts_with(text(&finding["title"])));
        assert!(
            call.stdin
                .contains(&format!("Fingerprint: {}", text(&finding["fingerprint"])))
        );
        let raw: Value = serde_json::from_str(call.stdin.lines().last().unwrap()).unwrap();
        assert_eq!(
            &raw, finding,
            "the body ends with the finding as gdaudit wrote it"
        );
    }
    assert!(
        calls[2]
            .stdin
            .contains("Outcome:     failed (BadRequestException)")
    );
}

#[test]
fn sms_goes_out_for_critical_and_high_by_default() {
    let topic = "arn:aws:sns:eu-west-1:111122223333:guardduty-changes";
    let findings = corpus_findings();
    let stubs = Stubs::new(&["aws"]);
    let out = Run::new()
        .with_stubs(&stubs)
        .env("SNS_TOPIC_ARN", topic)
        .recipe("sms-sns.sh", &[], corpus_jsonl());
    assert_exit(&out, 0);
    let calls = stubs.calls();
    let critical: Vec<&Value> = findings
        .iter()
        .filter(|f| f["severity"] == "critical")
        .collect();
    assert_eq!(
        calls.len(),
        critical.len(),
        "the corpus has one critical change"
    );
    let args = &calls[0].args;
    assert_eq!(args[..2], ["sns", "publish"]);
    assert_eq!(arg(args, "--region"), "eu-west-1", "the topic's region");
    assert_eq!(arg(args, "--topic-arn"), topic);
    let message = arg(args, "--message");
    assert!(
        message.starts_with("gdaudit CRITICAL 111111111111/us-west-2: "),
        "{message}"
    );
    assert!(message.contains(text(&critical[0]["title"])) && message.len() <= 280);
    let attributes: Value = serde_json::from_str(arg(args, "--message-attributes")).unwrap();
    assert_eq!(
        attributes["AWS.SNS.SMS.SMSType"]["StringValue"],
        "Transactional"
    );

    let stubs = Stubs::new(&["aws"]);
    let out = Run::new()
        .with_stubs(&stubs)
        .env("SNS_TOPIC_ARN", topic)
        .env("SMS_MIN_SEVERITY", "low")
        .recipe("sms-sns.sh", &[], corpus_jsonl());
    assert_exit(&out, 0);
    assert_eq!(stubs.calls().len(), 4, "every change is low or above");

    let out = Run::new()
        .env("SNS_TOPIC_ARN", topic)
        .env("SMS_MIN_SEVERITY", "urgent")
        .recipe("sms-sns.sh", &[], corpus_jsonl());
    assert_exit(&out, 2);
}
