#!/usr/bin/env bash
# Builds the external tools from source into .tools/bin (git-ignored), at the versions pinned in
# tools/versions.env. Idempotent: a tool already at its version is left alone.
#   npm run setup               everything the lab, the tests and the demo need
#   npm run setup -- k6         only k6 (enough to run the scenarios against a real host)
set -euo pipefail
cd "$(dirname "$0")/.."
source tools/versions.env
BIN="$PWD/.tools/bin"
mkdir -p "$BIN"
export K6_NO_USAGE_REPORT=true K6_AUTO_EXTENSION_RESOLUTION=false

if ! command -v go >/dev/null; then
  echo "setup: Go is missing. Install Go >= 1.25 (https://go.dev/dl/), or put a k6 >= 2 binary on PATH and install versitygw, toxiproxy, warp, rclone and SeaweedFS by hand." >&2
  exit 2
fi
# The module proxy alone: `direct` would try each module's own host, unreachable offline.
export GOPROXY="$(go env GOPROXY | sed 's/,direct$//; s/|direct$//')" GOFLAGS=-mod=mod

step() { printf 'setup: %s\n' "$*"; }
# The tools asked for on the command line; all of them when none is named.
wants() { [ "${#ONLY[@]}" -eq 0 ] || [[ " ${ONLY[*]} " == *" $1 "* ]]; }
ONLY=("$@")
for t in "${ONLY[@]}"; do
  case "$t" in k6|versitygw|toxiproxy|warp|rclone|seaweedfs) ;; *) echo "setup: unknown tool $t (k6, versitygw, toxiproxy, warp, rclone, seaweedfs)" >&2; exit 2 ;; esac
done
# go-installed binaries do not know their own version: a stamp file beside them records it.
built() { [ -x "$BIN/$1" ] && [ -f "$BIN/.$1-$2" ]; }
stamp() { rm -f "$BIN/.$1-"*; touch "$BIN/.$1-$2"; }

if wants k6; then
  if command -v k6 >/dev/null && k6 version 2>/dev/null | grep -qE '^k6 v[2-9]'; then
    step "k6 on PATH: $(k6 version | head -1)"
    ln -sf "$(command -v k6)" "$BIN/k6"
  elif "$BIN/k6" version 2>/dev/null | grep -q "k6 $K6_VERSION"; then
    step "k6 $K6_VERSION present"
  else
    step "building k6 $K6_VERSION (a few minutes)"
    (cd tools/k6 && go build -o "$BIN/k6" .)
  fi
fi

if wants versitygw; then
  if built versitygw "$VERSITYGW_VERSION"; then
    step "versitygw $VERSITYGW_VERSION present"
  else
    step "building versitygw $VERSITYGW_VERSION"
    GOBIN="$BIN" go install "github.com/versity/versitygw/cmd/versitygw@$VERSITYGW_VERSION"
    stamp versitygw "$VERSITYGW_VERSION"
  fi
fi

if wants toxiproxy; then
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
fi

# A Go module folder copied out of the module cache and built there: replace directives and a go.mod
# missing from the checksum database only hold in the main module.
build_from_module() { # module version package output
  local dir src
  dir="$(GONOSUMDB="$1" go mod download -json "$1@$2" | sed -n 's/.*"Dir": "\(.*\)".*/\1/p')"
  src="$(mktemp -d)"
  cp -r "$dir/." "$src" && chmod -R u+w "$src"
  (cd "$src" && GONOSUMDB="$1" go build -o "$4" "$3")
  rm -rf "$src"
}

if wants warp; then
  if built warp "$WARP_VERSION"; then
    step "warp $WARP_VERSION present"
  else
    # `go install` asks the proxy for warp's version list, which it refuses: build from the module instead.
    step "building warp $WARP_VERSION"
    build_from_module github.com/minio/warp "$WARP_VERSION" . "$BIN/warp"
    stamp warp "$WARP_VERSION"
  fi
fi

if wants rclone; then
  if built rclone "$RCLONE_VERSION"; then
    step "rclone $RCLONE_VERSION present"
  else
    step "building rclone $RCLONE_VERSION (a few minutes)"
    GOBIN="$BIN" go install "github.com/rclone/rclone@$RCLONE_VERSION"
    stamp rclone "$RCLONE_VERSION"
  fi
fi

if wants seaweedfs; then
  if built weed "$SEAWEEDFS_VERSION"; then
    step "SeaweedFS $SEAWEEDFS_VERSION present"
  else
    step "building SeaweedFS $SEAWEEDFS_VERSION (a few minutes)"
    build_from_module github.com/seaweedfs/seaweedfs "$SEAWEEDFS_VERSION" ./weed "$BIN/weed"
    stamp weed "$SEAWEEDFS_VERSION"
  fi
fi

if [ "${#ONLY[@]}" -gt 0 ]; then
  step "ready: ${ONLY[*]}"
  exit 0
fi

missing=()
command -v haproxy >/dev/null || missing+=(haproxy)
command -v openssl >/dev/null || missing+=(openssl)
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
step "ready: $("$BIN/k6" version | head -1), versitygw, toxiproxy, warp, $(haproxy -v | head -1 | cut -d' ' -f1-3), $("$BIN/rclone" version | head -1), SeaweedFS"
