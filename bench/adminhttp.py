"""Shared by the benchmark scripts: starting the admin server on loopback, logging in
and calling its API over plain HTTP/1.1 sockets (no client library, so the numbers are
the server's), and reading a process's resident memory."""
import json, socket, subprocess, time


def start_server(binary, data, extra=(), config=None):
    """Starts `binary serve` on a free loopback port (with the configuration file
    `config`, if given); returns (process, port, seconds from the start of the process
    to the line saying it listens)."""
    t0 = time.time()
    conf = ["--config", config] if config else []
    p = subprocess.Popen([binary, "--data", data, *conf, "serve", "--listen", "127.0.0.1:0", *extra],
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    line = p.stdout.readline()
    while "listening on" not in line:
        if not line and p.poll() is not None:
            raise RuntimeError(f"{binary} exited with {p.returncode} before listening")
        line = p.stdout.readline()
    port = int(line.split("127.0.0.1:")[1].split("/")[0])
    return p, port, time.time() - t0


def first_answer(binary, data, config=None):
    """Starts the server (see `start_server`) and fetches the admin page once; returns
    (process, port, milliseconds from the process start to that answer)."""
    p, port, listening = start_server(binary, data, config=config)
    t0 = time.time()
    status, _, _ = raw(port, "GET /admin/ HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
    assert status.startswith("HTTP/1.1 200"), status
    return p, port, (listening + time.time() - t0) * 1000


def stop_server(p):
    p.terminate()
    p.wait()


def raw(port, head, body=b"", timeout=600):
    """One request on a new connection; returns (status line, headers text, body bytes)."""
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    s.sendall(head.encode() + body)
    chunks = []
    while True:
        c = s.recv(1 << 20)
        if not c:
            break
        chunks.append(c)
    s.close()
    resp = b"".join(chunks)
    headers, _, payload = resp.partition(b"\r\n\r\n")
    status, _, rest = headers.decode().partition("\r\n")
    return status, rest, payload


def request(port, function, params, headers=()):
    """Calls an API function; returns (headers text, body bytes)."""
    data = json.dumps({"params": params}).encode()
    head = (f"POST /admin/api/{function} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(data)}\r\nConnection: close\r\n")
    for h in headers:
        head += h + "\r\n"
    _, rest, payload = raw(port, head + "\r\n", data)
    return rest, payload


def cookie(headers, name):
    for line in headers.split("\r\n"):
        if line.lower().startswith(f"set-cookie: {name.lower()}="):
            return line.split(":", 1)[1].strip().split(";")[0]
    raise KeyError(name)


def login(port, password):
    """Logs in; returns the headers an authenticated call sends."""
    h, b = request(port, "LoginPrep", [])
    token = json.loads(b)["result"]
    h2, b2 = request(port, "Login", [token, password], [f"Cookie: {cookie(h, 'webadminlogin')}"])
    body = json.loads(b2)
    assert "error" not in body, body
    return [f"Cookie: {cookie(h2, 'webadminsession')}", f"x-mox-csrf: {body['result']}"]


def rss_mb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
