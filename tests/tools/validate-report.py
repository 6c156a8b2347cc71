#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""validate-report.py SCHEMA FILE... -- every FILE must hold exactly one
ssh-doctor JSON report, valid against SCHEMA (doc/report.schema.json), that
holds together (check_report.py: printable, said in words, no step against
the verdict).  With SSHD_KEEP_REPORTS=DIR (an existing folder), a copy of
every report is kept there.

Prints one line per problem, naming the file and the JSON path.
Exit status: 0 all valid, 1 a file is not a valid report, 2 usage,
77 python3-jsonschema is missing (Debian package python3-jsonschema).
"""
import json
import os
import shutil
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import check_report  # noqa: E402

try:
    from jsonschema import Draft202012Validator
except ImportError:
    print("validate-report: cannot validate: no python3-jsonschema "
          "(Debian package python3-jsonschema)", file=sys.stderr)
    sys.exit(77)


def path_of(error):
    return "$" + "".join(f"[{p}]" if isinstance(p, int) else f".{p}"
                         for p in error.absolute_path)


def main(argv):
    if len(argv) < 3:
        print("usage: validate-report.py SCHEMA FILE...", file=sys.stderr)
        return 2
    with open(argv[1], encoding="utf-8") as f:
        schema = json.load(f)
    Draft202012Validator.check_schema(schema)
    validator = Draft202012Validator(schema)
    bad = 0
    for name in argv[2:]:
        try:
            with open(name, encoding="utf-8") as f:
                text = f.read()
            # json.loads refuses a second object or any text after the first
            report = json.loads(text)
        except (OSError, UnicodeDecodeError, ValueError) as e:
            print(f"{name}: not one JSON document: {e}")
            bad += 1
            continue
        errors = sorted(validator.iter_errors(report), key=lambda e: list(e.absolute_path))
        for e in errors[:20]:
            print(f"{name}: {path_of(e)}: {e.message[:300]}")
        if not errors and os.path.basename(argv[1]) == "report.schema.json":
            # the schema holds: now whether the report holds together
            source_dir = os.path.dirname(os.path.dirname(os.path.abspath(argv[1])))
            found = check_report.problems(report, source_dir)
            for path, msg in found[:20]:
                print(f"{name}: {path}: {msg}")
            if found:
                bad += 1
        if errors:
            bad += 1
        keep = os.environ.get("SSHD_KEEP_REPORTS")
        if keep and os.path.isdir(keep):
            # a copy of every report checked, to run check_report.py over later
            n = len(os.listdir(keep))
            shutil.copy(name, os.path.join(keep, f"{n:05d}.json"))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
