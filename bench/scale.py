#!/usr/bin/env python3
"""Cost against the amount of stored data: DMARC reports are imported in steps (by
default 10k, 100k, then 1M in all; with 100k queued messages), and at each step every
binary named is started on the data directory, alternated, and measured:

- start: process start to the first answer (GET /admin/), median of the runs;
- idle RSS: resident memory after the first answer and a login;
- each heavy call's latency (median of the runs) and answer size: DMARCSummaries over
  all of time and over one day, DMARCReports over one day, QueueList;
- QueueSize's p99 over 200 calls, idle and while QueueList runs in a loop on another
  connection.

Automatic backups are off (`[Backups] Keep = 0`): the backup at each clean stop would
copy the whole store between runs.

    bench/scale.py [--sizes 10000,100000,1000000] [--queue 100000] [--runs 3] BINARY...

The reports span 200 days and 50 domains, so a one-day window holds 1/200 of them and
its answer grows with the store. The data directory is made with the first binary;
each further binary runs on a copy of it (so name an older build first: a newer one
may upgrade the store's layout, which an older one cannot read).
"""
import argparse, multiprocessing, os, shutil, statistics, sys, tempfile, time
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from adminhttp import first_answer, login, request, rss_mb, stop_server
from dataset import BASE, add_queue, add_reports, set_password

PASSWORD = "bench-password-scale"
ALL = ["2000-01-01T00:00:00Z", "2100-01-01T00:00:00Z", ""]
DAY = [time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(BASE + d * 86400)) for d in (100, 101)] + [""]
CALLS = [
    ("DMARCSummaries all", "DMARCSummaries", ALL),
    ("DMARCSummaries 1 day", "DMARCSummaries", DAY),
    ("DMARCReports 1 day", "DMARCReports", DAY),
    ("QueueList", "QueueList", []),
]


def timed(port, function, params, auth):
    t0 = time.perf_counter()
    _, body = request(port, function, params, auth)
    dt = time.perf_counter() - t0
    assert body.startswith(b'{"result"'), body[:200]
    return dt * 1000, len(body)


def p99(port, auth, n=200):
    v = sorted(timed(port, "QueueSize", [], auth)[0] for _ in range(n))
    return v[int(len(v) * 0.99) - 1]


def list_loop(port, auth, stop):
    # The load generator is not what is measured: it yields the CPU to the server and
    # to the timed calls.
    os.nice(10)
    while not stop.is_set():
        timed(port, "QueueList", [], auth)


def measure(binary, data, config):
    p, port, first = first_answer(binary, data, config=config)
    auth = login(port, PASSWORD)
    time.sleep(0.5)
    out = {"idle RSS MB": rss_mb(p.pid)}
    for label, function, params in CALLS:
        timed(port, function, params, auth)  # warm
        ms, size = timed(port, function, params, auth)
        out[label] = (ms, size)
    out["QueueSize p99 idle"] = p99(port, auth)
    # The loop runs in another process, so that reading its answers does not hold this
    # one's interpreter while QueueSize is timed.
    stop = multiprocessing.Event()
    loop = multiprocessing.Process(target=list_loop, args=(port, auth, stop))
    loop.start()
    time.sleep(0.3)
    out["QueueSize p99 during QueueList"] = p99(port, auth)
    stop.set()
    loop.join()
    out["RSS after MB"] = rss_mb(p.pid)
    stop_server(p)
    return out, first


def first_start(binary, data, config):
    stop_server(first_answer(binary, data, config=config)[0])


def fmt_size(n):
    return f"{n / 1e6:.1f} MB" if n >= 1e6 else f"{n / 1e3:.1f} KB"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="10000,100000,1000000")
    ap.add_argument("--queue", type=int, default=100000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--keep", help="keep the data directory here")
    ap.add_argument("binaries", nargs="+")
    a = ap.parse_args()
    work = tempfile.mkdtemp()
    data = a.keep or os.path.join(work, "data")
    # No backup at each stop: it would copy the whole store every run.
    config = os.path.join(work, "bench.conf")
    with open(config, "w") as f:
        f.write("[Backups]\nKeep = 0\n")
    b0 = a.binaries[0]
    have = 0
    if not os.path.exists(os.path.join(data, "store")):
        set_password(b0, data, PASSWORD)
        if a.queue:
            add_queue(b0, data, work, a.queue)
    else:
        have = int(open(os.path.join(data, "bench-reports")).read())
    rows = []
    for size in (int(s) for s in a.sizes.split(",")):
        if size > have:
            t0 = time.time()
            add_reports(b0, data, work, have, size - have)
            print(f"imported {size - have} reports in {time.time() - t0:.0f} s", file=sys.stderr)
            have = size
            open(os.path.join(data, "bench-reports"), "w").write(str(have))
        # Each further binary on its own copy: a newer one may upgrade the layout, which
        # an older one cannot read.
        dirs = {b0: data}
        for i, b in enumerate(a.binaries[1:]):
            dirs[b] = os.path.join(work, f"copy{i}")
            shutil.rmtree(dirs[b], ignore_errors=True)
            shutil.copytree(data, dirs[b])
        for b in a.binaries:
            t0 = time.time()
            first_start(b, dirs[b], config)  # a first start may build or upgrade
            print(f"{b}: first start {time.time() - t0:.1f} s", file=sys.stderr)
        res = {b: [] for b in a.binaries}
        for _ in range(a.runs):
            for b in a.binaries:
                res[b].append(measure(b, dirs[b], config))
        for b in a.binaries[1:]:
            shutil.rmtree(dirs[b])
        for b in a.binaries:
            runs = res[b]
            row = {"binary": b, "reports": size, "start ms": statistics.median(f for _, f in runs)}
            for k in runs[0][0]:
                vals = [r[k] for r, _ in runs]
                if isinstance(vals[0], tuple):
                    row[k] = (statistics.median(v[0] for v in vals), vals[0][1])
                else:
                    row[k] = statistics.median(vals)
            rows.append(row)
            print(row, file=sys.stderr)
    heads = ["reports", "start ms", "idle RSS MB"] + [c[0] for c in CALLS] + ["QueueSize p99 idle", "QueueSize p99 during QueueList", "RSS after MB"]
    print(f"queue: {a.queue} messages; {os.uname().nodename}, {os.cpu_count()} CPUs, {time.strftime('%Y-%m-%d')}")
    for b in a.binaries:
        print(f"\n{b}\n")
        print("| " + " | ".join(heads) + " |")
        print("|" + "---|" * len(heads))
        for row in (r for r in rows if r["binary"] == b):
            cells = []
            for h in heads:
                v = row[h]
                if isinstance(v, tuple):
                    cells.append(f"{v[0]:.1f} ms ({fmt_size(v[1])})")
                elif h == "reports":
                    cells.append(f"{v:,}")
                else:
                    cells.append(f"{v:.1f}")
            print("| " + " | ".join(cells) + " |")
    if not a.keep:
        shutil.rmtree(work)


if __name__ == "__main__":
    main()
