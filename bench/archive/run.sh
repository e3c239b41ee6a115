#!/usr/bin/env bash
# Export and import time and peak RSS of the busiest seeded legacy plus
# 200 MB of photos, on SQLite with the local media folder.
#
#   cargo build --release -p mosaic-admin   # or use the debug binary
#   bench/archive/run.sh [path/to/mosaic-admin]
#
# Seeds 200 users, 2 legacies and 10,000 stories (the busiest legacy gets
# about 9,500), adds 20 photos of 10 MiB to it (files in the media folder and
# their records), then times `legacy export` and `legacy import` into an
# empty site with /usr/bin/time. Needs python3 (for the media records).
set -euo pipefail
BIN=${1:-target/release/mosaic-admin}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
site() {
  export MOSAIC_DATA_DIR=$WORK/$1 MOSAIC_DATABASE_URL=sqlite://$WORK/$1/mosaic.db \
    MOSAIC_PUBLIC_URL=http://127.0.0.1:1
  mkdir -p "$MOSAIC_DATA_DIR"
}
site a
"$BIN" migrate run >/dev/null
"$BIN" --json seed --users 200 --legacies 2 --stories 10000 --rng-seed 1 >/dev/null
LEGACY=$("$BIN" --json legacy list --limit 0 | python3 -c '
import json, subprocess, sys
legacies = json.load(sys.stdin)["legacies"]
def stories(l):
    out = subprocess.run([sys.argv[1], "--json", "legacy", "show", l["id"]], capture_output=True, text=True, check=True)
    return json.loads(out.stdout)["contents"]["stories"]
print(max(legacies, key=stories)["id"])' "$BIN")
python3 - "$WORK/a" "$LEGACY" <<'PY'
import os, sqlite3, sys, uuid, time
data, legacy = sys.argv[1], sys.argv[2]
db = sqlite3.connect(os.path.join(data, "mosaic.db"))
lid = uuid.UUID(legacy).bytes
creator = db.execute("SELECT created_by FROM legacies WHERE id = ?", (lid,)).fetchone()[0]
now = int(time.time() * 1_000_000)
for n in range(20):
    mid = uuid.uuid4()
    key = f"legacies/{uuid.UUID(bytes=lid)}/media/{mid}"
    path = os.path.join(data, "media", key)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + os.urandom(10 * 1024 * 1024 - 8))
    db.execute("INSERT INTO media VALUES (?, ?, ?, ?, ?, 'image/png', ?, ?)",
               (mid.bytes, creator, lid, key, f"photo-{n}.png", 10 * 1024 * 1024, now + n))
db.commit()
PY
/usr/bin/time -f "export: %e s, peak RSS %M KB" "$BIN" legacy export "$LEGACY" --out "$WORK/legacy.zip"
ls -l "$WORK/legacy.zip" | awk '{print "archive: " $5 " bytes"}'
site b
"$BIN" migrate run >/dev/null
/usr/bin/time -f "import: %e s, peak RSS %M KB" "$BIN" legacy import "$WORK/legacy.zip"
