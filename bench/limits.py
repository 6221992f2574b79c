#!/usr/bin/env python3
"""Loopback load against the admin server's limits, with its memory before, at the peak
and some seconds after each load (VmRSS from /proc).

    bench/limits.py [--after SECONDS] [--slow N] [--logins N]

Builds nothing: run `cargo build --release -p server` first. Starts the release server
on a fresh data directory on 127.0.0.1 (with Forwarded = true, so that the login burst
can come from many addresses without the failed-login limiter), then:

- slow bodies: N connections (default 2000) that send the head of a Login request and
  one byte of its body, and nothing more; reports how many got an answer (503 when over
  Limits, the body timeout otherwise) and how long the last one took;
- a login burst: N simultaneous correct logins (default 300) from N addresses, each an
  Argon2id hash of ~19 MiB; reports how many succeeded and the time.

Only loopback is used; every load is bounded by its count.
"""

import argparse
import concurrent.futures
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target")), "release", "server")
PASSWORD = "bench-password-limits"


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


class Peak:
    """Samples the server's RSS every 50 ms while a load runs."""

    def __init__(self, pid):
        self.pid, self.peak, self.stop = pid, 0, False
        self.t = threading.Thread(target=self.run, daemon=True)

    def run(self):
        while not self.stop:
            self.peak = max(self.peak, rss_kib(self.pid))
            time.sleep(0.05)

    def __enter__(self):
        self.t.start()
        return self

    def __exit__(self, *a):
        self.stop = True
        self.t.join()


def request(port, function, body, headers=()):
    s = socket.create_connection(("127.0.0.1", port), timeout=60)
    data = body.encode()
    head = f"POST /admin/api/{function} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: {len(data)}\r\nConnection: close\r\n"
    for h in headers:
        head += h + "\r\n"
    s.sendall((head + "\r\n").encode() + data)
    resp = b""
    while True:
        chunk = s.recv(65536)
        if not chunk:
            break
        resp += chunk
    s.close()
    return resp.decode("utf-8", "replace")


def login(port, ip):
    r = request(port, "LoginPrep", '{"params":[]}')
    token = json.loads(r.split("\r\n\r\n", 1)[1])["result"]
    cookie = [l for l in r.split("\r\n") if l.lower().startswith("set-cookie: webadminlogin=")][0]
    cookie = cookie.split(":", 1)[1].strip().split(";")[0]
    r = request(port, "Login", json.dumps({"params": [token, PASSWORD]}), [f"Cookie: {cookie}", f"X-Forwarded-For: {ip}"])
    return '"error"' not in r.split("\r\n\r\n", 1)[1]


def slow(port):
    s = socket.create_connection(("127.0.0.1", port), timeout=60)
    s.sendall(b"POST /admin/api/Login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{")
    return s


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--after", type=float, default=30)
    ap.add_argument("--slow", type=int, default=2000)
    ap.add_argument("--logins", type=int, default=300)
    a = ap.parse_args()
    work = tempfile.mkdtemp()
    data = os.path.join(work, "data")
    cfg = os.path.join(work, "server.toml")
    with open(cfg, "w") as f:
        f.write('Hostname = "mail.example.org"\nForwarded = true\n')
    subprocess.run([BIN, "--data", data, "--config", cfg, "set-admin-password"], input=PASSWORD + "\n", text=True, check=True, capture_output=True)
    proc = subprocess.Popen([BIN, "--data", data, "--config", cfg, "serve", "--listen", "127.0.0.1:0"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        line = proc.stdout.readline()
        while "listening on" not in line:
            line = proc.stdout.readline()
        port = int(line.split("127.0.0.1:")[1].split("/")[0])
        threading.Thread(target=lambda: [None for _ in proc.stdout], daemon=True).start()
        time.sleep(0.5)
        print(f"idle: {rss_kib(proc.pid) / 1024:.1f} MiB")

        before = rss_kib(proc.pid)
        t0 = time.time()
        with Peak(proc.pid) as p:
            conns = []
            for _ in range(a.slow):
                try:
                    conns.append(slow(port))
                except OSError:
                    break
            answered = 0
            for c in conns:
                try:
                    c.settimeout(30)
                    if c.recv(16):
                        answered += 1
                except OSError:
                    pass
                c.close()
        took = time.time() - t0
        time.sleep(a.after)
        print(f"slow bodies: {len(conns)} opened, {answered} answered within {took:.1f} s; RSS before {before / 1024:.1f} MiB, peak {p.peak / 1024:.1f} MiB, {a.after:.0f} s after {rss_kib(proc.pid) / 1024:.1f} MiB")

        before = rss_kib(proc.pid)
        t0 = time.time()
        with Peak(proc.pid) as p:
            with concurrent.futures.ThreadPoolExecutor(max_workers=a.logins) as ex:
                ok = sum(ex.map(lambda i: login(port, f"10.{i // 250}.{i % 250}.1"), range(a.logins)))
        took = time.time() - t0
        time.sleep(a.after)
        print(f"login burst: {ok}/{a.logins} logged in in {took:.1f} s; RSS before {before / 1024:.1f} MiB, peak {p.peak / 1024:.1f} MiB, {a.after:.0f} s after {rss_kib(proc.pid) / 1024:.1f} MiB")
    finally:
        proc.terminate()
        proc.wait()


if __name__ == "__main__":
    sys.exit(main())
