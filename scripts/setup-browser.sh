#!/usr/bin/env bash
# Browser-test prerequisites: Debian's Chromium (Playwright cannot download its own browser
# here) and axe-core from tests/e2e/package-lock.json. Idempotent: each step checks first.
set -euo pipefail

cd "$(dirname "$0")/.."

apt_install() {
    # Update the package lists only when the package is not known yet.
    if ! apt-cache show "$@" >/dev/null 2>&1; then
        apt-get update -qq
    fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

if [ ! -x /usr/bin/chromium ]; then
    echo "setup-browser: installing Debian's chromium"
    apt_install chromium
fi

if ! command -v npm >/dev/null 2>&1; then
    echo "setup-browser: installing Node.js and npm"
    apt_install nodejs npm
fi

# npm ci only when node_modules is missing or the lock file changed since the last install.
lock=tests/e2e/package-lock.json
stamp=tests/e2e/node_modules/.lock.sha256
want=$(sha256sum "$lock" | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
    echo "setup-browser: npm ci (tests/e2e)"
    npm ci --prefix tests/e2e --no-audit --no-fund --loglevel=error >/dev/null
    echo "$want" > "$stamp"
fi
