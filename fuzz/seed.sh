#!/usr/bin/env bash
# Builds each target's seed corpus in fuzz/corpus/<target>/ from the project's own fixtures
# (tests/fixtures, examples/). The corpus directory is not committed: libFuzzer adds to it.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
root=..
small() { find "$@" -type f -size -256k 2>/dev/null | sort; }
seed() { # seed TARGET FILE [PREFIX]
    local dir="corpus/$1" name
    mkdir -p "$dir"
    name=$(printf '%s%s' "${3:-}" "$2" | sha1sum | cut -c1-16)
    { printf '%s' "${3:-}"; cat "$2"; } >"$dir/$name"
}
for f in $(small "$root/tests/fixtures/cloudtrail/corpus"); do
    # cloudtrail_log: the first byte picks the mode (' ' as is, '!' gzip-compressed first).
    seed cloudtrail_log "$f" ' '
    case "$f" in *.gz) ;; *) seed cloudtrail_log "$f" '!' ;; esac
done
for f in $(small "$root/tests/fixtures/cloudtrail/api-responses"); do
    seed lookup_events_page "$f"
done
# One record per seed: the records of the plain fixtures, split with python's json module.
python3 - "$root/tests/fixtures/cloudtrail" corpus/cloudtrail_record <<'PY'
import hashlib, json, os, pathlib, sys
src, out = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
out.mkdir(parents=True, exist_ok=True)
n = 0
for path in sorted(src.rglob("*.json")):
    try:
        data = json.loads(path.read_text())
    except Exception:
        continue
    records = data.get("Records", []) if isinstance(data, dict) else []
    records += [json.loads(e["CloudTrailEvent"]) for e in (data.get("Events", []) if isinstance(data, dict) else []) if isinstance(e.get("CloudTrailEvent"), str)]
    for record in records[:20]:
        text = json.dumps(record).encode()
        (out / hashlib.sha1(text).hexdigest()[:16]).write_bytes(text)
        n += 1
        if n >= 400:
            sys.exit(0)
PY
# list_content: the first byte picks the format by its value modulo 7 ('F' TXT, 'G' STIX,
# 'H' OTX_CSV, 'I' ALIEN_VAULT, 'J' PROOF_POINT, 'K' FIRE_EYE).
for f in $(small "$root/tests/fixtures/lists"); do
    for format in F G H I J K; do seed list_content "$f" "$format"; done
done
for f in $(small "$root/tests/fixtures/iam"); do
    case "$f" in *.json) seed account_export "$f" ;; esac
done
python3 - "$root/tests/fixtures/iam" corpus/policy <<'PY'
import hashlib, json, pathlib, sys, urllib.parse
src, out = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
out.mkdir(parents=True, exist_ok=True)
docs = []
def walk(v):
    if isinstance(v, dict):
        for k, x in v.items():
            if k in ("PolicyDocument", "Document"):
                docs.append(x)
            else:
                walk(x)
    elif isinstance(v, list):
        for x in v:
            walk(x)
for path in sorted(src.glob("*.json")):
    try:
        walk(json.loads(path.read_text()))
    except Exception:
        pass
for d in docs[:300]:
    text = (json.dumps(d) if not isinstance(d, str) else urllib.parse.unquote(d)).encode()
    (out / hashlib.sha1(text).hexdigest()[:16]).write_bytes(text)
PY
seed config_file "$root/examples/gdaudit.toml"
for f in $(small "$root/tests/fixtures" "$root/tests/recipes"); do
    case "$f" in *.toml) seed config_file "$f" ;; esac
done
seed snapshot "$root/examples/demo-snapshot.json"
for f in $(small "$root/tests/fixtures" "$root/tests/snapshots"); do
    grep -q '"snapshot_version"' "$f" && seed snapshot "$f"
done
mkdir -p corpus/state_file corpus/time
printf '{"state_version":1,"high_water_mark":"2026-11-01T00:00:00Z","emitted":{"a1b2":"2026-10-31T23:00:00Z","noid:00ff":"2026-10-31T22:59:59.5Z"}}' >corpus/state_file/basic
printf '{"state_version":1,"high_water_mark":"2026-11-01T00:00:00Z","emitted":{}}' >corpus/state_file/empty
i=0
for t in 2026-11-01T00:00:00Z "2026-11-01 12:30:00" 2026-11-01T12:30:00.123456+05:30 2026-02-29 \
    2024-02-29T23:59:59-00:00 2026-11-01T00:00UTC 30m 24h 7d 2w 90s 1700000000 1700000000123.5 9999-12-31T23:59:59.999Z; do
    printf '%s' "$t" >"corpus/time/seed$i"; i=$((i + 1))
done
for d in corpus/*/; do printf '%s %s\n' "$(ls "$d" | wc -l)" "$d"; done
