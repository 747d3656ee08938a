#!/usr/bin/env bash
# Installs feature mesowhisk into a real, stock Apache Karaf (the apache-karaf tar.gz from the Maven repository)
# and checks that every bundle is Active, the whisk.mesos service is there, whisk:config answers, a container runs
# an action in local mode, and an edit of etc/whisk.mesos.cfg is applied live. mvn verify runs it in mesos.karaf's integration-test phase (it starts a
# Karaf JVM for a minute or two; -Dkaraf.smoke.skip or -DskipTests skips it).
#
# By hand, from the project root, after a build of the reactor:
#   mvn -q -pl mesos.karaf -am verify -DskipTests && bash mesos.karaf/src/test/sh/karaf-smoke.sh
# Environment: KARAF_VERSION (default: karaf.version of the root pom), KARAF_TARBALL (default: the one in ~/.m2,
# fetched if missing), KEEP=1 keeps Karaf running afterwards.
set -euo pipefail

root=$(cd "$(dirname "$0")/../../../.." && pwd)
module=$root/mesos.karaf
version=$(sed -n 's:.*<version>\(.*\)</version>.*:\1:p' "$root/pom.xml" | head -1)
karaf_version=${KARAF_VERSION:-$(sed -n 's:.*<karaf.version>\(.*\)</karaf.version>.*:\1:p' "$root/pom.xml")}
features=$module/target/feature/feature.xml
repo=$module/target/repo
work=$module/target/karaf-smoke
home=$work/apache-karaf-$karaf_version

fail() { echo "KARAF SMOKE FAILED: $*" >&2; exit 1; }
[ -f "$features" ] || fail "$features is missing: build first (mvn -pl mesos.karaf -am verify -DskipTests)"
[ -f "$repo/io/mesowhisk/mesos.api/$version/mesos.api-$version.jar" ] || fail "$repo has no bundles: build first"

# The features file where feature:repo-add mvn:io.mesowhisk/mesos.karaf/VERSION/xml/features looks for it.
mkdir -p "$repo/io/mesowhisk/mesos.karaf/$version"
cp "$features" "$repo/io/mesowhisk/mesos.karaf/$version/mesos.karaf-$version-features.xml"

# A stock Karaf, from the Maven repository
tarball=${KARAF_TARBALL:-$HOME/.m2/repository/org/apache/karaf/apache-karaf/$karaf_version/apache-karaf-$karaf_version.tar.gz}
if [ ! -f "$tarball" ]; then
    mvn -q dependency:get -Dartifact="org.apache.karaf:apache-karaf:$karaf_version:tar.gz" -Dtransitive=false
fi
rm -rf "$work" && mkdir -p "$work"
tar xzf "$tarball" -C "$work"

# Loopback only, free ports instead of 8101/1099/44444
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
ssh_port=$(free_port); rmi_registry=$(free_port); rmi_server=$(free_port)
sed -i "s/^sshPort *=.*/sshPort = $ssh_port/; s/^sshHost *=.*/sshHost = 127.0.0.1/" "$home/etc/org.apache.karaf.shell.cfg"
sed -i "s/^rmiRegistryPort *=.*/rmiRegistryPort = $rmi_registry/; s/^rmiServerPort *=.*/rmiServerPort = $rmi_server/" \
    "$home/etc/org.apache.karaf.management.cfg"
# Shell access for this script: OpenSSH with a throw-away key (Karaf's own bin/client printed only "Closed" for
# every command here, although its sessions authenticated; a stock Karaf 4.4 ships no user either).
ssh-keygen -q -t rsa -b 2048 -N '' -f "$work/id_rsa"
printf '\nkaraf = %s,_g_:admingroup\n_g_\\:admingroup = group,admin,manager,viewer,systembundles,ssh\n' \
    "$(cut -d' ' -f2 "$work/id_rsa.pub")" >> "$home/etc/keys.properties"
# Maven: our reactor's repository first, then ~/.m2 (both read only), then the remote repositories of Karaf's stock
# configuration. Karaf's local repository is its own, under target/: with the default (~/.m2) it caches our
# SNAPSHOTs there, where a later run (and any build outside the reactor) would take the stale copy instead of the
# one just built.
cat >> "$home/etc/org.ops4j.pax.url.mvn.cfg" <<CFG

org.ops4j.pax.url.mvn.localRepository = $work/m2
org.ops4j.pax.url.mvn.defaultRepositories = file:$repo@id=mesowhisk@snapshots, file:$HOME/.m2/repository@id=m2@snapshots
CFG

export KARAF_HOME=$home
cleanup() {
    if [ "${KEEP:-0}" != 1 ]; then "$home/bin/stop" >/dev/null 2>&1 || true; fi
}
trap cleanup EXIT
# An OpenWhisk-style environment variable, inherited by the Karaf JVM (lowest precedence, read at activation)
export CONFIG_whisk_mesos_frameworkName=smoke-framework
"$home/bin/start" </dev/null >/dev/null 2>&1

client() {
    timeout 120 ssh -q -i "$work/id_rsa" -o BatchMode=yes -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null \
        -p "$ssh_port" karaf@127.0.0.1 "$@" </dev/null
}
# Wait (deadline 120 s) until the shell answers and the boot features are in
deadline=$((SECONDS + 120))
until client "feature:list -i" 2>/dev/null | grep -qE '^ssh +\|'; do
    [ $SECONDS -lt $deadline ] || fail "Karaf did not come up within 120 s (see $home/data/log/karaf.log)"
    sleep 2
done

