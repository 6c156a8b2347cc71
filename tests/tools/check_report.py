# SPDX-License-Identifier: MIT
"""The consistency check of one ssh-doctor JSON report, beyond its schema.

problems(report, source_dir) returns a list of (json path, message), empty
when the report holds together:

* every string in the report is printable (no control or format character);
* the text meant for people (titles, summaries, evidence, the verdict's
  words) says things in words: no cause id, step id or other snake_case
  identifier, no outcome word used as a word ("answered by synack",
  "port 22: rst", "by silence"), no firewall verdict id
  ("open-for-some-sources"), no C errno name or ICMP type/code and no
  packet jargon without an entry in assets/glossary.txt.  Text inside
  quotes ("...") is a quotation of a command, a file or what a program
  said, and is left alone;
* no step contradicts the verdict: a verdict "ok" has no failed step and a
  TCP step that says the port answered; "port_closed" has a TCP step that
  says refused, not answered; "closed_by_server" is not called "not an SSH
  server" by the banner step; "firewall_reject" is not "no answer" on the
  TCP step; the capture's outcome agrees with a verdict that rests on it;
  the verdict's summary does not say sshd listens when its evidence says no
  sshd runs.

Used by validate-report.py, so every report a test validates is checked.
"""
import os
import re
import unicodedata

# Names of files and settings a person types or reads as they are.
ALLOWED_SNAKE = {
    "sshd_config", "ssh_config", "authorized_keys", "known_hosts",
    "ip_forward", "rp_filter", "nf_conntrack", "ip_tables", "nf_tables",
    "x_tables", "hosts_access", "pam_unix", "pam_systemd", "ssh_host",
    "sshd_config.d", "ssh_config.d", "ssh_host_ed25519_key",
    "ssh_host_rsa_key", "ssh_host_ecdsa_key", "ssh_port_t",
}

# Words of the report's enums that must not stand for words in a sentence.
OUTCOME_AS_WORD = [
    (re.compile(r"\bsynack\b", re.I), "'synack' (say: a SYN-ACK came back, the port accepts)"),
    (re.compile(r"\brst\b"), "'rst' (say: a reset (RST) came back)"),
    (re.compile(r"\b(?:answered by|came back:?|outcome:?)\s+(?:silence|none|icmp)\b"),
     "an outcome id used as a word (say what came back, or that nothing did)"),
    (re.compile(r":\s+(?:synack|rst|icmp|silence|none)\s*$"),
     "an outcome id at the end of a sentence"),
    (re.compile(r"\b(?:open-for-some-sources|not-installed|config-files)\b"),
     "a state id (firewall verdict, package state)"),
]

ERRNO = re.compile(r"\bE(?:CONN[A-Z]+|HOST[A-Z]+|NET[A-Z]+|TIMEDOUT|PERM|ACCES|ADDR[A-Z]+|"
                   r"NOENT|AGAIN|INPROGRESS|PIPE|NOBUFS|INTR|INVAL|NOTCONN|ISCONN)\b")
ICMP_CODE = re.compile(r"\bICMP(?:v6|6)?\s+(\d+)/(\d+)\b")
# Packet words a newcomer may not know: each must be in the glossary.
JARGON = ["SYN-ACK", "SYN", "RST", "ICMP", "ICMPv6", "TTL", "TOS", "DSCP",
          "ARP", "NDP", "MSS", "conntrack"]
SNAKE = re.compile(r"(?<![\w./-])([a-z][a-z0-9]*(?:_[a-z0-9]+)+)(?![\w/-])")
QUOTED = re.compile(r"\"[^\"]*\"|'[^'\s][^']*'|`[^`]*`")
STEP_FIELDS = ("title", "summary")

FAIL_STATUS_OK_MEANS = re.compile(r"\b(?:answers|answered|accepts|accepted|open)\b")


def glossary_terms(source_dir):
    terms = set()
    path = os.path.join(source_dir, "assets", "glossary.txt")
    try:
        with open(path, encoding="utf-8") as f:
            for line in f:
                if line.startswith("#") or ":" not in line:
                    continue
                head = line.split(": ", 1)[0].strip()
                terms.add(head)
                m = re.match(r"(ICMP(?:v6)?)\s+(.*)$", head)
                if m:   # "ICMP 3/9, 3/10, 3/13" names three codes
                    for code in m.group(2).split(","):
                        terms.add(f"{m.group(1)} {code.strip()}")
    except OSError:
        pass
    return terms


