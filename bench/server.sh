#!/usr/bin/env bash
# Loopback benchmark of the admin server (issue 4).
#
# Measures, with wrk on 127.0.0.1 and authenticated calls (session cookie + x-mox-csrf):
#   - req/s and p99 latency of QueueSize, Domains, QueueList (10,000 queued messages) and
#     DMARCSummaries (100,000 stored reports; a one-day window and the whole range), each
#     followed by a bare actix-web endpoint (server/examples/bare.rs) measured in the same run;
#   - resident memory of the server idle and under load;
#   - the time to import 10,000 DMARC reports (one zip of 10,000 XML reports).
#
# Usage: bench/server.sh [DURATION_SECONDS]   (default 10 per measurement)
# Needs: wrk (apt-get install wrk), python3, curl. Everything runs on loopback; the
# request loops are bounded by wrk's duration.
set -euo pipefail
cd "$(dirname "$0")/.."

DUR="${1:-10}"
CONNS="${BENCH_CONNECTIONS:-32}"
command -v wrk >/dev/null || { echo "wrk not found: apt-get install -y wrk" >&2; exit 1; }

TARGET="${CARGO_TARGET_DIR:-target}"
cargo build --release -p server --bin server --example bare >&2
BIN="$TARGET/release/server"
BARE="$TARGET/release/examples/bare"

