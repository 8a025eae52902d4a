#!/usr/bin/env python3
"""Injection into CI logs, Markdown, XML and terminals (issue 12, class 4).

A hostile results directory whose benchmark names, conformance test names,
failure messages and INCOMPLETE reason carry newlines followed by GitHub
Actions workflow commands, legacy "##[" commands, table bars, backticks,
HTML tags, terminal escape sequences, U+FFFE, C0 and C1 controls and
bidirectional overrides; hostile file names and safetensors tensor names.
Every command that prints or writes them must keep them inert:
  - stdout and stderr: no line (split as any reader would, CR and U+2028
    included) that starts with "::" after whitespace, no "##[", no raw
    control character, ESC included; every error message one line;
  - gate.md: every table row has as many cells as the header, no raw HTML;
  - conformance.xml (maskbench junit): well-formed for a real XML parser.
    injection_test.py MASKBENCH FIXTURES_DIR
"""
import json
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import xml.dom.minidom

MB, FIXTURES = sys.argv[1], sys.argv[2]

# One hostile payload per channel; no '/', which would split a benchmark name.
EVIL = ("evil\n::error title=pwned::from a name\r::warning::after a CR\u2028::notice::after U+2028 "
        "|cell|  `tick` <img src=x onerror=alert(1)> \x1b[31mred\x1b]0;title\x07 \ufffe\uffff \x01\x7f\u0085 \u202eright-to-left "
        "##[error]legacy command #")
failures = []


def fail(what, detail):
    failures.append(what)
    print(f"FAIL {what}: {detail}")


def run(*args):
    p = subprocess.run([MB, *args], capture_output=True)
    return p.returncode, p.stdout, p.stderr


def check_log(what, data, one_line=False):
    """Bytes written to a terminal or a CI log must hold no live command."""
    text = data.decode("utf-8", "surrogateescape")
    bad = sorted({f"U+{ord(c):04X}" for c in text
                  if (ord(c) < 0x20 and c != "\n") or 0x7F <= ord(c) <= 0x9F or 0x202A <= ord(c) <= 0x202E
                  or 0xDC80 <= ord(c) <= 0xDCFF})
    if bad:
        fail(what, f"raw control characters or invalid UTF-8 {bad} in {text[:300]!r}")
    for line in text.splitlines():
        if line.lstrip().startswith("::"):
            fail(what, f"a line starts a workflow command: {line[:200]!r}")
    if "##[" in text:
        fail(what, f"a legacy '##[' command: {text[:300]!r}")
    if one_line and len(text.splitlines()) != 1:
        fail(what, f"expected one line, got {len(text.splitlines())}: {text[:300]!r}")


def gfm_cells(row):
    """Cells of a GitHub-flavoured Markdown table row: split at '|' that no
    backslash escapes, a backslash escaping whatever follows it."""
    cells, cell, i = [], "", 0
    row = row.strip()
    while i < len(row):
        if row[i] == "\\" and i + 1 < len(row):
            cell += row[i:i + 2]
            i += 2
            continue
        if row[i] == "|":
            cells.append(cell)
            cell = ""
        else:
            cell += row[i]
        i += 1
    cells.append(cell)
    return cells[1:-1] if row.startswith("|") and row.endswith("|") else cells


def load(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def save(path, doc):
    with open(path, "w", encoding="utf-8") as f:
        json.dump(doc, f)


def hostile_dirs(work):
    """gate-b as the baseline and gate-slow (one benchmark 20% slower) as the
    current run, that benchmark renamed to carry EVIL in both, one more EVIL
    benchmark on each side only, and a conformance failure whose test name
    and message carry EVIL."""
    base, cur = os.path.join(work, "baseline"), os.path.join(work, "current")
    shutil.copytree(os.path.join(FIXTURES, "gate-b"), base)
    shutil.copytree(os.path.join(FIXTURES, "gate-slow"), cur)
    with open(os.path.join(cur, "SLOWED")) as f:
        slowed = f.read().strip()
    evil_name = f"cond/select{EVIL}/avx2/n:3072"
    for d, extra in ((base, "only-in-baseline"), (cur, "only-in-current")):
        bench = load(os.path.join(d, "bench.json"))
        rows = bench["benchmarks"]
        for row in rows:
            if row["name"] == slowed:
                row["name"] = evil_name
        rows += [dict(r, name=f"cond/{extra}{EVIL}/scalar/n:1") for r in rows if r["name"] == evil_name]
        save(os.path.join(d, "bench.json"), bench)
    conf = load(os.path.join(cur, "conformance.json"))
    test = conf["testsuites"][0]["testsuite"][1]
    test["name"] = f"Select{EVIL}/avx2{EVIL}"
    test["failures"] = [{"failure": f"cond_test.cpp:70{EVIL}", "type": ""}]
    save(os.path.join(cur, "conformance.json"), conf)
    return base, cur


def tensor_file(path, names):
    header = json.dumps({n: {"dtype": "F32", "shape": [1], "data_offsets": [4 * i, 4 * i + 4]}
                         for i, n in enumerate(names)}).encode()
    header += b" " * (-len(header) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(header)) + header + struct.pack(f"<{len(names)}f", *range(len(names))))


