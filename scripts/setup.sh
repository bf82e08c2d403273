#!/usr/bin/env bash
# Builds the external tools from source into .tools/bin (git-ignored), at the versions pinned in
# tools/versions.env. Idempotent: a tool already at its version is left alone. Every tool is MIT or
# Apache-2.0 (`npm run licences` checks it); the scenarios run on the project's own engine, so nothing
# here is AGPL.
#   npm run setup                 what the demo and `lab up` need: versitygw, toxiproxy, haproxy, openssl
#   npm run setup -- all          also what the tests need: rclone and SeaweedFS (the other S3 servers of
#                                 `lab up --s3` and the interoperability tests) and chromium
#   npm run setup -- rclone ...   only the tools named
set -euo pipefail
cd "$(dirname "$0")/.."
source tools/versions.env
BIN="$PWD/.tools/bin"
mkdir -p "$BIN"

if ! command -v go >/dev/null; then
  echo "setup: Go is missing. Install Go >= 1.25 (https://go.dev/dl/), or install versitygw, toxiproxy, rclone and SeaweedFS by hand." >&2
  exit 2
fi
# The module proxy alone: `direct` would try each module's own host, unreachable offline.
export GOPROXY="$(go env GOPROXY | sed 's/,direct$//; s/|direct$//')" GOFLAGS=-mod=mod

step() { printf 'setup: %s\n' "$*"; }
# The tools asked for on the command line; the demo's when none is named, every one with `all`.
ONLY=("$@")
ALL=false
[ "${#ONLY[@]}" -eq 0 ] && ONLY=(versitygw toxiproxy)
[ "${ONLY[*]}" = all ] && { ALL=true; ONLY=(versitygw toxiproxy rclone seaweedfs); }
wants() { [[ " ${ONLY[*]} " == *" $1 "* ]]; }
for t in "${ONLY[@]}"; do
  case "$t" in versitygw|toxiproxy|rclone|seaweedfs) ;; *) echo "setup: unknown tool $t (versitygw, toxiproxy, rclone, seaweedfs, or all)" >&2; exit 2 ;; esac
done
# go-installed binaries do not know their own version: a stamp file beside them records it.
built() { [ -x "$BIN/$1" ] && [ -f "$BIN/.$1-$2" ]; }
stamp() { rm -f "$BIN/.$1-"*; touch "$BIN/.$1-$2"; }

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

# A Go module folder copied out of the module cache and built there: replace directives only hold in
# the main module.
build_from_module() { # module version package output
  local dir src
  dir="$(GONOSUMDB="$1" go mod download -json "$1@$2" | sed -n 's/.*"Dir": "\(.*\)".*/\1/p')"
  src="$(mktemp -d)"
  cp -r "$dir/." "$src" && chmod -R u+w "$src"
  (cd "$src" && GONOSUMDB="$1" go build -o "$4" "$3")
  rm -rf "$src"
}

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

# What the lab needs beside the Go tools, from Debian; the tests also open reports in headless Chromium.
missing=()
command -v haproxy >/dev/null || missing+=(haproxy)
command -v openssl >/dev/null || missing+=(openssl)
$ALL && { [ -x /usr/bin/chromium ] || missing+=(chromium); }
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    step "installing ${missing[*]} from Debian"
    apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "setup: ${missing[*]} missing; install with: sudo apt-get install ${missing[*]}" >&2
    exit 2
  fi
fi
step "ready: ${ONLY[*]}, $(haproxy -v | head -1 | cut -d' ' -f1-3)"
