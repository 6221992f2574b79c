#!/usr/bin/env python3
"""Start to first answer with many DMARC reports stored: a data directory with N
synthetic reports is made once (with the first binary's CLI), then each binary is
started on a fresh copy of it, R times, alternated, and the time from starting the
process to its first answer (GET /admin/) is measured. The copy is as a clean shutdown
left it; `--unclean` also measures each binary on a copy whose last run was killed.

    bench/start.py [--reports N] [--runs R] [--unclean] BINARY...
"""
import argparse, os, shutil, socket, subprocess, sys, tempfile, time
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from dataset import add_reports
def make_store(binary, n, work):
    data = os.path.join(work, "data")
    subprocess.run([binary, "--data", data, "set-admin-password"], input="bench-password-start\n", text=True, check=True, capture_output=True)
    add_reports(binary, data, work, 0, n)
    return data
def first_answer(binary, data, kill=False):
    t0 = time.time()
    p = subprocess.Popen([binary, "--data", data, "serve", "--listen", "127.0.0.1:0"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    line = p.stdout.readline()
    while "listening on" not in line: line = p.stdout.readline()
    port = int(line.split("127.0.0.1:")[1].split("/")[0])
    s = socket.create_connection(("127.0.0.1", port))
    s.sendall(b"GET /admin/ HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
    assert s.recv(12).startswith(b"HTTP/1.1 200")
    dt = time.time() - t0
    s.close()
    if kill: p.kill()
    else: p.terminate()
    p.wait()
    return dt * 1000
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
                first_answer(b, copy, kill=True)  # the run before this one was killed
            res[(b, unclean)].append(first_answer(b, copy))
            shutil.rmtree(copy)
    for (b, unclean), v in res.items():
        v.sort()
        print(f"{b}{' after an unclean stop' if unclean else ''}: {v[len(v) // 2]:.0f} ms to first answer with {a.reports} reports (runs: {', '.join(f'{x:.0f}' for x in v)})")
    shutil.rmtree(work)
if __name__ == "__main__":
    main()
