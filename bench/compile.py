#!/usr/bin/env python3
"""What a schema edit costs the user: rustc's time on the generated admin bindings.

Each codegen binary named generates the admin module from api.json as build.rs does
(server and client in one file, the same wire-result functions), into a scratch crate
that depends on the runtime with its client: this checkout's runtime, or the one named
after `@` (an older checkout's `codegen/runtime`, for a before/after where the runtime
changed too). The scratch crates' dependencies are built once per profile; then,
alternated, each binary's output is put in place and its crate alone is rebuilt, debug
and release, and timed (cargo's own overhead included, the same for all).

    bench/compile.py [--runs 5] [--target-dir DIR] CODEGEN_BINARY[@RUNTIME_DIR]...

Prints, per binary: the generated file's size, and the median debug and release
rebuild times.
"""
import argparse, os, re, shutil, statistics, subprocess, sys, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

MANIFEST = """[package]
name = "admin-compile-bench"
version = "0.0.0"
edition = "2024"
publish = false

[lib]
path = "lib.rs"

[dependencies]
sherpa-runtime = {{ path = "{runtime}", features = ["client"] }}
serde = {{ version = "1", features = ["derive"] }}
serde_json = "1"

[workspace]
"""

LIB = "pub mod api {\n    include!(\"admin.rs\");\n}\n"


def wire_results():
    text = open(os.path.join(ROOT, "src", "wire_results.rs")).read()
    return re.findall(r'"([A-Za-z0-9_]+)"', text)


def generate(binary, out):
    args = [binary, "generate", os.path.join(ROOT, "api.json"), "--rust", out, "--rust-client", out]
    for f in wire_results():
        args += ["--wire-result", f]
    subprocess.run(args, check=True, capture_output=True)
    return open(out, "rb").read()


def build(crate, target, release):
    args = ["cargo", "build", "--quiet", "--offline", "--manifest-path", os.path.join(crate, "Cargo.toml"), "--target-dir", target]
    if release:
        args.append("--release")
    t0 = time.perf_counter()
    subprocess.run(args, check=True)
    return time.perf_counter() - t0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--target-dir", default=os.path.join(ROOT, "target", "compile-bench"))
    ap.add_argument("binaries", nargs="+")
    a = ap.parse_args()
    work = tempfile.mkdtemp()
    try:
        crates, outputs = {}, {}
        for i, arg in enumerate(a.binaries):
            binary, _, runtime = arg.partition("@")
            runtime = os.path.abspath(runtime or os.path.join(ROOT, "codegen", "runtime"))
            crate = os.path.join(work, str(i))
            os.mkdir(crate)
            with open(os.path.join(crate, "Cargo.toml"), "w") as f:
                f.write(MANIFEST.format(runtime=runtime))
            with open(os.path.join(crate, "lib.rs"), "w") as f:
                f.write(LIB)
            shutil.copy(os.path.join(ROOT, "Cargo.lock"), crate)
            path = os.path.join(crate, "admin.rs")
            outputs[arg] = generate(binary, path)
            crates[arg] = crate
            for release in (False, True):
                build(crate, a.target_dir, release)  # the dependencies, once

        def put(arg):
            # Rewritten before each build, so that cargo sees a change.
            with open(os.path.join(crates[arg], "admin.rs"), "wb") as f:
                f.write(outputs[arg])

        times = {(b, r): [] for b in a.binaries for r in (False, True)}
        for _ in range(a.runs):
            for b in a.binaries:
                for release in (False, True):
                    put(b)
                    times[(b, release)].append(build(crates[b], a.target_dir, release))
        print(f"{os.uname().nodename}, {os.cpu_count()} CPUs, {time.strftime('%Y-%m-%d')}, median of {a.runs}")
        print("| codegen | admin.rs | lines | debug rebuild | release rebuild |")
        print("|---|---|---|---|---|")
        for b in a.binaries:
            text = outputs[b]
            debug = statistics.median(times[(b, False)])
            release = statistics.median(times[(b, True)])
            lines = text.count(b"\n")
            print(f"| {b} | {len(text) / 1000:.0f} KB | {lines} | {debug:.2f} s | {release:.2f} s |")
    finally:
        shutil.rmtree(work)


if __name__ == "__main__":
    sys.exit(main())