def main():
    work = tempfile.mkdtemp()
    try:
        base, cur = hostile_dirs(work)

        # The gate: stdout is the CI log, gate.md the step summary.
        md = os.path.join(work, "gate.md")
        rc, out, err = run("gate", base, cur, "--markdown", md)
        if rc != 1:
            fail("gate", f"exit {rc}, expected 1 (a regression and a conformance failure); stderr {err[:300]!r}")
        check_log("gate stdout", out)
        check_log("gate stderr", err)
        if b"\\x1b[31m" not in out or b"REGRESSION" not in out:
            fail("gate stdout", f"the hostile names are not shown escaped: {out[:600]!r}")
        if os.path.exists(md):
            with open(md, encoding="utf-8", errors="surrogateescape") as f:
                text = f.read()
            check_log("gate.md lines", text.encode("utf-8", "surrogateescape"))
            rows = [line for line in text.split("\n") if line.startswith("|")]
            header = len(gfm_cells(rows[0])) if rows else 0
            for row in rows:
                if len(gfm_cells(row)) != header:
                    fail("gate.md table", f"{len(gfm_cells(row))} cells, header has {header}: {row[:200]!r}")
            if len(rows) < 3:
                fail("gate.md table", f"the hostile regression is not in the table: {text[:600]!r}")
            outside_code = re.sub(r"`[^`\n]*`", "", text)
            if "<" in outside_code:
                fail("gate.md", f"HTML outside code spans: {outside_code[:300]!r}")
            conformance = [line for line in text.split("\n") if "**conformance**" in line]
            if len(conformance) != 1 or not re.fullmatch(r"- \*\*conformance\*\*: `[^`]*`", conformance[0]):
                fail("gate.md conformance line", f"not one line of inline code: {conformance!r}")
        else:
            fail("gate.md", "not written")

        # The other commands that print names.
        rc, out, err = run("summary", cur)
        check_log("summary stdout", out)
        check_log("summary stderr", err)
        rc, out, err = run("compare", base, cur)
        check_log("compare stdout", out)
        check_log("compare stderr", err)

        # JUnit XML of the hostile conformance.json, read by real parsers.
        xml_out = os.path.join(work, f"conformance{EVIL}.xml".replace("\n", "").replace("\r", ""))
        rc, out, err = run("junit", os.path.join(cur, "conformance.json"), "-o", xml_out)
        check_log("junit stdout", out)
        if rc != 0:
            fail("junit", f"exit {rc}: {err[:300]!r}")
        else:
            try:
                doc = xml.dom.minidom.parse(xml_out)
                messages = [f.getAttribute("message") for f in doc.getElementsByTagName("failure")]
                if not any("::error title=pwned" in m or "cond_test.cpp:70evil" in m for m in messages):
                    fail("conformance.xml", f"the failure message was lost: {messages!r}")
            except Exception as e:  # noqa: BLE001 - any parser error is the finding
                fail("conformance.xml", f"not well-formed for xml.dom.minidom: {e}")
            if shutil.which("xmllint"):
                p = subprocess.run(["xmllint", "--noout", xml_out], capture_output=True)
                if p.returncode != 0:
                    fail("conformance.xml", f"xmllint: {p.stderr[:300]!r}")

        # Error messages: the INCOMPLETE reason (raw bytes, invalid UTF-8
        # included), a benchmark name, a file name, tensor names.
        with open(os.path.join(cur, "INCOMPLETE"), "wb") as f:
            f.write(b"interrupted \x1b[2J\x1b[31m ::error::reason \r::warning::cr \xff\xfe ##[error]legacy\n::error::second line\n")
        rc, out, err = run("gate", base, cur)
        check_log("INCOMPLETE reason, gate stderr", err, one_line=True)
        if rc != 2:
            fail("INCOMPLETE reason", f"exit {rc}, expected 2")
        os.remove(os.path.join(cur, "INCOMPLETE"))
        bench = load(os.path.join(cur, "bench.json"))
        bench["benchmarks"][0]["name"] = f"lonely{EVIL}"
        save(os.path.join(cur, "bench.json"), bench)
        rc, out, err = run("report", cur, "-o", os.path.join(work, "r.html"))
        check_log("bad benchmark name, report stderr", err, one_line=True)
        if rc != 2:
            fail("bad benchmark name", f"exit {rc}, expected 2")
        evil_file = os.path.join(work, "missing\x1b[31m\n::error::file name")
        rc, out, err = run("summary", evil_file)
        check_log("file name, summary stderr", err, one_line=True)

        good = os.path.join(work, "base\x1b]0;title\x07.safetensors")
        tensor_file(good, ["a"])
        tensor_file(os.path.join(work, "ft.safetensors"), [f"a{EVIL}"])
        rc, out, err = run("taskvec", "--base", good, os.path.join(work, "ft.safetensors"))
        check_log("tensor name, taskvec stderr", err, one_line=True)
        if rc != 2:
            fail("tensor name", f"exit {rc}, expected 2: {err[:300]!r}")
        tensor_file(os.path.join(work, "ft2.safetensors"), ["a"])
        rc, out, err = run("taskvec", "--base", good, os.path.join(work, "ft2.safetensors"))
        check_log("file name, taskvec stdout", out)
        if rc != 0:
            fail("taskvec", f"exit {rc}: {err[:300]!r}")
    finally:
        shutil.rmtree(work)
    if failures:
        print(f"{len(failures)} injection check(s) failed")
        return 1
    print("no injection: every hostile name, message, reason and file name came out inert")
    return 0


if __name__ == "__main__":
    sys.exit(main())
