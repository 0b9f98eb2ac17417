"""Run gdaudit's Athena query on a real SQL engine: transpile the Trino text with sqlglot to
DuckDB and execute it over a table of CloudTrail rows.

Started by tests/sql_semantics.rs as `python sql_semantics.py TABLE_ROWS.jsonl QUERY.sql`.
The rows are the AWS-documented CloudTrail table's columns (`useridentity` a struct,
`requestparameters` / `responseelements` JSON text, `readonly` text) plus the org-trail
table's partition columns `accountid`, `region`, `timestamp` (the delivery day, yyyy/MM/dd).
Prints one JSON document: {"columns": [...], "rows": [[text or null, ...], ...]}, every
value as text, as Athena's GetQueryResults returns them.
"""

import json
import sys

import duckdb
import sqlglot

SESSION = "STRUCT(type VARCHAR, arn VARCHAR, accountid VARCHAR, username VARCHAR)"
USER_IDENTITY = (
    "STRUCT(type VARCHAR, principalid VARCHAR, arn VARCHAR, accountid VARCHAR, "
    "invokedby VARCHAR, accesskeyid VARCHAR, username VARCHAR, "
    f"sessioncontext STRUCT(sessionissuer {SESSION}))"
)
COLUMNS = {
    "eventversion": "VARCHAR",
    "useridentity": USER_IDENTITY,
    "eventtime": "VARCHAR",
    "eventsource": "VARCHAR",
    "eventname": "VARCHAR",
    "awsregion": "VARCHAR",
    "sourceipaddress": "VARCHAR",
    "useragent": "VARCHAR",
    "errorcode": "VARCHAR",
    "errormessage": "VARCHAR",
    "requestparameters": "VARCHAR",
    "responseelements": "VARCHAR",
    "eventid": "VARCHAR",
    "readonly": "VARCHAR",
    "recipientaccountid": "VARCHAR",
    "accountid": "VARCHAR",
    "region": "VARCHAR",
    "timestamp": "VARCHAR",
}


def main() -> int:
    rows_path, query_path = sys.argv[1], sys.argv[2]
    with open(query_path, encoding="utf-8") as f:
        trino = f.read()
    duck_sql = sqlglot.transpile(trino, read="trino", write="duckdb")[0]
    db = duckdb.connect()
    db.execute("CREATE SCHEMA cloudtrail")
    columns = ", ".join(f"'{name}': '{kind}'" for name, kind in COLUMNS.items())
    db.execute(
        f"CREATE TABLE cloudtrail.org_trail AS SELECT * FROM read_json(?, format = 'newline_delimited', columns = {{{columns}}})",
        [rows_path],
    )
    result = db.execute(duck_sql)
    names = [d[0] for d in result.description]
    rows = [[None if v is None else str(v) for v in row] for row in result.fetchall()]
    json.dump({"columns": names, "rows": rows, "duckdb_sql": duck_sql}, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
