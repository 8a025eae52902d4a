#!/usr/bin/env python3
"""Fails when source code names an implementation instead of asking the registry.

cmake/Implementations.cmake is the one list of implementations; code chooses
among them by tag (maskbench/registry.hpp: kind, level, extras, reference();
maskbench/best.hpp: best()), so that a new row needs no edit elsewhere.

The rule: a C or C++ string literal (ordinary or raw, any prefix) whose whole
text is the name of a row of the table is a violation, wherever it stands in
the repository's C and C++ sources (*.c, *.cc, *.cpp, *.h, *.hpp, *.inc),
except in
  - the files of EXEMPT below, each with its reason;
  - a line that carries the marker NOLINT(implementation-name) with the reason
    after it, for a literal that names something else spelled like a row:
    sse42, avx2 and avx512 are CPU feature levels too (Feature::avx512,
    MASKBENCH_DISABLE=avx512), and compilers name targets the same way.
Comments are not code and are not read. Not scanned: the table itself, the
generated files (the build tree, *.in templates), docs/ and Markdown, shell
scripts (they match `maskbench info` lines and benchmark names, whose path
components are names). A literal that merely contains a name, such as the
benchmark name "cond/select/scalar/n:64", is not one.

Usage: implementation_names_test.py SOURCE_DIR   scan the repository
       implementation_names_test.py --self-test  prove the scan finds planted
                                                  violations and nothing else
"""
import os
import re
import subprocess
import sys
import tempfile

MARKER = "NOLINT(implementation-name)"
EXTENSIONS = (".c", ".cc", ".cpp", ".h", ".hpp", ".inc")
EXEMPT = {
    "kernels/src/known_defects.cpp": "the known-defect table: each defect names the row it affects "
                                     "(conformance/known_defect_choice_test.cpp checks that it is a row)",
    "kernels/src/cpu_x86_64.cpp": "the x86 feature table: sse42, avx2 and avx512 are feature levels",
    "kernels/src/cpu_aarch64.cpp": "the aarch64 feature table: sve is a feature level and an extension",
    "kernels/src/cpu_riscv64.cpp": "the riscv64 feature table: rvv is a feature level",
    "conformance/best_test.cpp": "a test of the registry itself",
    "conformance/known_defect_choice_test.cpp": "a test of the registry itself",
    "conformance/known_defects_test.cpp": "a test of the registry itself",
}
# Results directories written by other builds are test data for the readers:
# a name there is a value read from a file, not a choice made by code.
EXEMPT_DIRS = {"reports/tests/": "results directories of other builds, as the readers' test data"}

RAW_OPEN = re.compile(r'(?:u8|u|U|L)?R"([^()\\ \t\n]{0,16})\(')


def names(source_dir):
    with open(os.path.join(source_dir, "cmake", "Implementations.cmake"), encoding="utf-8") as f:
        found = re.findall(r"^\s*maskbench_impl\(\s*([A-Za-z0-9_.+-]+)", f.read(), re.M)
    if not found:
        sys.exit("implementation_names_test: no maskbench_impl rows in cmake/Implementations.cmake")
    return set(found)


def literals(text):
    """Yields (line, text) for each string literal; skips comments and character literals."""
    i, n, line = 0, len(text), 1
    while i < n:
        c = text[i]
        if c == "\n":
            line += 1
            i += 1
        elif text.startswith("//", i):
            end = text.find("\n", i)
            i = n if end < 0 else end
        elif text.startswith("/*", i):
            end = text.find("*/", i + 2)
            end = n if end < 0 else end + 2
            line += text.count("\n", i, end)
            i = end
        elif (m := RAW_OPEN.match(text, i)) and (i == 0 or not (text[i - 1].isalnum() or text[i - 1] == "_")):
            close = text.find(")" + m.group(1) + '"', m.end())
            close = n if close < 0 else close
            yield line, text[m.end():close]
            line += text.count("\n", i, close)
            i = close + len(m.group(1)) + 2
        elif c == '"' or c == "'":
            start = i - 1
            while start >= 0 and (text[start].isalnum() or text[start] in "_."):
                start -= 1
            if c == "'" and text[start + 1:i][:1].isdigit():  # a digit separator: 1'000
                i += 1
                continue
            j = i + 1
            while j < n and text[j] != c and text[j] != "\n":
                j += 2 if text[j] == "\\" else 1
            if c == '"':
                yield line, text[i + 1:j]
            i = j + 1
        else:
            i += 1


