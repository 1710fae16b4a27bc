#!/usr/bin/env bash
# The image without Docker: builds the runtime stage's layout (/app/dist + production node_modules,
# as deploy/docker/Dockerfile does) in a temporary folder, makes it read-only, and runs each
# service from it as UID/GID 10001 in cluster mode — a private database on PostgreSQL and a
# private stream on NATS, both removed afterwards — checking /readyz answers 200 and SIGTERM exits 0.
# Needs root (to switch user), psql, and the servers of the integration suite. Takes ~3 minutes.
#   bash deploy/docker/smoke-layout.sh [service...]      (default: every service)
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
: "${HEALTHLANE_TEST_DATABASE_URL:=postgres://postgres@127.0.0.1:5432/postgres}"
: "${HEALTHLANE_TEST_NATS_URL:=nats://127.0.0.1:4222}"
work=$(mktemp -d /tmp/healthlane-layout.XXXXXX)
chmod 755 "$work" # mktemp makes it 0700; UID 10001 must reach the layout
run=$$
cleanup() {
  (cd "$root/packages/bus" && node --input-type=module -e "
    import { connect } from '@nats-io/transport-node';
    import { jetstreamManager } from '@nats-io/jetstream';
    const nc = await connect({ servers: process.argv[1] });
    const jsm = await jetstreamManager(nc);
    for await (const s of jsm.streams.list()) if (s.config.name.startsWith('LAYOUT$run')) await jsm.streams.delete(s.config.name);
    await nc.close();" "${HEALTHLANE_TEST_NATS_URL#nats://}") || true
  chmod -R u+w "$work" && rm -rf "$work"
}
trap cleanup EXIT

echo "layout: production dependencies from the lockfile (npm ci --omit=dev --ignore-scripts)"
mkdir -p "$work/src" "$work/app"
git archive HEAD | tar -x -C "$work/src"
(cd "$work/src" && npm ci --omit=dev --ignore-scripts --no-audit --no-fund > "$work/npm.log" 2>&1)
mv "$work/src/node_modules" "$work/app/node_modules" && rm -rf "$work/app/node_modules/@healthlane" "$work/src"
node apps/cli/build.mjs --outfile="$work/app/dist/healthlane.mjs"
chmod -R a-w "$work/app"

services=("$@")
[ ${#services[@]} -gt 0 ] || mapfile -t services < <(node "$work/app/dist/healthlane.mjs" services --json | node -e \
  'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).map(x=>x.name).join("\n")))')
failed=0
for service in "${services[@]}"; do
  db="layout_${run}_${service//-/_}"
  port=$((18400 + RANDOM % 500))
  psql "$HEALTHLANE_TEST_DATABASE_URL" -qc "create database $db"
  setpriv --reuid=10001 --regid=10001 --clear-groups env -i PATH="$PATH" HOME=/nonexistent \
    PORT=$port LOG_LEVEL=warn DATABASE_URL="${HEALTHLANE_TEST_DATABASE_URL%/*}/$db" \
    NATS_URL="$HEALTHLANE_TEST_NATS_URL" NATS_STREAM="LAYOUT${run}${service//-/}" NATS_SUBJECT_PREFIX="layout$run$service" \
    DRAIN_DELAY_MS=1000 SHUTDOWN_TIMEOUT_MS=20000 HEALTHLANE_DEMO=0 HEALTHLANE_DATA_DIR=memory:// \
    HEALTHLANE_PEERS_URL="http://127.0.0.1:$port" AUDIT_CHECKPOINT_KEY=layout-check-key-of-at-least-32-characters \
    node --enable-source-maps "$work/app/dist/healthlane.mjs" serve "$service" > "$work/$service.log" 2>&1 &
  pid=$!
  status=000
  for second in $(seq 1 120); do
    status=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/readyz" || true)
    [ "$status" = 200 ] && break
    kill -0 $pid 2> /dev/null || break
    sleep 1
  done
  kill -TERM $pid 2> /dev/null || true
  code=0; wait $pid || code=$?
  psql "$HEALTHLANE_TEST_DATABASE_URL" -qc "drop database $db with (force)"
  echo "$service: /readyz $status after ${second}s, exit $code after SIGTERM"
  if [ "$status" != 200 ] || [ $code -ne 0 ]; then failed=1; tail -20 "$work/$service.log"; fi
done
exit $failed
