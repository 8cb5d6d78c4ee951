#!/usr/bin/env bash
# Installs everything SQLFlow needs to build and test on Debian 12, from apt and npm only.
# Idempotent: when everything is present it does nothing and returns in well under 2 s.
#   scripts/install-deps.sh            build + test dependencies
#   scripts/install-deps.sh --runtime  only what building and running needs (no test servers)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DUCKDB_VERSION="1.4.4"
DUCKDB_DIR="$ROOT/third_party/duckdb"
CACHE_DIR="${SQLFLOW_DEPS_CACHE:-$ROOT/third_party/.cache}"

LIB_PKG="@duckdb/node-bindings-linux-x64@1.4.4-r.4"
LIB_TGZ_SHA="732fac4dc6b8f198870b9c4bb6ddf13544466daca00ad28ba2f1d80de5d7aa4b"
LIB_SO_SHA="1ef33048e12235115ac0d277a0aaccbb560e33248144f488b5ac005cd9ba81b5"
HDR_PKG="duckdb@1.4.4"
HDR_TGZ_SHA="5bb967dcbcd517670ba5f169f238fb9d6787e53752c60ebe24386169d76941ed"

APT_PACKAGES=(cmake g++ make ninja-build ccache pkg-config
  libyaml-cpp-dev nlohmann-json3-dev libcli11-dev libfmt-dev libspdlog-dev
  libcurl4-openssl-dev libssl-dev libpq-dev zlib1g-dev libzstd-dev libsimdjson-dev
  libgtest-dev libgmock-dev python3 curl
  libpython3-dev pybind11-dev python3-numpy python3-pandas)
TEST_PACKAGES=(postgresql libcpp-httplib-dev openssl python3-botocore clang-format)  # openssl: test certificates; clang-format 14: the format check

mode="all"
[[ "${1:-}" == "--runtime" ]] && mode="runtime"

log() { printf 'install-deps: %s\n' "$*" >&2; }

install_apt() {
  local wanted=("${APT_PACKAGES[@]}")
  [[ "$mode" == "all" ]] && wanted+=("${TEST_PACKAGES[@]}")
  local missing=()
  # One dpkg-query call for all packages keeps the no-op path fast.
  local installed
  installed="$(dpkg-query -W -f='${Package} ${db:Status-Status}\n' "${wanted[@]}" 2>/dev/null || true)"
  for pkg in "${wanted[@]}"; do
    grep -q "^${pkg} installed$" <<<"$installed" || missing+=("$pkg")
  done
  # npm may come bundled with a nodejs from another origin; only ask apt when the command is missing.
  command -v npm >/dev/null 2>&1 || missing+=(nodejs npm)
  if ((${#missing[@]})); then
    log "apt: installing ${missing[*]}"
    local sudo=""
    [[ $(id -u) -ne 0 ]] && sudo="sudo"
    export DEBIAN_FRONTEND=noninteractive
    $sudo apt-get update -qq
    $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
}

sha_ok() { [[ -f "$1" ]] && [[ "$(sha256sum "$1" | cut -d' ' -f1)" == "$2" ]]; }

# fetch_tgz PACKAGE SHA256 -> prints the path of the verified tarball in the cache
fetch_tgz() {
  local pkg="$1" sha="$2" attempt
  mkdir -p "$CACHE_DIR"
  local name
  name="$(echo "$pkg" | sed -e 's#^@##' -e 's#/#-#' -e 's#@#-#').tgz"
  local dest="$CACHE_DIR/$name"
  if sha_ok "$dest" "$sha"; then echo "$dest"; return 0; fi
  for attempt in 1 2 3; do
    rm -f "$dest"
    local tmp
    tmp="$(mktemp -d)"
    if (cd "$tmp" && npm pack "$pkg" --silent --fetch-retries=2 --fetch-retry-maxtimeout=20000 >/dev/null 2>&1); then
      mv "$tmp"/*.tgz "$dest" 2>/dev/null || true
    fi
    rm -rf "$tmp"
    if sha_ok "$dest" "$sha"; then echo "$dest"; return 0; fi
    log "download of $pkg failed or checksum mismatch (attempt $attempt)"
  done
  rm -f "$dest"
  log "ERROR: could not fetch $pkg with sha256 $sha"
  return 1
}

install_duckdb() {
  if sha_ok "$DUCKDB_DIR/lib/libduckdb.so" "$LIB_SO_SHA" && [[ -f "$DUCKDB_DIR/include/duckdb.h" ]] \
     && [[ -f "$DUCKDB_DIR/.version" ]] && [[ "$(cat "$DUCKDB_DIR/.version")" == "$DUCKDB_VERSION" ]]; then
    return 0
  fi
  log "duckdb: installing $DUCKDB_VERSION into $DUCKDB_DIR"
  local lib_tgz hdr_tgz tmp
  lib_tgz="$(fetch_tgz "$LIB_PKG" "$LIB_TGZ_SHA")"
  hdr_tgz="$(fetch_tgz "$HDR_PKG" "$HDR_TGZ_SHA")"
  tmp="$(mktemp -d)"
  tar xzf "$lib_tgz" -C "$tmp" package/libduckdb.so
  tar xzf "$hdr_tgz" -C "$tmp" package/src/duckdb/src/include/duckdb.h
  if ! sha_ok "$tmp/package/libduckdb.so" "$LIB_SO_SHA"; then
    rm -rf "$tmp"; log "ERROR: extracted libduckdb.so has the wrong checksum"; return 1
  fi
  rm -rf "$DUCKDB_DIR"
  mkdir -p "$DUCKDB_DIR/lib" "$DUCKDB_DIR/include"
  mv "$tmp/package/libduckdb.so" "$DUCKDB_DIR/lib/"
  mv "$tmp/package/src/duckdb/src/include/duckdb.h" "$DUCKDB_DIR/include/"
  echo "$DUCKDB_VERSION" >"$DUCKDB_DIR/.version"
  rm -rf "$tmp"
}

# s3rver (CONNECTORS.md §4.2): the S3-compatible test server, into a folder of this checkout ignored by git.
S3RVER_VERSION="3.7.1"
S3RVER_DIR="${SQLFLOW_S3RVER_DIR:-$ROOT/.cache/npm}"
install_s3rver() {
  local installed="$S3RVER_DIR/node_modules/s3rver/package.json"
  if [[ -f "$installed" ]] && grep -q "\"version\": \"$S3RVER_VERSION\"" "$installed"; then
    return 0
  fi
  log "npm: installing s3rver@$S3RVER_VERSION into $S3RVER_DIR"
  mkdir -p "$S3RVER_DIR"
  npm install --prefix "$S3RVER_DIR" --no-audit --no-fund --silent --fetch-retries=2 \
    --fetch-retry-maxtimeout=20000 "s3rver@$S3RVER_VERSION" >/dev/null
}

install_apt
install_duckdb
if [[ "$mode" == "all" ]]; then install_s3rver; fi
