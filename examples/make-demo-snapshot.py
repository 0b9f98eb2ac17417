#!/usr/bin/env python3
"""Writes examples/demo-snapshot.json: a made-up but realistic account with some problems.

The data is invented (account 111122223333, AWS's documentation account id); its shapes are those
`gdaudit collect` writes. Re-run after changing the snapshot format: python3 examples/make-demo-snapshot.py
"""
import hashlib
import json
import pathlib

ACCOUNT = "111122223333"
MEMBERS = [("444455556666", "Enabled"), ("777788889999", "Enabled"), ("123412341234", "Removed")]
DEFAULT = ["ap-northeast-1", "ap-northeast-2", "ap-northeast-3", "ap-south-1", "ap-southeast-1",
           "ap-southeast-2", "ca-central-1", "eu-central-1", "eu-north-1", "eu-west-1", "eu-west-2",
           "eu-west-3", "sa-east-1", "us-east-1", "us-east-2", "us-west-1", "us-west-2"]


def detector_id(region):
    return hashlib.md5(("demo" + region).encode()).hexdigest()


def features(off=(), runtime_agents_off=()):
    def st(name):
        return "DISABLED" if name in off else "ENABLED"
    out = [{"name": n, "status": st(n)} for n in
           ["CLOUD_TRAIL", "DNS_LOGS", "FLOW_LOGS", "S3_DATA_EVENTS", "EKS_AUDIT_LOGS",
            "EBS_MALWARE_PROTECTION", "RDS_LOGIN_EVENTS", "LAMBDA_NETWORK_LOGS"]]
    out.append({"name": "AI_PROTECTION", "status": st("AI_PROTECTION")})
    out.append({"name": "EKS_RUNTIME_MONITORING", "status": "DISABLED",
                "additional_configuration": [{"name": "EKS_ADDON_MANAGEMENT", "status": "DISABLED"}]})
    out.append({"name": "RUNTIME_MONITORING", "status": st("RUNTIME_MONITORING"),
                "additional_configuration": [
                    {"name": n, "status": "DISABLED" if n in runtime_agents_off or "RUNTIME_MONITORING" in off else "ENABLED"}
                    for n in ["EKS_ADDON_MANAGEMENT", "ECS_FARGATE_AGENT_MANAGEMENT", "EC2_AGENT_MANAGEMENT"]]})
    return out


def region(name, status="ENABLED", off=(), agents_off=(), frequency="FIFTEEN_MINUTES", members=True, detector=True):
    r = {"region": name, "opt_status": "ENABLED_BY_DEFAULT"}
    if not detector:
        r["detectors"] = []
        return r
    r["detectors"] = [{
        "id": detector_id(name), "status": status, "finding_publishing_frequency": frequency,
        "service_role": f"arn:aws:iam::{ACCOUNT}:role/aws-service-role/guardduty.amazonaws.com/AWSServiceRoleForAmazonGuardDuty",
        "created_at": "2024-03-11T09:24:51.215Z", "updated_at": "2026-11-20T17:02:33.910Z",
        "features": features(off, agents_off)}]
    # The third member left the organization's GuardDuty in two regions only.
    r["members"] = [{"account_id": a, "relationship_status": s if name in ("us-east-1", "eu-west-2") else "Enabled",
                     "detector_id": hashlib.md5((a + name).encode()).hexdigest()}
                    for a, s in MEMBERS] if members else []
    r.update(objects(name))
    return r


# What is configured inside GuardDuty (issue 12): healthy everywhere but for one of each
# problem. Findings ages count back from collected_at (2026-11-22T08:00:00Z).
OWNER = {"owner": "security"}


def bands(stale=None):
    stale = stale or {}
    days = {"critical": 1, "high": 1, "medium": 7, "low": 30}
    out = []
    for band in ["critical", "high", "medium", "low"]:
        b = {"band": band, "older_than_days": days[band], "count": stale.get(band, (0,))[0]}
        if b["count"]:
            b["oldest_updated_at"], b["oldest_finding_type"] = stale[band][1], stale[band][2]
        out.append(b)
    return out


