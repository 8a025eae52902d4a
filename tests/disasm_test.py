#!/usr/bin/env python3
"""`maskbench disasm` on this build's own kernel library: facts of the code
that the instruction mix must show, and llvm-mca's predictions where it is
installed (checked against facts any model of these CPUs must respect);
without it, or without being asked, the predictions are skipped with the
reason (x86-64 only; exit 77, skipped, elsewhere or without binutils).

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


def stride(impl, bench, what, cond):
    e = entries.get((impl, bench))
    if e and e["loop"] and not cond(e["loop"].get("stride_bytes")):
        failures.append(f"{impl} {bench}: expected a stride {what}, got {e['loop'].get('stride_bytes')}")


stride("scalar", "select", "of one float", lambda b: b == 4)
stride("avx2", "read_bw", "of whole ymm vectors", lambda b: b is not None and b % 32 == 0)
stride("avx512", "select", "of whole zmm vectors", lambda b: b is not None and b % 64 == 0)

# The predictions: with llvm-mca, one per model for every loop; without it
# (or asked not to), none, and the reason.
mca = doc.get("mca", {})
have_mca = shutil.which("llvm-mca-19") or shutil.which("llvm-mca")
if not have_mca:
    if "llvm-19" not in mca.get("skipped", ""):
        failures.append(f"without llvm-mca the predictions are not skipped with the package to install: {mca}")
else:
    names = [m["name"] for m in mca.get("models", [])]
    for model in ("skylake-avx512", "icelake-server", "sapphirerapids", "znver3", "znver4"):
        if model not in names:
            failures.append(f"no predictions for {model}: models {names}")
    # One model of this CPU, or none where llvm-mca names it "(unknown)".
    if sum(m["host"] for m in mca.get("models", [])) > 1:
        failures.append(f"more than one model of this CPU among {mca.get('models')}")
    if not 0.2 < mca.get("clock_ghz", 0) < 10:
        failures.append(f"clock {mca.get('clock_ghz')} GHz is not a clock")
    avx512_models = {m["name"] for m in mca["models"] if m["has_avx512"]}
    for (impl, bench), e in entries.items():
        if not e["loop"]:
            continue
        preds = {p["model"]: p for p in e["loop"].get("predictions", [])}
        if sorted(preds) != sorted(names):
            failures.append(f"{impl} {bench}: predictions for {sorted(preds)}, expected {sorted(names)}")
            continue
        for model, p in preds.items():
            c = p.get("cycles_per_iteration")
            if c is None and not p.get("error"):
                failures.append(f"{impl} {bench} on {model}: neither cycles nor a reason")
            if c is not None and not 0.1 <= c <= 100000:
                failures.append(f"{impl} {bench} on {model}: {c} cycles per iteration")
            # Two FMA pipes at most on every modelled CPU: never more than
            # two FMAs a cycle.
            if c is not None and c < e["loop"]["mix"]["fma"] / 2 * 0.95:
                failures.append(f"{impl} {bench} on {model}: {e['loop']['mix']['fma']} FMAs in {c} cycles")
            if model not in avx512_models and e["loop"]["mix"]["width"] == "zmm" and c is not None:
                failures.append(f"{impl} {bench} on {model}: zmm code predicted for a CPU without AVX-512: {p}")
    # The named models are llvm-mca's own; the host's may be one it does not
    # know (a guest's CPU), whose loops are then all marked, not predicted.
    named = ("skylake-avx512", "icelake-server", "sapphirerapids", "znver3", "znver4")
    for bench in ("select", "read_bw"):
        e = entries.get(("scalar", bench))
        if e and e["loop"]:
            bad = [p for p in e["loop"]["predictions"] if p["model"] in named and "cycles_per_iteration" not in p]
            if bad:
                failures.append(f"scalar {bench}: a plain scalar loop not modelled: {bad}")
    # Asked not to, or with no llvm-mca in PATH: skipped, with the reason.
    quiet = os.path.join(out, "no-mca.json")
    subprocess.run([mb, "disasm", "--no-mca", "-o", quiet], capture_output=True, check=True)
    if "not asked" not in json.load(open(quiet)).get("mca", {}).get("skipped", ""):
        failures.append("--no-mca did not skip the predictions")
    tools = os.path.join(out, "binutils-only")
    os.makedirs(tools, exist_ok=True)
    for t in ("objdump", "nm"):
        link = os.path.join(tools, t)
        if not os.path.lexists(link):
            os.symlink(shutil.which(t), link)
    alone = os.path.join(out, "binutils-only.json")
    subprocess.run([mb, "disasm", "-o", alone], capture_output=True, check=True, env={**os.environ, "PATH": tools})
    if "llvm-19" not in json.load(open(alone)).get("mca", {}).get("skipped", ""):
        failures.append("without llvm-mca in PATH the predictions are not skipped with the package to install")

if failures:
    print("FAIL:\n  " + "\n  ".join(failures))
    sys.exit(1)
print(f"ok: {len(doc['entries'])} entry points; the expected mixes found; predictions: {mca.get('skipped') or mca.get('tool')}")