echo "== feature:repo-add / feature:install"
client "feature:repo-add mvn:io.mesowhisk/mesos.karaf/$version/xml/features"
# The ssh session of feature:install may end before the command does (the installation of the prerequisite spifly
# interrupts the shell thread; karaf.log shows an InterruptedException while the deployment goes on): the
# result is therefore read from feature:list, with a deadline, and the error of a failed resolution is shown.
client "feature:install mesowhisk" || true
deadline=$((SECONDS + 120))
until client "feature:list -i" 2>/dev/null | grep -qE '^mesowhisk +\|.*\| Started'; do
    if [ $SECONDS -ge $deadline ]; then
        grep -E 'Unable to resolve|ERROR' "$home/data/log/karaf.log" | tail -5
        fail "feature mesowhisk was not Started within 120 s"
    fi
    sleep 2
done
installed=$(client "feature:list -i")
for f in mesowhisk scr spifly; do
    echo "$installed" | grep -E "^$f +\|" || fail "feature $f is not installed"
done

echo "== bundles"
# A feature is "Started" when its bundles were asked to start; on a loaded machine some are still Starting then, and
# Karaf shows the adapter "Waiting" while local mode starts the emulator and a scheduler: so wait (deadline 120 s)
# until every bundle we need is Active.
required="mesos.api mesos.scheduler mesos.whisk-adapter mesos.emulator org.eclipse.jetty.client
          org.eclipse.jetty.compression.common com.google.protobuf com.google.protobuf.util
          org.apache.aries.spifly.dynamic.bundle"
deadline=$((SECONDS + 120))
while :; do
    list=$(client "bundle:list -t 0 -s")
    missing=""
    for bsn in $required; do
        echo "$list" | grep -E "Active .*\| $bsn( |$)" >/dev/null || missing="$missing $bsn"
    done
    [ -z "$missing" ] && break
    if [ $SECONDS -ge $deadline ]; then
        echo "$list" | grep -E 'mesos\.|jetty|protobuf|gson|jsr-305|spifly|objectweb|felix.scr|slf4j'
        fail "bundles not Active within 120 s:$missing"
    fi
    sleep 2
done
echo "$list" | grep -E 'mesos\.|jetty|protobuf|gson|jsr-305|spifly|objectweb|felix.scr|slf4j'
echo "$list" | grep -E '\| slf4j\.(api|simple)' && fail "an slf4j bundle was installed next to Pax Logging"
client_id=$(echo "$list" | awk -F'|' '$5 ~ /^ *org.eclipse.jetty.client *$/ {gsub(/ /, "", $1); print $1}')
client "package:imports -b $client_id --no-format --filter" | grep -E 'osgi.wiring.package=org.eclipse.jetty.compression\).*resolved' \
    || fail "jetty-client is not wired to org.eclipse.jetty.compression"

echo "== components (over ssh, Karaf prints no command's return value: hence echo (...))"
services=$(client "service:list io.mesowhisk.whisk.WhiskMesosConfig")
echo "$services" | grep -q 'whisk.mesos.generation = ' \
    || fail "no WhiskMesosConfig service (registered by the whisk.mesos component once a configuration is in force)"

echo "== whisk:config (defaults)"
out=$(client "echo (whisk:config)")
echo "$out"
echo "$out" | grep -q 'whisk.mesos configuration 1 (local mode' || fail "whisk:config: unexpected answer"
echo "$out" | grep -qE '^framework-name +smoke-framework +environment CONFIG_whisk_mesos_frameworkName' \
    || fail "CONFIG_whisk_mesos_frameworkName did not reach whisk.mesos"

echo "== a container in local mode: whisk:create, whisk:init, whisk:run, whisk:destroy"
# OpenWhisk's Node.js image runs the project's own action proxy as a local node process (the emulator's runtime
# images); over ssh Karaf prints no return value, hence echo (...)
out=$(client "echo (whisk:create openwhisk/action-nodejs-v20)")
echo "$out"
id=$(echo "$out" | grep -oE 'whisk-[A-Za-z0-9._-]+-[0-9]+-[0-9]+' | head -1)
[ -n "$id" ] || fail "whisk:create answered no container id"
out=$(client "echo (whisk:init $id 'function main(p) { return {greeting: \"Hello \" + p.name} }')")
echo "$out"
echo "$out" | grep -q '^OK' || fail "whisk:init did not answer OK"
out=$(client "echo (whisk:run $id '{\"name\":\"Karaf\"}')")
echo "$out"
echo "$out" | grep -q 'Hello Karaf' || fail "whisk:run did not answer the action's result"
out=$(client "echo (whisk:destroy $id)")
echo "$out"
echo "$out" | grep -q 'ended TASK_KILLED' || fail "whisk:destroy did not end the container"

echo "== etc/whisk.mesos.cfg, applied live"
printf 'master-url = http://127.0.0.1:5050\nrole = whisk\n' > "$home/etc/whisk.mesos.cfg"
deadline=$((SECONDS + 60))
until out=$(client "echo (whisk:config)") && echo "$out" | grep -qE '^role +whisk +ConfigAdmin, file'; do
    [ $SECONDS -lt $deadline ] || { echo "$out"; fail "etc/whisk.mesos.cfg was not applied within 60 s"; }
    sleep 1
done
echo "$out"
echo "$out" | grep -qE '^master-url +http://127.0.0.1:5050 +ConfigAdmin, file' || fail "master-url not taken from etc/whisk.mesos.cfg"

echo "== errors in karaf.log"
if grep -E ' (ERROR|WARN) ' "$home/data/log/karaf.log" | grep -v 'Could not validate integrity' | grep -iE 'mesowhisk|whisk|jetty|protobuf|spifly'; then
    fail "errors or warnings about our bundles in $home/data/log/karaf.log"
fi
echo "KARAF SMOKE PASSED: Karaf $karaf_version, feature mesowhisk/$version"
