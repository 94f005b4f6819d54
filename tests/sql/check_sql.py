"""The portable SQL estimator (sql/ldp_estimates.sql) gives the native decoder's numbers.

Simulates reports with `tailor-reports simulate` (fixed seeds; every mechanism, a
second epsilon, a second shop and one stream too small to publish), decodes them with
`tailor-reports decode --json`, loads the same lines into DuckDB, runs the SQL file and
checks that every stream and bucket agrees: n and withholding exactly, estimate,
standard error and interval to 1e-6 relative (|x − y| ≤ 1e-6 · max(1, |x|, |y|); the two
differ only by floating-point evaluation order). Also checks the simulated truth lies
within 5 standard errors of every published estimate, so both agreeing on nonsense fails.

Usage: target/sql-venv/bin/python tests/sql/check_sql.py   (scripts/setup.sh makes the venv)
Prints one line per check and ends with exactly `N passed, N failed`; exits 1 on failure.
"""

import json
import math
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parents[2]
TOOL = ROOT / "target" / "release" / "tailor-reports"
SQL = ROOT / "sql" / "ldp_estimates.sql"
CLIENTS = 20_000
MIN_REPORTS = 100  # the decoder's default and the SQL's params.min_reports

# (shop, kind, mechanism, domain, epsilon, clients, seed)
STREAMS = [
    ("demo", "clicked", "grr", 2, "1", CLIENTS, 11),
    ("demo", "basket", "grr", 6, "1", CLIENTS, 12),
    ("demo", "interest", "oue", 20, "1", CLIENTS, 13),
    ("demo", "offers", "olh", 100, "1", CLIENTS, 14),
    ("demo", "interest-half", "oue", 12, "0.5", CLIENTS, 15),
    ("other-shop", "interest", "olh", 70, "2", CLIENTS, 16),
    ("demo", "tiny", "grr", 4, "1", MIN_REPORTS - 1, 17),
]

passed = 0
failed = 0


def check(ok, what):
    global passed, failed
    if ok:
        passed += 1
        print(f"ok    {what}")
    else:
        failed += 1
        print(f"FAIL  {what}")


def close(x, y):
    return abs(x - y) <= 1e-6 * max(1.0, abs(x), abs(y))


def main():
    subprocess.run(
        ["cargo", "build", "--quiet", "--release", "--bin", "tailor-reports"],
        cwd=ROOT,
        check=True,
    )
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        reports = tmp / "reports.jsonl"
        truths = {}
        with reports.open("w") as out:
            for shop, kind, mechanism, domain, epsilon, clients, seed in STREAMS:
                truth = tmp / f"{shop}-{kind}.json"
                lines = subprocess.run(
                    [TOOL, "simulate", "--shop", shop, "--kind", kind, "--mechanism", mechanism,
                     "--domain", str(domain), "--epsilon", epsilon, "--clients", str(clients),
                     "--seed", str(seed), "--truth", truth],
                    check=True, capture_output=True, text=True,
                ).stdout
                out.write(lines)
                truths[(shop, kind)] = json.loads(truth.read_text())["counts"]

        native = json.loads(subprocess.run(
            [TOOL, "decode", reports, "--json", "--min-reports", str(MIN_REPORTS)],
            check=True, capture_output=True, text=True,
        ).stdout)["streams"]

        db = duckdb.connect()
        db.execute(f"""
            CREATE TABLE reports AS SELECT shop, kind, period, mechanism, epsilon, domain,
                                           value, bits, a, b, g
            FROM read_json('{reports}', format = 'newline_delimited',
              columns = {{v: 'INTEGER', shop: 'VARCHAR', kind: 'VARCHAR', period: 'VARCHAR',
                         mechanism: 'VARCHAR', epsilon: 'DOUBLE', domain: 'INTEGER',
                         value: 'INTEGER', bits: 'VARCHAR', a: 'BIGINT', b: 'BIGINT',
                         g: 'INTEGER'}})
        """)
        rows = db.execute(SQL.read_text()).fetchall()
        columns = [d[0] for d in db.description]

    sql = {}
    for row in rows:
        r = dict(zip(columns, row))
        sql.setdefault((r["shop"], r["kind"], r["period"]), []).append(r)

    check(len(native) == len(STREAMS), f"native decoder finds {len(STREAMS)} streams")
    check(len(sql) == len(STREAMS), f"SQL finds {len(STREAMS)} streams")
    for stream in native:
        key = (stream["shop"], stream["kind"], stream["period"])
        name = f"{key[0]} {key[1]} ({stream['mechanism']}, d={stream['domain']}, ε={stream['epsilon']})"
        got = sql.get(key, [])
        if len(got) != stream["domain"] or [r["bucket"] for r in got] != list(range(stream["domain"])):
            check(False, f"{name}: SQL has {len(got)} bucket rows, expected {stream['domain']}")
            continue
        same_params = all(
            r["n"] == stream["n"] and r["mechanism"] == stream["mechanism"]
            and r["domain"] == stream["domain"] and close(r["epsilon"], stream["epsilon"])
            for r in got
        )
        check(same_params, f"{name}: n = {stream['n']} and parameters agree")
        if stream["withheld"] is not None:
            check(
                stream["buckets"] == [] and all(
                    r["withheld"] and r["estimate"] is None and r["low"] is None for r in got),
                f"{name}: withheld by both ({stream['withheld']})",
            )
            continue
        check(not any(r["withheld"] for r in got), f"{name}: published by both")
        worst = 0.0
        agree = True
        for b, r in zip(stream["buckets"], got):
            for field, column in [("estimate", "estimate"), ("stdError", "std_error"),
                                  ("low", "low"), ("high", "high")]:
                x, y = b[field], r[column]
                agree &= y is not None and close(x, y)
                if y is not None:
                    worst = max(worst, abs(x - y) / max(1.0, abs(x), abs(y)))
        check(agree, f"{name}: every estimate, std error and interval agrees "
                     f"(largest relative difference {worst:.1e})")
        truth = truths[(stream["shop"], stream["kind"])]
        z = max(abs(b["estimate"] - t) / b["stdError"] for b, t in zip(stream["buckets"], truth))
        check(z <= 5, f"{name}: truth within {z:.2f} standard errors of every estimate")

    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