def cause_ids(source_dir):
    ids = set()
    try:
        for name in os.listdir(os.path.join(source_dir, "assets", "causes")):
            if name.endswith(".cause"):
                ids.add(name[:-6])
    except OSError:
        pass
    return ids


# What follows "X said:" is what a program or server said, quoted as is.
# So is a command after "try:" (an error message saying what to type).
SAID = re.compile(r"\b(?:said|says|answered|printed|logged|try):\s.*$")


def unquoted(text):
    return SAID.sub("said: ...", QUOTED.sub('""', text))


# A configuration snippet keeps its lines: a newline is allowed there only.
MULTILINE = ("$.verdict.fix", "$.verdict.fix_command")


def printable_problems(value, path, out):
    if isinstance(value, str):
        for ch in value:
            if ch == "\n" and (path in MULTILINE or path.startswith("$.verdict.fix_variants")
                                or re.fullmatch(r"\$\.fix\.actions\[\d+\]\.(diff|output)", path)):
                continue
            cat = unicodedata.category(ch)
            if cat in ("Cc", "Cf", "Cs", "Co", "Cn"):
                out.append((path, f"not printable: U+{ord(ch):04X} in {value[:80]!r}"))
                return
    elif isinstance(value, list):
        for i, v in enumerate(value):
            printable_problems(v, f"{path}[{i}]", out)
    elif isinstance(value, dict):
        for k, v in value.items():
            printable_problems(v, f"{path}.{k}", out)


class Words:
    def __init__(self, source_dir):
        self.glossary = glossary_terms(source_dir)
        self.causes = cause_ids(source_dir)

    def check(self, text, path, out, step_ids):
        if not isinstance(text, str) or not text:
            return
        bare = unquoted(text)
        for rx, what in OUTCOME_AS_WORD:
            if rx.search(bare):
                out.append((path, f"internal word reaches the reader: {what}: {text[:160]!r}"))
        for m in SNAKE.finditer(bare):
            word = m.group(1)
            if word in ALLOWED_SNAKE:
                continue
            if word in self.causes:
                what = "cause id"
            elif word in step_ids:
                what = "step id"
            else:
                what = "identifier"
            out.append((path, f"{what} '{word}' reaches the reader: {text[:160]!r}"))
        for m in ERRNO.finditer(bare):
            if m.group(0) not in self.glossary:
                out.append((path, f"'{m.group(0)}' is not in assets/glossary.txt: {text[:160]!r}"))
        for m in ICMP_CODE.finditer(bare):
            term = m.group(0)
            if term not in self.glossary:
                out.append((path, f"'{term}' is not in assets/glossary.txt: {text[:160]!r}"))
        for term in JARGON:
            if term in self.glossary:
                continue
            if re.search(r"(?<![\w-])" + re.escape(term) + r"(?![\w-])", bare):
                out.append((path, f"jargon '{term}' is not in assets/glossary.txt: {text[:160]!r}"))


def step_by_id(report, sid):
    for s in report.get("steps") or []:
        if s.get("id") == sid and not s.get("stale"):
            return s
    return None