def violations(source_dir):
    rows = names(source_dir)
    out = []
    for root, dirs, files in os.walk(source_dir):
        # Hidden folders and build trees (generated files) are not sources.
        dirs[:] = sorted(d for d in dirs if not d.startswith(".")
                         and not os.path.exists(os.path.join(root, d, "CMakeCache.txt")))
        for name in sorted(files):
            if not name.endswith(EXTENSIONS):
                continue
            path = os.path.join(root, name)
            rel = os.path.relpath(path, source_dir).replace(os.sep, "/")
            if rel in EXEMPT or any(rel.startswith(d) for d in EXEMPT_DIRS):
                continue
            with open(path, encoding="utf-8", errors="replace") as f:
                text = f.read()
            lines = text.split("\n")
            for line, literal in literals(text):
                if literal in rows and MARKER not in lines[line - 1]:
                    out.append(f'{rel}:{line}: "{literal}" names an implementation; ask the registry by tag '
                               f"(maskbench/registry.hpp: kind, level, extras, reference(); maskbench/best.hpp: best()) instead")
    return out


def scan(source_dir):
    found = violations(source_dir)
    for v in found:
        print(v)
    if found:
        print(f"implementation_names_test: {len(found)} implementation name literal(s) outside the table "
              f"(rule: tests/implementation_names_test.py)")
        return 1
    print("implementation_names_test: no implementation name literal outside the table")
    return 0


def self_test(source_dir):
    """Plants violations and look-alikes in a copy of the table's repository layout."""
    rows = sorted(names(source_dir))
    a, b = rows[0], rows[-1]
    with open(os.path.join(source_dir, "cmake", "Implementations.cmake"), encoding="utf-8") as f:
        table = f.read()
    planted = "\n".join([
        f'// find_implementation("{a}") in a comment is not code',  # 1
        f'/* "{a}" */ const char* longer = "{a}-and-more";',         # 2
        f'const char* path = "cond/select/{a}/n:64";',               # 3
        f'auto* p = find_implementation("{a}");',                    # 4: violation
        f'auto raw = R"x({b})x";',                                   # 5: violation
        f'const char* f = "{a}";  // {MARKER}: a planted look-alike',  # 6
        f"char q = '\"'; int big = 1'000; const char* s = \"{b}\";",  # 7: violation
        f'const char* e = "\\"{a}\\"";',                             # 8
        "",
    ])
    expected = {("bench/planted.cpp", 4), ("bench/planted.cpp", 5), ("bench/planted.cpp", 7)}
    with tempfile.TemporaryDirectory() as tmp:
        for rel, content in [("cmake/Implementations.cmake", table), ("bench/planted.cpp", planted),
                             ("kernels/src/cpu_x86_64.cpp", f'const char* level = "{a}";\n'),
                             ("build/CMakeCache.txt", ""), ("build/generated/table.inc", f'"{a}"\n'),
                             ("docs/notes.md", f'"{a}"\n')]:
            os.makedirs(os.path.dirname(os.path.join(tmp, rel)), exist_ok=True)
            with open(os.path.join(tmp, rel), "w", encoding="utf-8") as f:
                f.write(content)
        got = {(v.split(":")[0], int(v.split(":")[1])) for v in violations(tmp)}
        run = subprocess.run([sys.executable, os.path.abspath(__file__), tmp], capture_output=True, text=True)
    if got != expected or run.returncode != 1:
        print(f"FAIL: planted violations {sorted(expected)}, found {sorted(got)}; scan exit {run.returncode} (expected 1)")
        print(run.stdout)
        return 1
    print(f"implementation_names_test --self-test: the scan finds the {len(expected)} planted violations, "
          "fails on them, and passes comments, longer literals, the marker, exempt files and the build tree")
    return 0


if __name__ == "__main__":
    here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    if len(sys.argv) == 2 and sys.argv[1] == "--self-test":
        sys.exit(self_test(here))
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    sys.exit(scan(sys.argv[1]))