def objects(name):
    o = {"filters": [{"name": "ignore-scanner-portprobes", "action": "ARCHIVE", "rank": 1,
                      "description": "The vulnerability scanner probes ports weekly",
                      "criteria": {"type": {"eq": ["Recon:EC2/PortProbeUnprotectedPort"]},
                                   "resource.instanceDetails.instanceId": {"eq": ["i-0a1b2c3d4e5f60718"]}},
                      "tags": OWNER}],
         "lists": [{"kind": "threat-intel-set", "id": "feed" + detector_id(name)[:8], "name": "isac-feed",
                    "status": "ACTIVE", "location": "s3://sec-threat-intel/isac-feed.txt", "format": "TXT",
                    "tags": OWNER}],
         "publishing_destinations": [{"id": "dest" + detector_id(name)[:8], "destination_type": "S3",
                                      "status": "PUBLISHING",
                                      "destination_arn": "arn:aws:s3:::org-guardduty-findings",
                                      "kms_key_arn": f"arn:aws:kms:{name}:{ACCOUNT}:key/1f2e3d4c-0000-4000-8000-00000000abcd"}],
         "malware_protection_plans": [],
         "detector_tags": OWNER,
         "unhandled_findings": bands()}
    if name == "us-east-1":
        # A rule someone added "to cut the noise": it archives everything from 7 up.
        o["filters"].append({"name": "cut-the-noise", "action": "ARCHIVE", "rank": 2,
                             "criteria": {"severity": {"gte": 7}}})
        o["lists"].append({"kind": "trusted-ip-list", "id": "trusted" + detector_id(name)[:8],
                           "name": "office-egress", "status": "ACTIVE",
                           "location": "s3://netops-shared/trusted-ips.txt", "format": "TXT"})
        o["unhandled_findings"] = bands({"high": (3, "2026-11-20T06:12:44.000Z", "UnauthorizedAccess:EC2/SSHBruteForce")})
    elif name == "eu-west-3":
        o["lists"][0]["status"] = "ERROR"
        o["publishing_destinations"][0]["status"] = "STOPPED"
        o["publishing_destinations"][0]["publishing_failure_start_timestamp"] = 1795075200000
        o["unhandled_findings"] = bands({"critical": (1, "2026-11-19T22:40:01.000Z",
                                                      "AttackSequence:IAM/CompromisedCredentials")})
    elif name == "eu-west-2":
        o["malware_protection_plans"] = [{
            "id": "b4c7a3f1e2d5c6b7a8f9", "arn": f"arn:aws:guardduty:{name}:{ACCOUNT}:malware-protection-plan/b4c7a3f1e2d5c6b7a8f9",
            "status": "ERROR", "bucket": "customer-uploads",
            "role": f"arn:aws:iam::{ACCOUNT}:role/GuardDutyMalwareProtectionS3",
            "status_reasons": ["AccessDenied: the plan's role cannot read the bucket's KMS key"]}]
        o["unhandled_findings"] = bands({"low": (12, "2026-10-02T11:03:27.000Z", "Recon:EC2/Portscan")})
    elif name == "us-west-1":
        o["detector_tags"] = {}  # untagged: shows with [detectors] required-tag-keys
    return o


regions = []
for name in DEFAULT:
    if name == "eu-west-1":
        regions.append(region(name, status="DISABLED"))
    elif name == "ap-south-1":
        r = region(name, detector=False)
        # Plans exist without a detector, and the delegated administrator does not see them.
        r["malware_protection_plans"] = [{
            "id": "c9d8e7f6a5b4c3d2e1f0", "status": "WARNING", "bucket": "mumbai-invoices",
            "role": f"arn:aws:iam::{ACCOUNT}:role/GuardDutyMalwareProtectionS3",
            "status_reasons": ["EventBridgeRuleMissing: objects uploaded may not be scanned"]}]
        regions.append(r)
    elif name == "ca-central-1":
        regions.append(region(name, off=("AI_PROTECTION",)))
    elif name == "us-west-2":
        regions.append(region(name, off=("S3_DATA_EVENTS", "EBS_MALWARE_PROTECTION")))
    elif name == "eu-central-1":
        regions.append(region(name, off=("RUNTIME_MONITORING",), frequency="SIX_HOURS"))
    elif name == "ap-southeast-2":
        regions.append(region(name, agents_off=("ECS_FARGATE_AGENT_MANAGEMENT",)))
    elif name == "ap-northeast-3":
        regions.append(region(name, members=False))
    elif name == "sa-east-1":
        regions.append({"region": name, "opt_status": "ENABLED_BY_DEFAULT", "errors": [{
            "kind": "access-denied", "operation": "guardduty:ListDetectors", "code": "AccessDeniedException",
            "message": "AccessDeniedException: User: arn:aws:sts::111122223333:assumed-role/gdaudit/ci is not "
                       "authorized to perform: guardduty:ListDetectors with an explicit deny in a service control policy"}]})
    else:
        regions.append(region(name))
