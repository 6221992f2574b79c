#!/usr/bin/env python3
"""Resident memory of the admin server as logins and requests accumulate: after one
login, then after 50 more logins (40 one after another and a burst of 10 at once) and
10,000 API calls, on loopback with a fresh data directory per binary.

    bench/memory.py [--logins N] [--calls N] BINARY...

Prints, per binary, the resident set size (VmRSS) at each point. Each Argon2id password
check needs 19 MiB of working memory; what matters is whether that memory stays bounded
(by the number of checks that may run at once) or grows with the number of logins. To
compare two versions, build each (`cargo build --release -p server`), copy the binaries
aside and name both.
"""
import argparse, os, sys, tempfile, threading
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from adminhttp import login, request, rss_mb, start_server, stop_server
from dataset import set_password
PASSWORD = "bench-password-memory"
def run(binary, logins, calls):
    work = tempfile.mkdtemp(); data = os.path.join(work, "data")
    set_password(binary, data, PASSWORD)
    p, port, _ = start_server(binary, data)
    start = rss_mb(p.pid)
    login(port, PASSWORD)
    one = rss_mb(p.pid)
    burst = min(10, logins)
    for _ in range(logins - burst):
        login(port, PASSWORD)
    threads = [threading.Thread(target=login, args=(port, PASSWORD)) for _ in range(burst)]
    for t in threads: t.start()
    for t in threads: t.join()
    auth = login(port, PASSWORD)
    for _ in range(calls):
        _, body = request(port, "QueueSize", [], auth)
        assert b'"result"' in body, body
    after = rss_mb(p.pid)
    stop_server(p)
    return start, one, after
def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--logins", type=int, default=50)
    ap.add_argument("--calls", type=int, default=10000)
    ap.add_argument("binaries", nargs="+")
    a = ap.parse_args()
    for b in a.binaries:
        start, one, after = run(b, a.logins, a.calls)
        print(f"{b}: RSS {start:.1f} MB at start, {one:.1f} MB after 1 login, {after:.1f} MB after {a.logins + 2} logins and {a.calls} calls ({after / one:.2f}x)")
if __name__ == "__main__":
    main()
