#!/usr/bin/env bash
# The product as an operator runs it against a Mesos master, killed and started again: app.jar (the Felix app)
# with etc/whisk.mesos.cfg asking for a failover timeout, against the standalone emulator running as its own
# process. Checks that the first subscription already carries the file's settings (one framework, the file's
# failover timeout), that after a kill -9 and a restart the process fails over as the same framework (no second
# framework, none removed), and that the operator's file is never rewritten. mvn verify runs it in mesos.app's
# integration-test phase (-DskipTests or -Dapp.smoke.skip skips it).
#
# By hand, from the project root, after a build: bash mesos.app/src/test/sh/app-restart-smoke.sh
set -euo pipefail

root=$(cd "$(dirname "$0")/../../../.." && pwd)
app=$root/mesos.app/target/app.jar
emulator=$root/mesos.emulator/target/mesos-emulator.jar
work=$root/mesos.app/target/restart-smoke

fail() { echo "APP RESTART SMOKE FAILED: $*" >&2; exit 1; }
[ -f "$app" ] || fail "$app is missing: build first (mvn -B -ntp -DskipTests package)"
[ -f "$emulator" ] || fail "$emulator is missing: build first"

rm -rf "$work" && mkdir -p "$work/etc"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
port=$(free_port)
master=http://127.0.0.1:$port

pids=()
cleanup() {
    for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null || true; done
}
trap cleanup EXIT

java -jar "$emulator" --port "$port" --agents 1 > "$work/emulator.log" 2>&1 &
pids+=($!)

# The operator's file: Mesos keeps the tasks 10 minutes for a restarted process, and a stop does not tear down.
cat > "$work/etc/whisk.mesos.cfg" <<CFG
# written by the smoke test
framework-name = restart-smoke
timeouts.failover = 10 minutes
teardown-on-exit = false
CFG
cp "$work/etc/whisk.mesos.cfg" "$work/written.cfg"

# frameworks of the master's /state as "id failover_timeout active" lines, then "completed N"
frameworks() {
    curl -sf "$master/master/state" | python3 -c '
import json, sys
s = json.load(sys.stdin)
for f in s["frameworks"]:
    print(f["id"], f["failover_timeout"], f["active"])
print("completed", len(s.get("completed_frameworks", [])))'
}

start_app() { # $1: log file
    (cd "$work" && CONFIG_whisk_mesos_masterUrl=$master exec java -jar "$app" > "$1" 2>&1) &
    app_pid=$!
    pids+=("$app_pid")
    disown "$app_pid" # the kill -9 below is the test, not news for bash's job report
}

await_active() { # $1: what; waits (deadline 120 s) until exactly one framework is registered and active
    local deadline=$((SECONDS + 120)) out
    until out=$(frameworks 2>/dev/null) && [ "$(echo "$out" | grep -c ' True$')" = 1 ]; do
        [ $SECONDS -lt $deadline ] || { echo "$out"; fail "$1: no active framework within 120 s"; }
        sleep 0.5
    done
    echo "$out"
}

echo "== first start"
start_app "$work/app-1.log"
first=$(await_active "first start")
echo "$first"
id=$(echo "$first" | awk '$3 == "True" {print $1}')
echo "$first" | grep -qx "$id 600.0 True" \
    || fail "the first subscription should carry the file's failover timeout of 600 s: $first"
echo "$first" | grep -qx "completed 0" || fail "a framework was registered and removed at start: $first"
if grep -q "settings applied, resubscribing" "$work/app-1.log"; then
    fail "the first subscription lacked the file's settings and had to resubscribe (see $work/app-1.log)"
fi
[ "$(echo "$first" | grep -vc '^completed')" = 1 ] || fail "more than one framework registered: $first"

echo "== kill -9 and start again"
kill -9 "$app_pid"
deadline=$((SECONDS + 60))
until frameworks | grep -qx "$id 600.0 False"; do
    [ $SECONDS -lt $deadline ] || fail "the master did not see the framework disconnect within 60 s: $(frameworks)"
    sleep 0.5
done
start_app "$work/app-2.log"
second=$(await_active "restart")
echo "$second"
echo "$second" | grep -qx "$id 600.0 True" || fail "the restarted process is not framework $id: $second"
echo "$second" | grep -qx "completed 0" || fail "a framework was removed across the restart: $second"
[ "$(echo "$second" | grep -vc '^completed')" = 1 ] || fail "the restart registered a second framework: $second"

cmp -s "$work/written.cfg" "$work/etc/whisk.mesos.cfg" \
    || fail "etc/whisk.mesos.cfg was rewritten: $(cat "$work/etc/whisk.mesos.cfg")"
echo "APP RESTART SMOKE PASSED: framework $id kept across a kill -9, etc/whisk.mesos.cfg as written"
