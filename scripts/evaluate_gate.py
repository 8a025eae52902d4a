#!/usr/bin/env python3
"""How an A/A gate would have judged real slowdowns: the README's measured
table of the paired gate comes from this.

    scripts/evaluate_gate.py GATE_DIR MASKBENCH [--threshold 5%]

GATE_DIR is a finished `./run_all.sh gate` directory whose base and current
were the same commit. For each factor (1.00, 1.05, 1.10, 1.20) the current
side's times are scaled in a copy, which is analysed by `maskbench paired`
(as the last look of the gate's schedule) and by the unpaired
`maskbench gate` (each side's rounds as its repetitions). Printed, as one
JSON object: the paired spread of the per-round log ratios (10th, 50th,
90th percentile over benchmarks; a round's value is each side's fastest
repetition, as the gate takes it) and, per factor, the paired verdict
counts, the families flagged, the benchmarks flagged outside the noisiest
tenth, and the unpaired gate's flagged count. A developer's tool: the gate
directory is trusted (it is your own run)."""
import argparse
import glob
import json
import os
import shutil
import statistics
import subprocess
import tempfile

FACTORS = (1.0, 1.05, 1.10, 1.20)


def iteration_rows(sample):
    return [b for b in sample['benchmarks'] if b.get('run_type', 'iteration') == 'iteration' and not b.get('error_occurred')]


def scaled_copy(gate, factor, into):
    shutil.copy(os.path.join(gate, 'conformance.json'), into)
    with open(os.path.join(gate, 'gate-run.json')) as fh:
        run = json.load(fh)
    # Records written before min_time_s existed: the gate's rule then
    # (paired_gate.sh), so that under-iterated repetitions are dropped.
    run.setdefault('min_time_s', (0.01 if run.get('quick') else 0.02) / run.get('repetitions', 1))
    with open(os.path.join(into, 'gate-run.json'), 'w') as fh:
        json.dump(run, fh)
    os.mkdir(os.path.join(into, 'samples'))
    for f in glob.glob(os.path.join(gate, 'samples', '*.json')):
        with open(f) as fh:
            j = json.load(fh)
        if os.path.basename(f).startswith('current-'):
            for b in j['benchmarks']:
                for key in ('cpu_time', 'real_time'):
                    if isinstance(b.get(key), (int, float)):
                        b[key] *= factor
        with open(os.path.join(into, 'samples', os.path.basename(f)), 'w') as fh:
            json.dump(j, fh)


def paired(mb, d, threshold, looks):
    subprocess.run([mb, 'paired', d, '--threshold', threshold, '--look', str(looks), '--max-looks', str(looks)],
                   capture_output=True, text=True, check=False)
    with open(os.path.join(d, 'verdict.json')) as fh:
        return json.load(fh)


def unpaired_flagged(mb, d, threshold):
    """The unpaired gate on each side's samples gathered into a results directory."""
    info = subprocess.run([mb, 'info', '--json'], capture_output=True, text=True, check=True).stdout
    dirs = {}
    for side in ('base', 'current'):
        out = os.path.join(d, 'unpaired-' + side)
        os.mkdir(out)
        rows, context = [], {}
        for f in sorted(glob.glob(os.path.join(d, 'samples', side + '-*.json'))):
            with open(f) as fh:
                j = json.load(fh)
            context = context or j.get('context', {})
            for b in iteration_rows(j):
                b['run_name'] = b.get('run_name', b['name'])
                rows.append(b)
        with open(os.path.join(out, 'bench.json'), 'w') as fh:
            json.dump({'context': context, 'benchmarks': rows}, fh)
        with open(os.path.join(out, 'info.json'), 'w') as fh:
            fh.write(info)
        shutil.copy(os.path.join(d, 'conformance.json'), out)
        dirs[side] = out
    p = subprocess.run([mb, 'gate', dirs['base'], dirs['current'], '--threshold', threshold],
                       capture_output=True, text=True, check=False)
    return sum(1 for line in p.stdout.splitlines() if line.startswith('REGRESSION'))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('gate')
    ap.add_argument('maskbench')
    ap.add_argument('--threshold', default='5%')
    a = ap.parse_args()
    with open(os.path.join(a.gate, 'gate-run.json')) as fh:
        run = json.load(fh)
    looks = 1 + (run['max_rounds'] - 1) // run['rounds']
    result = {'gate': os.path.basename(os.path.normpath(a.gate)), 'rounds': max(o['round'] for o in run['order'])}
    quiet = set()
    for factor in FACTORS:
        with tempfile.TemporaryDirectory(prefix='evaluate-gate-') as d:
            scaled_copy(a.gate, factor, d)
            v = paired(a.maskbench, d, a.threshold, looks)
            if factor == 1.0:
                sd = {b['name']: b['spread']['paired'] for b in v['benchmarks'] if b['rounds'] >= 5}
                by_noise = sorted(sd, key=sd.get)
                quiet = set(by_noise[:len(by_noise) - len(by_noise) // 10])
                values = sorted(sd.values())
                result['spread'] = {'p10': values[len(values) // 10], 'median': statistics.median(values),
                                    'p90': values[9 * len(values) // 10]}
                result['under_iterated_repetitions'] = v.get('under_iterated_repetitions', 0)
            flagged = [b for b in v['benchmarks'] if b['verdict'] == 'regression']
            result[f'{factor:.2f}'] = {
                'regression': len(flagged),
                'no_regression': sum(b['verdict'] == 'no-regression' for b in v['benchmarks']),
                'undecided': sum(b['verdict'] == 'undecided' for b in v['benchmarks']),
                'families_flagged': sum(f.get('verdict') == 'regression' for f in v['families']),
                'caught_outside_noisiest_tenth': sum(b['name'] in quiet for b in flagged),
                'outside_noisiest_tenth': len(quiet),
                'unpaired_flagged': unpaired_flagged(a.maskbench, d, a.threshold),
            }
    print(json.dumps(result, indent=1))


if __name__ == '__main__':
    main()