regions.append({"region": "af-south-1", "opt_status": "DISABLED"})
regions.sort(key=lambda r: r["region"])

snapshot = {
    "snapshot_version": 1,
    "tool_version": "0.1.0",
    "collected_at": "2026-11-22T08:00:00Z",
    "account": {"id": ACCOUNT, "caller_arn": f"arn:aws:sts::{ACCOUNT}:assumed-role/gdaudit/ci"},
    "regions": {"source": "account-api", "regions": [
        {"name": r["region"], "opt_status": r["opt_status"]} for r in regions]},
    "detectors": regions,
}


def identity(kind, name, session=None):
    if kind == "role":
        return {"type": "AssumedRole", "arn": f"arn:aws:sts::{ACCOUNT}:assumed-role/{name}/{session}",
                "account_id": ACCOUNT, "principal_id": f"AROA{name.upper()[:8]}:{session}",
                "session_issuer": {"type": "Role", "arn": f"arn:aws:iam::{ACCOUNT}:role/{name}",
                                   "account_id": ACCOUNT, "user_name": name}}
    return {"type": "IAMUser", "arn": f"arn:aws:iam::{ACCOUNT}:user/{name}", "account_id": ACCOUNT,
            "principal_id": f"AIDA{name.upper()[:8]}", "user_name": name}


def event(n, when, region, name, who, ip, agent, params, error=None):
    e = {"event_id": f"6f1c0d2e-9a4b-4c7d-8e21-{n:012d}", "event_time": when, "event_name": name,
         "event_source": "guardduty.amazonaws.com", "region": region, "recipient_account_id": ACCOUNT,
         "user_identity": who, "source_ip_address": ip, "user_agent": agent, "read_only": False,
         "request_parameters": params}
    if error:
        e["error_code"], e["error_message"] = error
    return e


CLI = "aws-cli/2.17.20 Python/3.11.9 Linux/6.1 exe/x86_64.amzn.2023 command/guardduty"
CONSOLE = "AWS Internal"
events = {
    "us-east-1": [
        event(1, "2026-11-17T09:12:44Z", "us-east-1", "CreateIPSet", identity("role", "ops-automation", "jenkins-4411"),
              "198.51.100.23", CLI + ".create-ip-set",
              {"detectorId": detector_id("us-east-1"), "name": "office-egress", "format": "TXT",
               "location": "https://s3.amazonaws.com/ops-config/trusted.txt", "activate": True}),
        event(2, "2026-11-19T14:03:10Z", "us-east-1", "ArchiveFindings", identity("user", "analyst.kim"),
              "203.0.113.10", CONSOLE,
              {"detectorId": detector_id("us-east-1"), "findingIds": ["a2c1", "9f0e"]}),
        event(3, "2026-11-21T11:40:02Z", "us-east-1", "CreateSampleFindings", identity("user", "analyst.kim"),
              "203.0.113.10", CONSOLE, {"detectorId": detector_id("us-east-1")}),
    ],
    "eu-west-1": [
        event(4, "2026-11-20T02:17:55Z", "eu-west-1", "UpdateDetector", identity("role", "ops-automation", "i-0b22a"),
              "185.220.101.7", "Boto3/1.34.0 md/Botocore#1.34.0 ua/2.0 os/linux",
              {"detectorId": detector_id("eu-west-1"), "enable": False}),
    ],
    "us-west-2": [
        event(5, "2026-11-18T16:22:31Z", "us-west-2", "UpdateDetector", identity("user", "contractor-dev"),
              "192.0.2.44", CLI + ".update-detector",
              {"detectorId": detector_id("us-west-2"),
               "features": [{"name": "S3_DATA_EVENTS", "status": "DISABLED"},
                            {"name": "EBS_MALWARE_PROTECTION", "status": "DISABLED"}]}),
    ],
    "eu-central-1": [
        event(6, "2026-11-19T08:05:12Z", "eu-central-1", "CreateFilter", identity("role", "ops-automation", "jenkins-4420"),
              "198.51.100.23", CLI + ".create-filter",
              {"detectorId": detector_id("eu-central-1"), "name": "ignore-port-probes", "action": "ARCHIVE",
               "findingCriteria": {"criterion": {"type": {"eq": ["Recon:EC2/PortProbeUnprotectedPort"]}}}}),
    ],
    "ap-south-1": [
        event(7, "2026-11-16T22:48:09Z", "ap-south-1", "DeleteDetector", identity("user", "contractor-dev"),
              "192.0.2.44", CLI + ".delete-detector",
              {"detectorId": "0cb2f7e1a9d84e6b5f3c2d1e0a9b8c7d"}),
        event(8, "2026-11-16T22:51:40Z", "ap-south-1", "DeleteDetector", identity("user", "contractor-dev"),
              "192.0.2.44", CLI + ".delete-detector",
              {"detectorId": "0cb2f7e1a9d84e6b5f3c2d1e0a9b8c7d"},
              error=("AccessDenied", "User is not authorized to perform: guardduty:DeleteDetector")),
    ],
}
changes = {"since": "2026-11-15T08:00:00Z", "until": "2026-11-22T08:00:00Z", "include_read_only": False,
           "regions": []}
