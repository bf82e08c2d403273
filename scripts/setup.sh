#!/usr/bin/env bash
# Builds the external tools from source into .tools/bin (git-ignored), at the versions pinned in
# tools/versions.env. Idempotent: a tool already at its version is left alone.
set -euo pipefail
cd "$(dirname "$0")/.."
source tools/versions.env
BIN="$PWD/.tools/bin"
mkdir -p "$BIN"
export K6_NO_USAGE_REPORT=true K6_AUTO_EXTENSION_RESOLUTION=false

if ! command -v go >/dev/null; then
  echo "setup: Go is missing. Install Go >= 1.25 (https://go.dev/dl/), or put a k6 >= 2 binary on PATH and install versitygw, toxiproxy and warp by hand." >&2
  exit 2
fi
# The module proxy alone: `direct` would try each module's own host, unreachable offline.
export GOPROXY="$(go env GOPROXY | sed 's/,direct$//; s/|direct$//')" GOFLAGS=-mod=mod

step() { printf 'setup: %s\n' "$*"; }
# go-installed binaries do not know their own version: a stamp file beside them records it.
built() { [ -x "$BIN/$1" ] && [ -f "$BIN/.$1-$2" ]; }
stamp() { rm -f "$BIN/.$1-"*; touch "$BIN/.$1-$2"; }

if command -v k6 >/dev/null && k6 version 2>/dev/null | grep -qE '^k6 v[2-9]'; then
  step "k6 on PATH: $(k6 version | head -1)"
  ln -sf "$(command -v k6)" "$BIN/k6"
elif "$BIN/k6" version 2>/dev/null | grep -q "k6 $K6_VERSION"; then
  step "k6 $K6_VERSION present"
else
  step "building k6 $K6_VERSION (a few minutes)"
  (cd tools/k6 && go build -o "$BIN/k6" .)
fi

if built versitygw "$VERSITYGW_VERSION"; then
  step "versitygw $VERSITYGW_VERSION present"
else
  step "building versitygw $VERSITYGW_VERSION"
  GOBIN="$BIN" go install "github.com/versity/versitygw/cmd/versitygw@$VERSITYGW_VERSION"
  stamp versitygw "$VERSITYGW_VERSION"
fi

if built toxiproxy-server "$TOXIPROXY_VERSION" && [ -x "$BIN/toxiproxy-cli" ]; then
  step "toxiproxy $TOXIPROXY_VERSION present"
else
  step "building toxiproxy $TOXIPROXY_VERSION"
  tmp="$(mktemp -d)"
  GOBIN="$tmp" go install "github.com/Shopify/toxiproxy/v2/cmd/server@$TOXIPROXY_VERSION" "github.com/Shopify/toxiproxy/v2/cmd/cli@$TOXIPROXY_VERSION"
  mv "$tmp/server" "$BIN/toxiproxy-server"
  mv "$tmp/cli" "$BIN/toxiproxy-cli"
  rm -rf "$tmp"
  stamp toxiproxy-server "$TOXIPROXY_VERSION"
fi

if built warp "$WARP_VERSION"; then
  step "warp $WARP_VERSION present"
else
  # `go install` asks the proxy for warp's version list, which it refuses: build from the module instead.
  step "building warp $WARP_VERSION"
  dir="$(GONOSUMDB=github.com/minio/warp go mod download -json "github.com/minio/warp@$WARP_VERSION" | sed -n 's/.*"Dir": "\(.*\)".*/\1/p')"
  src="$(mktemp -d)"
  cp -r "$dir/." "$src" && chmod -R u+w "$src"
  (cd "$src" && GONOSUMDB=github.com/minio/warp go build -o "$BIN/warp" .)
  rm -rf "$src"
  stamp warp "$WARP_VERSION"
fi

missing=()
command -v haproxy >/dev/null || missing+=(haproxy)
command -v rclone >/dev/null || missing+=(rclone)
# Headless Chromium opens the reports in the tests.
[ -x /usr/bin/chromium ] || missing+=(chromium)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    step "installing ${missing[*]} from Debian"
    apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "setup: ${missing[*]} missing; install with: sudo apt-get install ${missing[*]}" >&2
    exit 2
  fi
fi
step "ready: $("$BIN/k6" version | head -1), versitygw, toxiproxy, warp, $(haproxy -v | head -1 | cut -d' ' -f1-3), $(rclone version | head -1)"
