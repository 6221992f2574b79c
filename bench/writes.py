#!/usr/bin/env python3
"""Latency of acknowledged writes: sequential DMARCSuppressAdd calls (each one flushed
to disk before it is answered) against one or more server binaries, alternated, on
loopback with fresh data directories.

    bench/writes.py [--calls N] [--runs R] BINARY...

Prints, per binary, the median over R runs (default 3) of the milliseconds per call
over N calls (default 200). To compare two versions, build each (`cargo build
--release -p server`), copy the binaries aside and name both.
"""
import argparse
import json, os, socket, subprocess, tempfile, time
PASSWORD = "bench-password-writes"
def request(port, function, body, headers=()):
    s = socket.create_connection(("127.0.0.1", port), timeout=60)
    data = body.encode()
    head = f"POST /admin/api/{function} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: {len(data)}\r\nConnection: close\r\n"
    for h in headers: head += h + "\r\n"
    s.sendall((head + "\r\n").encode() + data)
    resp = b""
    while True:
        c = s.recv(65536)
        if not c: break
        resp += c
    s.close()
    return resp.decode()
def run(binary, n):
    work = tempfile.mkdtemp(); data = os.path.join(work, "data")
    subprocess.run([binary, "--data", data, "set-admin-password"], input=PASSWORD + "\n", text=True, check=True, capture_output=True)
    p = subprocess.Popen([binary, "--data", data, "serve", "--listen", "127.0.0.1:0"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    line = p.stdout.readline()
    while "listening on" not in line: line = p.stdout.readline()
    port = int(line.split("127.0.0.1:")[1].split("/")[0])
    r = request(port, "LoginPrep", '{"params":[]}')
    token = json.loads(r.split("\r\n\r\n", 1)[1])["result"]
    cookie = [l for l in r.split("\r\n") if l.lower().startswith("set-cookie: webadminlogin=")][0].split(":",1)[1].strip().split(";")[0]
    r = request(port, "Login", json.dumps({"params": [token, PASSWORD]}), [f"Cookie: {cookie}"])
    csrf = json.loads(r.split("\r\n\r\n", 1)[1])["result"]
    sess = [l for l in r.split("\r\n") if l.lower().startswith("set-cookie: webadminsession=")][0].split(":",1)[1].strip().split(";")[0]
    t0 = time.time()
    for i in range(n):
        r = request(port, "DMARCSuppressAdd", json.dumps({"params": [f"r{i}@example.net", "2030-01-01T00:00:00Z", ""]}), [f"Cookie: {sess}", f"x-mox-csrf: {csrf}"])
        assert '"error"' not in r.split("\r\n\r\n",1)[1], r
    dt = time.time() - t0
    p.terminate(); p.wait()
    return dt / n * 1000
def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--calls", type=int, default=200)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("binaries", nargs="+")
    a = ap.parse_args()
    res = {b: [] for b in a.binaries}
    for _ in range(a.runs):
        for b in a.binaries:
            res[b].append(run(b, a.calls))
    for b, v in res.items():
        v.sort()
        print(f"{b}: {v[len(v) // 2]:.2f} ms per acknowledged write (runs: {', '.join(f'{x:.2f}' for x in v)})")


if __name__ == "__main__":
    main()