for r in regions:
    name = r["region"]
    if r["opt_status"] == "DISABLED":
        continue
    entry = {"region": name, "events": events.get(name, []), "pages": 1}
    if name == "sa-east-1":
        entry["events"] = []
        entry["pages"] = 0
        entry["errors"] = [{"kind": "access-denied", "operation": "cloudtrail:LookupEvents",
                            "code": "AccessDeniedException",
                            "message": "AccessDeniedException: explicit deny in a service control policy"}]
    changes["regions"].append(entry)


def policy_doc(*statements):
    return {"Version": "2012-10-17", "Statement": list(statements)}


def managed(name, arn, document):
    return {"PolicyName": name, "PolicyId": "ANPA" + hashlib.md5(name.encode()).hexdigest()[:16].upper(),
            "Arn": arn, "Path": "/", "DefaultVersionId": "v2",
            "PolicyVersionList": [
                {"VersionId": "v2", "IsDefaultVersion": True, "Document": document},
                {"VersionId": "v1", "IsDefaultVersion": False,
                 "Document": policy_doc({"Effect": "Allow", "Action": "*", "Resource": "*"})}]}


def arn(kind, name, path="/"):
    return f"arn:aws:iam::{ACCOUNT}:{kind}{path}{name}"


ADMIN = "arn:aws:iam::aws:policy/AdministratorAccess"


def trust(*statements):
    return policy_doc(*statements)


ACCOUNT_TRUST = {"Sid": "AccountMayAssume", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
                 "Action": "sts:AssumeRole"}