WORK="$(mktemp -d)"
SRV_PID=""
BARE_PID=""
cleanup() {
  [ -n "$SRV_PID" ] && kill "$SRV_PID" 2>/dev/null || true
  [ -n "$BARE_PID" ] && kill "$BARE_PID" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

DATA="$WORK/data"
PORT="${BENCH_PORT:-18080}"
BARE_PORT="${BENCH_BARE_PORT:-18081}"
PASSWORD="bench-password-1"

echo "$PASSWORD" | "$BIN" --data "$DATA" set-admin-password >/dev/null

# 10,000 queued messages.
cat > "$WORK/msg.eml" <<'EOF'
From: <mjl@example.org>
To: <remote@example.net>
Subject: benchmark
Message-ID: <bench@example.org>

Hello.
EOF
"$BIN" --data "$DATA" queue add --from mjl@example.org --to remote@example.net --copies 10000 "$WORK/msg.eml" >/dev/null

# 100,000 DMARC reports in 10 zips of 10,000, spread over 50 domains and 200 days.
python3 - "$WORK" <<'EOF'
import sys, zipfile
work = sys.argv[1]
base = 1704067200  # 2024-01-01
for z in range(10):
    with zipfile.ZipFile(f"{work}/dmarc-{z}.zip", "w", zipfile.ZIP_DEFLATED) as zf:
        for j in range(10000):
            i = z * 10000 + j
            dom = f"d{i % 50}.example"
            begin = base + (i % 200) * 86400
            xml = f"""<?xml version="1.0"?>
<feedback><version>1.0</version>
<report_metadata><org_name>bench.example</org_name><email>r@bench.example</email><report_id>r{i}</report_id>
<date_range><begin>{begin}</begin><end>{begin + 86399}</end></date_range></report_metadata>
<policy_published><domain>{dom}</domain><adkim>r</adkim><aspf>r</aspf><p>reject</p><sp>reject</sp><pct>100</pct></policy_published>
<record><row><source_ip>192.0.2.{i % 250}</source_ip><count>{1 + i % 7}</count><policy_evaluated><disposition>none</disposition><dkim>pass</dkim><spf>fail</spf></policy_evaluated></row>
<identifiers><header_from>{dom}</header_from></identifiers><auth_results><spf><domain>{dom}</domain><result>fail</result></spf></auth_results></record>
<record><row><source_ip>198.51.100.{i % 250}</source_ip><count>2</count><policy_evaluated><disposition>reject</disposition><dkim>fail</dkim><spf>fail</spf><reason><type>forwarded</type></reason></policy_evaluated></row>
<identifiers><header_from>{dom}</header_from></identifiers><auth_results><spf><domain>x.example</domain><result>fail</result></spf></auth_results></record>
</feedback>
"""
            zf.writestr(f"r{i}.xml", xml)
EOF
echo "## Import"
START=$(date +%s.%N)
"$BIN" --data "$DATA" import dmarc "$WORK/dmarc-0.zip" >/dev/null
END=$(date +%s.%N)
echo "import of 10,000 DMARC reports (one zip): $(python3 -c "print(f'{$END-$START:.2f}')") s"
for z in 1 2 3 4 5 6 7 8 9; do
  "$BIN" --data "$DATA" import dmarc "$WORK/dmarc-$z.zip" >/dev/null
done
echo "stored: 100,000 DMARC reports, 10,000 queued messages"

"$BIN" --data "$DATA" serve --listen "127.0.0.1:$PORT" >"$WORK/server.log" 2>&1 &
SRV_PID=$!
"$BARE" "127.0.0.1:$BARE_PORT" >/dev/null 2>&1 &
BARE_PID=$!
for _ in $(seq 100); do
  curl -s -o /dev/null "http://127.0.0.1:$PORT/admin/" && curl -s -o /dev/null -X POST "http://127.0.0.1:$BARE_PORT/bare" && break
  sleep 0.1
done

API="http://127.0.0.1:$PORT/admin/api"
JAR="$WORK/jar"
TOKEN=$(curl -s -c "$JAR" -H 'content-type: application/json' -d '{"params":[]}' "$API/LoginPrep" | python3 -c 'import json,sys; print(json.load(sys.stdin)["result"])')
CSRF=$(curl -s -b "$JAR" -c "$JAR" -H 'content-type: application/json' -d "{\"params\":[\"$TOKEN\",\"$PASSWORD\"]}" "$API/Login" | python3 -c 'import json,sys; print(json.load(sys.stdin)["result"])')
SESSION=$(awk '$6=="webadminsession"{print $7, $8}' "$JAR" | sed 's/^"//; s/"$//; s/ $//')
COOKIE="webadminsession=\"$SESSION \""

call() {
  curl -s -H 'content-type: application/json' -H "cookie: $COOKIE" -H "x-mox-csrf: $CSRF" -d "$2" "$API/$1"
}
for i in $(seq 10); do
  call DomainAdd "{\"params\":[\"bench$i.example\",\"acc$i\",\"user\"]}" >/dev/null
done

rss() { awk '/VmRSS/{print $2" kB"}' "/proc/$SRV_PID/status"; }
echo
echo "## Memory"
echo "server RSS idle: $(rss)"

cat > "$WORK/post.lua" <<'EOF'
wrk.method = "POST"
wrk.body = os.getenv("BODY")
wrk.headers["Content-Type"] = "application/json"
local cookie = os.getenv("COOKIE")
if cookie and cookie ~= "" then wrk.headers["Cookie"] = cookie end
local csrf = os.getenv("CSRF")
if csrf and csrf ~= "" then wrk.headers["x-mox-csrf"] = csrf end
EOF

# run NAME URL BODY COOKIE CSRF: prints "req/s p99"
run() {
  local out
  out=$(BODY="$3" COOKIE="$4" CSRF="$5" wrk -t2 -c"$CONNS" -d"${DUR}s" --latency -s "$WORK/post.lua" "$2")
  local rps p99 errs
  rps=$(echo "$out" | awk '/Requests\/sec/{print $2}')
  p99=$(echo "$out" | awk '$1=="99%"{print $2}')
  errs=$(echo "$out" | awk '/Non-2xx/{print $4}')
  printf "%-34s %12s req/s   p99 %-10s %s\n" "$1" "$rps" "$p99" "${errs:+non-2xx: $errs}"
}

echo
echo "## Throughput (wrk -t2 -c$CONNS -d${DUR}s, loopback, 2 cores shared by client and server)"
BAREURL="http://127.0.0.1:$BARE_PORT/bare"
DAY='["2024-03-01T00:00:00Z","2024-03-02T00:00:00Z",""]'
ALL='["2000-01-01T00:00:00Z","2100-01-01T00:00:00Z",""]'
for spec in \
  'QueueSize|{"params":[]}' \
  'Domains|{"params":[]}' \
  'QueueList|{"params":[]}' \
  "DMARCSummaries (1 day, 500 reports)|{\"params\":$DAY}" \
  "DMARCSummaries (all 100,000)|{\"params\":$ALL}"; do
  name="${spec%%|*}"
  body="${spec#*|}"
  fn="${name%% *}"
  run "$name" "$API/$fn" "$body" "$COOKIE" "$CSRF"
  if [ "$name" = "QueueList" ]; then echo "server RSS after QueueList load: $(rss)"; fi
  run "  bare actix endpoint" "$BAREURL" '{"params":[]}' "" ""
done
echo
echo "server RSS after load: $(rss)"
