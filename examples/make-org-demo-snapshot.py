#!/usr/bin/env python3
"""Writes examples/org-demo-snapshot.json: a made-up organization of a dozen accounts with a
realistic mix of problems, as `gdaudit collect --org` writes it from the delegated
GuardDuty administrator.

It extends examples/demo-snapshot.json (whose account, 111122223333, is the delegated
administrator here, so its detectors, changes and IAM export serve `audit --org` too) with an
`organization` section:
  - accounts in Security, Workloads/Prod, Workloads/Dev and Sandbox OUs;
  - members Enabled in every region, one with S3 Protection off in eu-west-1 and one with
    Runtime Monitoring's ECS agent management off in us-east-1;
  - one member whose monitoring was stopped (relationship Disabled: suspended), one Invited,
    one that is not a member at all, and a closed account (left out);
  - the management account not a member; auto-enable ALL except NEW in two regions, and
    S3 Protection auto-enabled only for NEW accounts in eu-west-1;
  - Runtime Monitoring coverage unhealthy for 2 resources in us-east-1.

Re-run after changing the snapshot format: python3 examples/make-org-demo-snapshot.py
"""
import hashlib
import json
import pathlib

HERE = pathlib.Path(__file__).parent
ADMIN = "111122223333"
MANAGEMENT = "210987654321"
ROOT = {"id": "r-a1b2", "name": "Root"}
OUS = {
    "security": {"id": "ou-a1b2-sec00001", "name": "Security", "parent_id": "r-a1b2"},
    "workloads": {"id": "ou-a1b2-wkl00001", "name": "Workloads", "parent_id": "r-a1b2"},
    "prod": {"id": "ou-a1b2-prd00001", "name": "Prod", "parent_id": "ou-a1b2-wkl00001"},
    "dev": {"id": "ou-a1b2-dev00001", "name": "Dev", "parent_id": "ou-a1b2-wkl00001"},
    "sandbox": {"id": "ou-a1b2-sbx00001", "name": "Sandbox", "parent_id": "r-a1b2"},
}
# (id, name, OU path keys, status, relationship in GuardDuty or None for not a member)
ACCOUNTS = [
    (MANAGEMENT, "org-management", [], "ACTIVE", None),
    (ADMIN, "security-tooling", ["security"], "ACTIVE", "admin"),
    ("333344445555", "log-archive", ["security"], "ACTIVE", "Enabled"),
    ("444455556666", "payments-prod", ["workloads", "prod"], "ACTIVE", "Enabled"),
    ("555566667777", "checkout-prod", ["workloads", "prod"], "ACTIVE", "Enabled"),
    ("666677778888", "data-platform-prod", ["workloads", "prod"], "ACTIVE", "Enabled"),
    ("777788889999", "payments-dev", ["workloads", "dev"], "ACTIVE", "Enabled"),
    ("888899990000", "checkout-dev", ["workloads", "dev"], "ACTIVE", "Disabled"),
    ("999900001111", "ml-experiments", ["sandbox"], "ACTIVE", "Invited"),
    ("123412341234", "legacy-batch", ["workloads", "prod"], "ACTIVE", None),
    ("234523452345", "hackathon-2025", ["sandbox"], "ACTIVE", "Enabled"),
    ("345634563456", "old-marketing", ["sandbox"], "SUSPENDED", None),
]
NEW_REGIONS = {"ap-south-1", "sa-east-1"}


def ou_path(keys):
    return [ROOT] + [{"id": OUS[k]["id"], "name": OUS[k]["name"]} for k in keys]


def features(off=(), agents_off=()):
    def st(name):
        return "DISABLED" if name in off else "ENABLED"
    out = [{"name": n, "status": st(n)} for n in
           ["CLOUD_TRAIL", "DNS_LOGS", "FLOW_LOGS", "S3_DATA_EVENTS", "EKS_AUDIT_LOGS",
            "EBS_MALWARE_PROTECTION", "RDS_LOGIN_EVENTS", "LAMBDA_NETWORK_LOGS"]]
    out.append({"name": "RUNTIME_MONITORING", "status": "ENABLED", "additional_configuration": [
        {"name": a, "status": "DISABLED" if a in agents_off else "ENABLED"}
        for a in ["EKS_ADDON_MANAGEMENT", "ECS_FARGATE_AGENT_MANAGEMENT", "EC2_AGENT_MANAGEMENT"]]})
    return out