iam = {
    "authorization_details": {
        "UserDetailList": [
            {"UserName": "analyst.kim", "UserId": "AIDAANALYSTKIM", "Arn": arn("user", "analyst.kim"), "Path": "/",
             "GroupList": ["soc-analysts"], "UserPolicyList": [], "AttachedManagedPolicies": []},
            {"UserName": "contractor-dev", "UserId": "AIDACONTRACTOR", "Arn": arn("user", "contractor-dev"), "Path": "/",
             "GroupList": ["developers"], "AttachedManagedPolicies": [],
             "UserPolicyList": [{"PolicyName": "everything-but-iam", "PolicyDocument": policy_doc(
                 {"Sid": "BroadAccess", "Effect": "Allow", "NotAction": ["iam:*", "organizations:*"], "Resource": "*"})}]},
            {"UserName": "break-glass", "UserId": "AIDABREAKGLASS", "Arn": arn("user", "break-glass"), "Path": "/",
             "GroupList": [], "UserPolicyList": [],
             "AttachedManagedPolicies": [{"PolicyName": "AdministratorAccess", "PolicyArn": ADMIN}]},
        ],
        "GroupDetailList": [
            {"GroupName": "soc-analysts", "GroupId": "AGPASOC", "Arn": arn("group", "soc-analysts"), "Path": "/",
             "GroupPolicyList": [], "AttachedManagedPolicies": [
                 {"PolicyName": "guardduty-triage", "PolicyArn": arn("policy", "guardduty-triage")}]},
            {"GroupName": "developers", "GroupId": "AGPADEV", "Arn": arn("group", "developers"), "Path": "/",
             "GroupPolicyList": [{"PolicyName": "deny-guardduty-delete", "PolicyDocument": policy_doc(
                 {"Sid": "NoDetectorDeletes", "Effect": "Deny", "Action": "guardduty:DeleteDetector", "Resource": "*"})}],
             "AttachedManagedPolicies": []},
        ],
        "RoleDetailList": [
            {"RoleName": "ops-automation", "RoleId": "AROAOPS", "Arn": arn("role", "ops-automation"), "Path": "/",
             "RolePolicyList": [{"PolicyName": "guardduty-ops", "PolicyDocument": policy_doc(
                 {"Sid": "ManageGuardDuty", "Effect": "Allow",
                  "Action": ["guardduty:UpdateDetector", "guardduty:CreateIPSet", "guardduty:UpdateIPSet",
                             "guardduty:CreateFilter", "guardduty:Get*", "guardduty:List*"],
                  "Resource": f"arn:aws:guardduty:*:{ACCOUNT}:detector/*"})}],
             "AttachedManagedPolicies": [],
             # Any principal of the account allowed sts:AssumeRole on it may assume it: the CI
             # deployer, capped away from GuardDuty by its boundary, gets GuardDuty through it.
             "AssumeRolePolicyDocument": trust(ACCOUNT_TRUST)},
            {"RoleName": "GuardDutyAdmin", "RoleId": "AROAGDADMIN", "Arn": arn("role", "GuardDutyAdmin", "/security/"),
             "Path": "/security/", "RolePolicyList": [], "AttachedManagedPolicies": [
                 {"PolicyName": "AmazonGuardDutyFullAccess", "PolicyArn": "arn:aws:iam::aws:policy/AmazonGuardDutyFullAccess"}],
             "AssumeRolePolicyDocument": trust(dict(ACCOUNT_TRUST, Sid="AccountWithMfa",
                                                    Condition={"Bool": {"aws:MultiFactorAuthPresent": "true"}}))},
            {"RoleName": "ci-deployer", "RoleId": "AROACI", "Arn": arn("role", "ci-deployer"), "Path": "/",
             "RolePolicyList": [], "AttachedManagedPolicies": [
                 {"PolicyName": "ci-deploy", "PolicyArn": arn("policy", "ci-deploy")}],
             "PermissionsBoundary": {"PermissionsBoundaryType": "Policy",
                                     "PermissionsBoundaryArn": arn("policy", "no-security-services")},
             "AssumeRolePolicyDocument": trust({"Effect": "Allow", "Principal": {"Service": "codebuild.amazonaws.com"},
                                                "Action": "sts:AssumeRole"})},
            {"RoleName": "AWSServiceRoleForAmazonGuardDuty", "RoleId": "AROASLR",
             "Arn": arn("role", "AWSServiceRoleForAmazonGuardDuty", "/aws-service-role/guardduty.amazonaws.com/"),
             "Path": "/aws-service-role/guardduty.amazonaws.com/", "RolePolicyList": [], "AttachedManagedPolicies": [],
             "AssumeRolePolicyDocument": trust({"Effect": "Allow", "Principal": {"Service": "guardduty.amazonaws.com"},
                                                "Action": "sts:AssumeRole"})},
        ],
        "Policies": [
            managed("guardduty-triage", arn("policy", "guardduty-triage"), policy_doc(
                {"Sid": "Read", "Effect": "Allow", "Action": ["guardduty:Get*", "guardduty:List*"], "Resource": "*"},
                {"Sid": "ArchiveWithMfa", "Effect": "Allow",
                 "Action": ["guardduty:ArchiveFindings", "guardduty:UpdateFindingsFeedback"], "Resource": "*",
                 "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}})),
            managed("ci-deploy", arn("policy", "ci-deploy"), policy_doc(
                {"Sid": "DeployEverything", "Effect": "Allow", "Action": "*", "Resource": "*"})),
            managed("no-security-services", arn("policy", "no-security-services"), policy_doc(
                {"Sid": "AllowAll", "Effect": "Allow", "Action": "*", "Resource": "*"},
                {"Sid": "NoGuardDuty", "Effect": "Deny", "Action": "guardduty:*", "Resource": "*"})),
            managed("AdministratorAccess", ADMIN, policy_doc({"Effect": "Allow", "Action": "*", "Resource": "*"})),
            managed("AmazonGuardDutyFullAccess", "arn:aws:iam::aws:policy/AmazonGuardDutyFullAccess", policy_doc(
                {"Sid": "AmazonGuardDutyFullAccess", "Effect": "Allow", "Action": "guardduty:*", "Resource": "*"})),
        ],
    }
}

snapshot["changes"] = changes
snapshot["iam"] = iam
path = pathlib.Path(__file__).resolve().parent / "demo-snapshot.json"
path.write_text(json.dumps(snapshot, indent=2) + "\n")
print("wrote", path)
