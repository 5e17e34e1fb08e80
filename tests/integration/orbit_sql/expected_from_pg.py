#!/usr/bin/python3
"""Writes orbit_sql/expected/NAME.out for orbit_sql/NAME.sql from PostgreSQL 15, by running the
script with its `WITH (shards = n)` clauses removed (the shard count must not change results).
Review the output by hand before committing it.

usage: tests/integration/orbit_sql/expected_from_pg.py NAME [NAME...]
"""
import os
import re
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(HERE))
import orbit_harness as h  # noqa: E402


def main():
    with h.RefPostgres() as pg:
        pg.start()
        for name in sys.argv[1:]:
            src = os.path.join(HERE, name + ".sql")
            with open(src) as f:
                text = f.read()
            stripped = re.sub(r"\s+WITH\s*\(\s*shards\s*=\s*\d+\s*\)", "", text, flags=re.I)
            if stripped.count("\n") != text.count("\n"):
                sys.exit("%s: keep each WITH (shards = n) on its statement's line" % src)
            with tempfile.TemporaryDirectory() as tmp:
                path = os.path.join(tmp, name + ".sql")
                with open(path, "w") as f:
                    f.write(stripped)
                os.chmod(tmp, 0o755)
                code, out = h.run_psql(pg.port, ["-q", "-v", "ON_ERROR_STOP=0", "-f", path])
            out = out.replace("psql:%s:" % path, "psql:%s.sql:" % name)
            dst = os.path.join(HERE, "expected", name + ".out")
            with open(dst, "w") as f:
                f.write(out)
            print("wrote %s" % dst)


if __name__ == "__main__":
    main()
