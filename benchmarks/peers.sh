#!/usr/bin/env bash
# Install the peer servers that benchmarks/run.py measures Cognitio against.
#
# Everything lands in benchmarks/.peers/ (git-ignored), never in the project's venv:
#   .peers/moto/   a venv holding moto[server]          -> .peers/moto/bin/moto_server
#   .peers/node/   an npm prefix holding cognito-local  -> .peers/node/node_modules/.bin/cognito-local
#
# Idempotent: a peer that is already installed is left alone. Pass --upgrade to reinstall both.
# Pin versions with MOTO_SPEC / COGNITO_LOCAL_SPEC, e.g. MOTO_SPEC='moto[server]==5.1.0'.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
peers="$here/.peers"
python="${PYTHON:-python3}"
moto_spec="${MOTO_SPEC:-moto[server]}"
cognito_local_spec="${COGNITO_LOCAL_SPEC:-cognito-local}"
upgrade=0
[[ "${1:-}" == "--upgrade" ]] && upgrade=1

mkdir -p "$peers"

moto_venv="$peers/moto"
if [[ $upgrade == 1 || ! -x "$moto_venv/bin/moto_server" ]]; then
    echo "peers: installing $moto_spec into $moto_venv"
    "$python" -m venv "$moto_venv"
    "$moto_venv/bin/pip" install --quiet --upgrade pip
    "$moto_venv/bin/pip" install --quiet --upgrade "$moto_spec"
else
    echo "peers: moto already installed ($("$moto_venv/bin/python" -c \
        'import importlib.metadata as m; print(m.version("moto"))'))"
fi

node_prefix="$peers/node"
if [[ $upgrade == 1 || ! -x "$node_prefix/node_modules/.bin/cognito-local" ]]; then
    if ! command -v npm >/dev/null; then
        echo "peers: npm not found; skipping cognito-local (install Node.js >= 18)" >&2
    else
        echo "peers: installing $cognito_local_spec into $node_prefix"
        mkdir -p "$node_prefix"
        npm install --prefix "$node_prefix" --no-audit --no-fund --loglevel=error \
            "$cognito_local_spec"
    fi
else
    echo "peers: cognito-local already installed ($(node -p \
        "require('$node_prefix/node_modules/cognito-local/package.json').version"))"
fi
