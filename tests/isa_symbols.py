#!/usr/bin/env python3
"""Proves over the built objects that no code compiled with one
implementation's ISA flags can be chosen by the linker for another caller.

  isa_symbols.py OBJECTS_LIST [--must-fail]

OBJECTS_LIST has one object a line, "isa PATH" for an implementation object
(cmake/Implementations.cmake) or "lib PATH" for any other object of the
kernel library. It fails when an ISA object
  - holds a weak definition of code (nm type W): the linker keeps one copy
    of such a symbol among all objects, whichever it meets first, so the
    choice would rest on link order;
  - defines a global symbol that another object of the list defines too.
Weak data (nm V, u: type information that UBSan emits, static locals) holds
no instruction, and every copy is the same, so it is not refused.

--must-fail inverts the verdict for the negative test: it passes only when
both kinds of violation are found (tests/isa_symbols_planted.cpp plants one
of each), so a checker that sees nothing cannot pass for a clean library.
"""
import subprocess
import sys



def defined_symbols(paths):
    """{path: [(name, type)]} of the symbols each object defines (one nm for all)."""
    out = subprocess.run(["nm", "--defined-only", "--format=posix", "-A", *paths],
                         check=True, capture_output=True, text=True).stdout
    symbols = {path: [] for path in paths}
    for line in out.splitlines():
        path, _, rest = line.rpartition(": ")
        fields = rest.split()
        if path in symbols and len(fields) >= 2:
            symbols[path].append((fields[0], fields[1]))
    return symbols


def demangled(names):
    out = subprocess.run(["c++filt"], input="\n".join(names), check=True,
                         capture_output=True, text=True).stdout
    return dict(zip(names, out.splitlines()))


def main(argv):
    if len(argv) not in (2, 3) or (len(argv) == 3 and argv[2] != "--must-fail"):
        print("usage: isa_symbols.py OBJECTS_LIST [--must-fail]", file=sys.stderr)
        return 2
    must_fail = len(argv) == 3
    objects = []
    with open(argv[1], encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            line = line.strip()
            if not line:
                continue
            kind, _, path = line.partition(" ")
            if kind not in ("isa", "lib") or not path:
                print(f"{argv[1]}:{n}: expected 'isa PATH' or 'lib PATH', got {line!r}", file=sys.stderr)
                return 2
            objects.append((kind, path))
    if not any(kind == "isa" for kind, _ in objects):
        print(f"{argv[1]}: lists no implementation object, expected at least one 'isa PATH'", file=sys.stderr)
        return 2

    definers = {}  # global symbol -> objects defining it
    table = []
    all_symbols = defined_symbols([path for _, path in objects])
    for kind, path in objects:
        symbols = all_symbols[path]
        table.append((kind, path, symbols))
        for name, type_ in symbols:
            if type_.isupper():
                definers.setdefault(name, []).append(path)

    weak, shared = [], []
    for kind, path, symbols in table:
        if kind != "isa":
            continue
        for name, type_ in symbols:
            if type_ == "W":
                weak.append((path, name))
            elif type_.isupper() and type_ != "V" and len(definers[name]) > 1:
                shared.append((path, name, [p for p in definers[name] if p != path]))

    names = demangled(sorted({w[1] for w in weak} | {s[1] for s in shared}) or [""])
    shown = 20  # a standard container alone brings dozens
    for path, name in weak[:shown]:
        print(f"FAIL: {path}: weak definition of {names[name]}: the linker may keep this ISA-flagged copy for every caller; "
              "give it internal linkage (simd/impl.hpp)")
    if len(weak) > shown:
        print(f"FAIL: ... and {len(weak) - shown} more weak definitions")
    for path, name, others in shared:
        print(f"FAIL: {path}: {names[name]} is also defined by {', '.join(others)}")
    isa_count = sum(1 for kind, _, _ in table if kind == "isa")
    if must_fail:
        if weak and shared:
            print(f"PASS: the planted violations were found ({len(weak)} weak, {len(shared)} shared)")
            return 0
        print(f"FAIL: expected both a weak and a shared definition to be found, found {len(weak)} weak "
              f"and {len(shared)} shared: the checker is blind")
        return 1
    if weak or shared:
        return 1
    print(f"PASS: {isa_count} implementation objects define no weak code and no global symbol defined elsewhere "
          f"({len(table) - isa_count} other objects of the library)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
