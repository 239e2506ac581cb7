#!/bin/sh
# Set Gatepost up on a fresh Debian or Ubuntu machine, then launch it or test it.
#
#   sh resources/setup.sh app    install what the window needs and open it
#   sh resources/setup.sh test   install what the tests need and run the whole suite
#
# System packages are installed only when missing (with sudo when not root); Python
# packages go into .venv beside this checkout, never into the system.
set -eu
cd "$(dirname "$0")/.."
what=${1:-app}
shift 2>/dev/null || true

# Debian packages per purpose. Qt's offscreen platform (the tests) needs none of them.
APP_PACKAGES="libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxkbcommon-x11-0 libxcb-shape0
  libxcb-randr0 libxcb-render-util0 libxcb-image0 libegl1 libfontconfig1 libdbus-1-3"
TEST_PACKAGES="gnome-keyring libsecret-tools dbus"
# curl itself: a pasted curl command is checked against what the real curl sends.
TEST_PACKAGES="$TEST_PACKAGES curl"
# A loopback Kerberos realm (krb5kdc, kdb5_util; kadmin.local; kinit), and what the
# Python gssapi package needs to build: it has no Linux wheel (krb5-config, a compiler).
TEST_PACKAGES="$TEST_PACKAGES krb5-kdc krb5-admin-server krb5-user libkrb5-dev gcc python3-dev"
# A real proxy for tests/test_proxy.py (Basic and Digest helpers come with it); openssl
# hashes its htpasswd file.
TEST_PACKAGES="$TEST_PACKAGES squid openssl"

apt_install() {
    missing=""
    for package in "$@"; do
        dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "ok installed" ||
            missing="$missing $package"
    done
    [ -n "$missing" ] || return 0
    if ! command -v apt-get >/dev/null 2>&1; then
        echo "setup: please install these system packages:$missing" >&2
        return 0
    fi
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    echo "setup: installing$missing" >&2
    log=$(mktemp)
    if ! { $sudo apt-get update -qq &&
           DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq \
               --no-install-recommends $missing; } >"$log" 2>&1; then
        cat "$log" >&2
        echo "setup: could not install:$missing" >&2
        exit 1
    fi
    rm -f "$log"
}

# Gatepost in the desktop's application menu (Linux, XDG): resources/gatepost.desktop with
# this checkout's program, and the icon, in the user's data folder. Only where a desktop
# keeps its menu there; removed by deleting the two files it names.
install_desktop_entry() {
    data=${XDG_DATA_HOME:-$HOME/.local/share}
    [ -d "$data/applications" ] || [ -n "${XDG_CURRENT_DESKTOP:-}" ] || return 0
    program="$(pwd)/.venv/bin/gatepost"
    icon_dir="$data/icons/hicolor/scalable/apps"
    mkdir -p "$data/applications" "$icon_dir" || return 0
    cp gui/resources/gatepost.svg "$icon_dir/gatepost.svg" || return 0
    sed -e "s|^Exec=.*|Exec=\"$program\"|" -e "s|^TryExec=.*|TryExec=$program|" \
        resources/gatepost.desktop >"$data/applications/gatepost.desktop"
    command -v update-desktop-database >/dev/null 2>&1 &&
        update-desktop-database -q "$data/applications" 2>/dev/null || true
    echo "setup: Gatepost is in the application menu ($data/applications/gatepost.desktop," \
        "$icon_dir/gatepost.svg; delete both to remove it)" >&2
}

python=${PYTHON:-python3}
if ! "$python" -c 'import ensurepip, venv' >/dev/null 2>&1; then
    apt_install python3-venv
fi
[ -x .venv/bin/python ] || "$python" -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip >/dev/null 2>&1 || true

case "$what" in
    app)
        # shellcheck disable=SC2086
        apt_install $APP_PACKAGES
        .venv/bin/python -m pip install -q .
        install_desktop_entry
        exec .venv/bin/gatepost "$@"
        ;;
    test)
        # shellcheck disable=SC2086
        [ -z "$TEST_PACKAGES" ] || apt_install $TEST_PACKAGES
        .venv/bin/python -m pip install -q -e '.[test]'
        # The OpenID provider the OAuth 2.0 tests talk to (npm oidc-provider).
        if command -v npm >/dev/null 2>&1 && [ ! -d tests/oidc/node_modules ]; then
            (cd tests/oidc && npm ci --no-audit --no-fund --loglevel=error)
        fi
        # Postman's runner, which checks Gatepost's Postman export (npm newman).
        if command -v npm >/dev/null 2>&1 && [ ! -d tests/newman/node_modules ]; then
            (cd tests/newman && npm ci --no-audit --no-fund --loglevel=error)
        fi
        # Bruno's converter and file writers, which write the Bruno collections Gatepost's
        # importer is checked against (npm @usebruno/converters, @usebruno/filestore).
        if command -v npm >/dev/null 2>&1 && [ ! -d tests/bruno/node_modules ]; then
            (cd tests/bruno && npm ci --no-audit --no-fund --loglevel=error)
        fi
        .venv/bin/python -m ruff check gui tests benchmarks
        .venv/bin/python -m mypy
        exec .venv/bin/python -m pytest "$@"
        ;;
    *)
        echo "usage: sh resources/setup.sh app|test" >&2
        exit 2
        ;;
esac
