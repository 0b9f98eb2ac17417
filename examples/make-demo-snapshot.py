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
    return r


regions = []
for name in DEFAULT:
    if name == "eu-west-1":
        regions.append(region(name, status="DISABLED"))
    elif name == "ap-south-1":
        regions.append(region(name, detector=False))
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
path = pathlib.Path(__file__).resolve().parent / "demo-snapshot.json"
path.write_text(json.dumps(snapshot, indent=2) + "\n")
print("wrote", path)