def consistency_problems(report, out):
    v = report.get("verdict")
    steps = report.get("steps") or []
    if not isinstance(v, dict):
        return   # none yet (a report saved mid-walk) or an error
    if report.get("error"):
        out.append(("$.verdict", "a report with an error names a verdict"))
    cause = v.get("cause")
    cap = report.get("capture") or {}
    outcome = cap.get("outcome") if cap.get("available") else None
    tcp = step_by_id(report, "tcp_connect")
    tcp_sum = (tcp or {}).get("summary") or ""
    tcp_status = (tcp or {}).get("status")
    banner = step_by_id(report, "ssh_banner")
    banner_sum = (banner or {}).get("summary") or ""

    if cause == "ok":
        for i, s in enumerate(steps):
            # a result from before a rerun, marked so, says what was then
            if s.get("status") == "fail" and not s.get("stale"):
                out.append((f"$.steps[{i}]",
                            f"verdict ok, but step '{s.get('id')}' failed: {s.get('summary')!r}"))
        if tcp and tcp_status not in ("pass", "warn", "skip"):
            out.append(("$.steps[tcp_connect]", f"verdict ok, but the TCP step says {tcp_sum!r}"))
    if cause == "port_closed":
        if tcp and (tcp_status == "pass" or re.search(r"\banswer(s|ed)\b(?! (by|with) a reset)", tcp_sum)
                    and "refus" not in tcp_sum):
            out.append(("$.steps[tcp_connect]",
                        f"verdict port_closed, but the TCP step says {tcp_sum!r}"))
        if outcome in ("synack", "silence", "icmp"):
            out.append(("$.capture.outcome",
                        f"verdict port_closed, but the capture saw {outcome}"))
    if cause == "closed_by_server" and banner and re.search(r"not an SSH server|not SSH\b", banner_sum):
        out.append(("$.steps[ssh_banner]",
                    f"verdict closed_by_server, but the banner step says {banner_sum!r}"))
    if cause == "not_ssh" and banner and banner.get("status") == "pass":
        out.append(("$.steps[ssh_banner]", "verdict not_ssh, but the banner step passed"))
    if cause == "firewall_reject" and tcp and re.search(r"\bno answer\b", tcp_sum):
        out.append(("$.steps[tcp_connect]",
                    f"verdict firewall_reject, but the TCP step says {tcp_sum!r}"))
    if cause in ("firewall_drop",) and outcome in ("synack", "rst"):
        out.append(("$.capture.outcome", f"verdict {cause}, but the capture saw {outcome}"))
    # the verdict's own words against its evidence: sshd cannot both
    # listen and not run
    ev = " ".join(e if isinstance(e, str) else (e or {}).get("text", "")
                  for e in v.get("evidence") or [])
    if re.search(r"\bno sshd (process )?runs\b", ev) and \
            re.search(r"\bsshd (listens|runs|is running)\b", v.get("summary") or ""):
        out.append(("$.verdict.summary",
                    f"the summary says sshd runs, but the evidence says no sshd runs: {v.get('summary')!r}"))
    if cause in ("firewall_drop", "host_unreachable", "port_closed", "firewall_reject",
                 "middlebox_reset") and tcp and tcp_status == "pass":
        out.append(("$.steps[tcp_connect]",
                    f"verdict {cause}, but the TCP step passed: {tcp_sum!r}"))


def problems(report, source_dir):
    out = []
    if not isinstance(report, dict):
        return [("$", "not a JSON object")]
    printable_problems(report, "$", out)
    words = Words(source_dir)
    steps = report.get("steps") or []
    step_ids = {s.get("id") for s in steps if isinstance(s, dict)}
    step_ids |= {"tcp_connect", "ssh_banner", "other_ports", "ssh_handshake",
                 "self_test", "sshd_config", "socket_activation"} - ALLOWED_SNAKE
    for i, s in enumerate(steps):
        for k in STEP_FIELDS:
            words.check(s.get(k), f"$.steps[{i}].{k}", out, step_ids)
        for j, e in enumerate(s.get("evidence") or []):
            words.check(e, f"$.steps[{i}].evidence[{j}]", out, step_ids)
    v = report.get("verdict")
    if isinstance(v, dict):
        for k in ("title", "summary", "fix"):
            words.check(v.get(k), f"$.verdict.{k}", out, step_ids)
        for k in ("evidence", "prevention", "unchecked"):
            for j, e in enumerate(v.get(k) or []):
                if isinstance(e, dict):
                    e = e.get("text") or e.get("what") or ""
                words.check(e, f"$.verdict.{k}[{j}]", out, step_ids)
        for j, fv in enumerate(v.get("fix_variants") or []):
            words.check(fv.get("label"), f"$.verdict.fix_variants[{j}].label", out, step_ids)
    cap = report.get("capture")
    if isinstance(cap, dict):
        for k in ("outcome_text", "reason"):
            words.check(cap.get(k), f"$.capture.{k}", out, step_ids)
    words.check(report.get("error"), "$.error", out, step_ids)
    consistency_problems(report, out)
    return out