def detector_id(account, region):
    return hashlib.md5(f"org-demo{account}{region}".encode()).hexdigest()


def main():
    snapshot = json.loads((HERE / "demo-snapshot.json").read_text())
    snapshot["collected_at"] = "2026-11-22T08:00:00Z"
    regions = snapshot["regions"]["regions"]
    org_regions = []
    for own in snapshot["detectors"]:
        name = own["region"]
        info = next(r for r in regions if r["name"] == name)
        entry = {"region": name, "opt_status": info["opt_status"], "own": own}
        if info["opt_status"] == "DISABLED":
            org_regions.append(entry)
            continue
        members = []
        detectors = []
        unprocessed = []
        for account, _, _, status, relationship in ACCOUNTS:
            if status != "ACTIVE" or relationship in (None, "admin"):
                continue
            members.append({"account_id": account, "relationship_status": relationship,
                            "detector_id": detector_id(account, name)})
            if relationship != "Enabled":
                unprocessed.append({"account_id": account,
                                    "reason": f"The account's relationship status is {relationship}."})
                continue
            off = ["S3_DATA_EVENTS"] if (account == "555566667777" and name == "eu-west-1") else []
            agents = (["ECS_FARGATE_AGENT_MANAGEMENT"]
                      if (account == "666677778888" and name == "us-east-1") else [])
            detectors.append({"account_id": account, "features": features(off, agents)})
        own = dict(own)
        if own.get("detectors") is not None:
            own["members"] = members
        entry["own"] = own
        if own.get("detectors") is None:
            # The administrator's own region could not be read (the demo's sa-east-1 deny):
            # its organization calls were denied too.
            entry["errors"] = [{"kind": "access-denied",
                                "operation": "guardduty:ListOrganizationAdminAccounts",
                                "code": "AccessDeniedException",
                                "message": "explicit deny in a service control policy"}]
            org_regions.append(entry)
            continue
        entry["admin_accounts"] = [{"account_id": ADMIN, "status": "ENABLED"}]
        members_auto = "NEW" if name in NEW_REGIONS else "ALL"
        entry["configuration"] = {
            "auto_enable_members": members_auto,
            "features": [
                {"name": "S3_DATA_EVENTS", "auto_enable": "NEW" if name == "eu-west-1" else members_auto},
                {"name": "EKS_AUDIT_LOGS", "auto_enable": members_auto},
                {"name": "EBS_MALWARE_PROTECTION", "auto_enable": members_auto},
                {"name": "RDS_LOGIN_EVENTS", "auto_enable": members_auto},
                {"name": "LAMBDA_NETWORK_LOGS", "auto_enable": members_auto},
                {"name": "RUNTIME_MONITORING", "auto_enable": members_auto},
            ],
        }
        entry["member_detectors"] = detectors
        entry["unprocessed"] = unprocessed
        if name == "us-east-1":
            entry["coverage"] = {"by_status": {"HEALTHY": 41, "UNHEALTHY": 2},
                                 "by_resource_type": {"EKS": 12, "ECS": 9, "EC2": 22}}
        org_regions.append(entry)
    snapshot["organization"] = {
        "organization": {"id": "o-a1b2c3d4e5", "arn": "arn:aws:organizations::210987654321:organization/o-a1b2c3d4e5",
                         "management_account_id": MANAGEMENT, "feature_set": "ALL"},
        "accounts": [
            {"id": a, "name": n, "email": f"aws+{n}@example.com", "status": s,
             "joined_method": "CREATED", "joined_at": "2024-03-01T10:00:00Z", "ou_path": ou_path(keys)}
            for a, n, keys, s, _ in ACCOUNTS
        ],
        "roots": [ROOT],
        "units": list(OUS.values()),
        "regions": org_regions,
    }
    out = HERE / "org-demo-snapshot.json"
    out.write_text(json.dumps(snapshot, indent=2) + "\n")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
