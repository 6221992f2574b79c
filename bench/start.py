#!/usr/bin/env python3
"""Start to first answer with many DMARC reports stored: a data directory with N
synthetic reports is made once (with the first binary's CLI), then each binary is
started on a fresh copy of it, R times, alternated, and the time from starting the
process to its first answer (GET /admin/) is measured. The copy is as a clean shutdown
left it; `--unclean` also measures each binary on a copy whose last run was killed.

    bench/start.py [--reports N] [--runs R] [--unclean] BINARY...
"""
import argparse, os, shutil, sys, tempfile
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from adminhttp import first_answer
from dataset import add_reports, set_password
def make_store(binary, n, work):
    data = os.path.join(work, "data")
    set_password(binary, data, "bench-password-start")
    add_reports(binary, data, work, 0, n)
    return data
def answer_ms(binary, data, kill=False):
    p, _, ms = first_answer(binary, data)
    if kill: p.kill()
    else: p.terminate()
    p.wait()
    return ms
def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--reports", type=int, default=100000)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--unclean", action="store_true")
    ap.add_argument("binaries", nargs="+")
    a = ap.parse_args()
    work = tempfile.mkdtemp()
    data = make_store(a.binaries[0], a.reports, work)
    cases = [(b, False) for b in a.binaries] + ([(b, True) for b in a.binaries] if a.unclean else [])
    res = {c: [] for c in cases}
    for _ in range(a.runs):
        for b, unclean in cases:
            copy = os.path.join(work, "copy")
            shutil.rmtree(copy, ignore_errors=True)
            shutil.copytree(data, copy)
            if unclean:
                answer_ms(b, copy, kill=True)  # the run before this one was killed
            res[(b, unclean)].append(answer_ms(b, copy))
            shutil.rmtree(copy)
    for (b, unclean), v in res.items():
        v.sort()
        print(f"{b}{' after an unclean stop' if unclean else ''}: {v[len(v) // 2]:.0f} ms to first answer with {a.reports} reports (runs: {', '.join(f'{x:.0f}' for x in v)})")
    shutil.rmtree(work)
if __name__ == "__main__":
    main()
