#!/usr/bin/env python3
"""`maskbench disasm` on this build's own kernel library: facts of the code
that the instruction mix must show (x86-64 only; exit 77, skipped,
elsewhere or without binutils).

    disasm_test.py MASKBENCH OUT_DIR"""
import json
import os
import platform
import shutil
import subprocess
import sys

mb, out = sys.argv[1], sys.argv[2]
if platform.machine() != "x86_64" or not shutil.which("objdump") or not shutil.which("nm"):
    print("SKIP: needs x86-64 and binutils (objdump, nm)")
    sys.exit(77)
info = json.loads(subprocess.run([mb, "info", "--json"], capture_output=True, text=True, check=True).stdout)
if info.get("build", {}).get("sanitize"):
    print("SKIP: a sanitizer build's code is instrumented, not the code the benchmarks measure")
    sys.exit(77)
os.makedirs(out, exist_ok=True)
path = os.path.join(out, "disasm.json")
run = subprocess.run([mb, "disasm", "-o", path], capture_output=True, text=True)
if run.returncode != 0:
    sys.exit(f"FAIL: maskbench disasm exited {run.returncode}: {run.stderr.strip()}")
doc = json.load(open(path))
if doc.get("schema") != "maskbench-disasm/1":
    sys.exit(f"FAIL: schema {doc.get('schema')!r}")
entries = {(e["implementation"], e["benchmark"]): e for e in doc["entries"]}
impls = info["implementations"]
failures = []


def mix(impl, bench):
    e = entries.get((impl, bench))
    if e is None:
        failures.append(f"{impl} {bench}: no entry")
        return {}
    if e["loop"] is None:
        failures.append(f"{impl} {bench}: no loop ({e.get('why')})")
        return {}
    return e["loop"]["mix"]


def expect(impl, bench, what, cond):
    m = mix(impl, bench)
    if m and not cond(m):
        failures.append(f"{impl} {bench}: expected {what}, mix {m}")


# Every implementation of cond has its select, with a loop.
for i in impls:
    if "cond" in i.get("families", []):
        mix(i["name"], "select")
expect("scalar", "select", "no vector instruction (auto-vectorization off)", lambda m: m["vector"] == 0)
expect("sse42", "select", "a blend at xmm width", lambda m: m["blend"] >= 1 and m["width"] == "xmm")
expect("avx2", "select", "ymm width", lambda m: m["width"] == "ymm")
expect("avx512", "select", "mask-register instructions at zmm width", lambda m: m["mask"] >= 1 and m["width"] == "zmm")
expect("avx512", "compress_f32/variant:memory", "vcompressps to memory", lambda m: m["compress_memory"] >= 1)
expect("avx512", "compress_f32/variant:register", "vcompressps to a register", lambda m: m["compress_register"] >= 1 and m["compress_memory"] == 0)
expect("avx2", "fma_peak", "FMAs", lambda m: m["fma"] >= 1)
expect("avx512", "tv_gram/dtype:f32", "FMAs at zmm width", lambda m: m["fma"] >= 1 and m["width"] == "zmm")
expect("avx512", "forward", "FMAs in the blocked dot products", lambda m: m["fma"] >= 1)
if failures:
    print("FAIL:\n  " + "\n  ".join(failures))
    sys.exit(1)
print(f"ok: {len(doc['entries'])} entry points; the expected mixes found")
