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
import argparse
import json, os, socket, subprocess, tempfile, threading
PASSWORD = "bench-password-memory"
def request(port, function, body, headers=()):
    s = socket.create_connection(("127.0.0.1", port), timeout=120)
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
def login(port):
    r = request(port, "LoginPrep", '{"params":[]}')
    token = json.loads(r.split("\r\n\r\n", 1)[1])["result"]
    cookie = [l for l in r.split("\r\n") if l.lower().startswith("set-cookie: webadminlogin=")][0].split(":", 1)[1].strip().split(";")[0]
    r = request(port, "Login", json.dumps({"params": [token, PASSWORD]}), [f"Cookie: {cookie}"])
    body = json.loads(r.split("\r\n\r\n", 1)[1])
    assert "error" not in body, body
    sess = [l for l in r.split("\r\n") if l.lower().startswith("set-cookie: webadminsession=")][0].split(":", 1)[1].strip().split(";")[0]
    return sess, body["result"]
def rss_mb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
def run(binary, logins, calls):
    work = tempfile.mkdtemp(); data = os.path.join(work, "data")
    subprocess.run([binary, "--data", data, "set-admin-password"], input=PASSWORD + "\n", text=True, check=True, capture_output=True)
    p = subprocess.Popen([binary, "--data", data, "serve", "--listen", "127.0.0.1:0"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    line = p.stdout.readline()
    while "listening on" not in line: line = p.stdout.readline()
    port = int(line.split("127.0.0.1:")[1].split("/")[0])
    start = rss_mb(p.pid)
    sess, csrf = login(port)
    one = rss_mb(p.pid)
    burst = min(10, logins)
    for _ in range(logins - burst):
        login(port)
    threads = [threading.Thread(target=login, args=(port,)) for _ in range(burst)]
    for t in threads: t.start()
    for t in threads: t.join()
    sess, csrf = login(port)
    for _ in range(calls):
        r = request(port, "QueueSize", '{"params":[]}', [f"Cookie: {sess}", f"x-mox-csrf: {csrf}"])
        assert '"result"' in r, r
    after = rss_mb(p.pid)
    p.terminate(); p.wait()
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
