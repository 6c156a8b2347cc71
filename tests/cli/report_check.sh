#!/bin/bash
# SPDX-License-Identifier: MIT
# The consistency check every test report goes through
# (tests/tools/check_report.py, run by validate-report.py): a real report
# (a replayed RST) passes it, and each way a report can say something false
# or unreadable, made by changing that report, is caught and named:
# a failed step under an "ok" verdict, a TCP step that says the port
# answered under "port_closed", the banner step's "not an SSH server" under
# "closed_by_server", a summary saying sshd listens over evidence saying no
# sshd runs, outcome ids and other identifiers used as words,
# jargon without a glossary entry, and a byte that is not printable.
#
# Environment: SSH_DOCTOR (the binary), SSHD_SOURCE_DIR (set by ctest).
# Exit status: 0 passed, 1 failed.
set -u

doctor=${SSH_DOCTOR:?SSH_DOCTOR is not set}
tmp=$(mktemp -d /tmp/ssh-doctor-cli.XXXXXX) || exit 1
trap 'rm -rf "$tmp"' EXIT

timeout -k 5 60 "$doctor" --json --replay "$SSHD_SOURCE_DIR/tests/fixtures/pcap/rst-en10mb.pcap" \
	192.0.2.130 >"$tmp/base.json" 2>"$tmp/err" </dev/null
rc=$?
if [ "$rc" != 1 ]; then
	printf 'FAIL: the base report: expected exit 1 (port_closed), got %s: %s\n' "$rc" "$(head -c 300 "$tmp/err")"
	exit 1
fi

exec /usr/bin/python3 - "$SSHD_SOURCE_DIR" "$tmp/base.json" <<'EOF'
import copy, json, sys
sys.path.insert(0, sys.argv[1] + "/tests/tools")
import check_report

src = sys.argv[1]
base = json.load(open(sys.argv[2], encoding="utf-8"))
fails = checks = 0


def check(ok, what):
    global fails, checks
    checks += 1
    print(("ok: " if ok else "FAIL: ") + what)
    if not ok:
        fails += 1


found = check_report.problems(base, src)
check(found == [], f"a real report (a replayed RST, port_closed) holds together: {found}")


def caught(what, change, expect):
    r = copy.deepcopy(base)
    change(r)
    found = check_report.problems(r, src)
    hit = [m for _, m in found if expect in m]
    check(bool(hit), f"{what}: caught ({hit[0] if hit else found})")


def step(r):
    return r["steps"][0]


def ok_with_failed_step(r):
    r["verdict"]["cause"] = "ok"


def tcp_answers(r):
    r["steps"].append({"id": "tcp_connect", "title": "t", "status": "pass",
                       "summary": "port 22 answers on 192.0.2.130", "command": None,
                       "evidence": [], "details": [], "duration_ms": 1})


def banner_not_ssh(r):
    r["verdict"]["cause"] = "closed_by_server"
    r["capture"]["outcome"] = "synack"
    r["steps"].append({"id": "ssh_banner", "title": "t", "status": "fail",
                       "summary": "what answers on port 22 is not an SSH server", "command": None,
                       "evidence": [], "details": [], "duration_ms": 1})


caught("verdict ok while a step failed", ok_with_failed_step, "verdict ok, but step")
caught("port_closed while the TCP step says the port answers", tcp_answers, "verdict port_closed, but the TCP step")
caught("closed_by_server while the banner step says 'not an SSH server'", banner_not_ssh,
       "verdict closed_by_server, but the banner step")
caught("a summary saying sshd listens while the evidence says no sshd runs",
       lambda r: r["verdict"].update(cause="listen_address",
                                     summary="sshd listens, but not on the address clients connect to.",
                                     evidence=["no sshd runs: it could not bind the address it was told to use"]),
       "the summary says sshd runs, but the evidence says no sshd runs")
caught("'answered by synack' in a summary",
       lambda r: step(r).update(summary="the SYN to 192.0.2.130 port 22 was answered by synack"), "'synack'")
caught("'port 22: rst' in a summary", lambda r: step(r).update(summary="port 22: rst"), "'rst'")
caught("'answered by silence' in evidence",
       lambda r: step(r)["evidence"].append("the SYN was answered by silence"), "outcome id")
caught("'open-for-some-sources' in evidence",
       lambda r: step(r)["evidence"].append("ufw (IPv4): port 22 is open-for-some-sources"), "state id")
caught("a cause id in the verdict's summary",
       lambda r: r["verdict"].update(summary="this is port_closed"), "cause id 'port_closed'")
caught("a snake_case identifier in evidence",
       lambda r: step(r)["evidence"].append("read from the kernel (sock_diag)"), "identifier 'sock_diag'")
caught("an errno name without a glossary entry",
       lambda r: step(r)["evidence"].append("connect() said ENOTCONN"), "'ENOTCONN' is not in assets/glossary.txt")
caught("an ICMP type/code without a glossary entry",
       lambda r: r["verdict"].update(summary="the router sent ICMP 3/4"), "'ICMP 3/4' is not in assets/glossary.txt")
caught("an escape byte in a step title", lambda r: step(r).update(title="What came back\x1b[2J"), "not printable")
caught("a line break in evidence", lambda r: step(r)["evidence"].append("two\nlines"), "not printable")

r = copy.deepcopy(base)
step(r)["evidence"].append('the server said: sshd_config line 3: Bad configuration option: foo_bar')
step(r)["evidence"].append('try "grep -n port_closed"')
found = check_report.problems(r, src)
check(found == [], f"what a program said, and a quoted command, are left alone: {found}")

r = copy.deepcopy(base)
r["verdict"]["cause"] = "ok"
for s in r["steps"]:
    if s.get("status") == "fail":
        s["stale"] = True
found = check_report.problems(r, src)
check(found == [], f"a failed step marked as from before a rerun beside the verdict ok: {found}")

print(f"{checks} checks, {fails} failed")
sys.exit(1 if fails else 0)
EOF
