#!/usr/bin/env bash
# Debian packages the test suite drives for real: chromium (browser tests), Xvfb and xdotool (desk timer on
# X11), espeak-ng (spoken cues), libosmesa6 and Mesa EGL (headless figure rendering), dbus-daemon and node (desk
# timer backends and its browser rules), DejaVu fonts (figures and screenshots), wrk (web benchmark) and
# PostgreSQL's client programs (backup and restore on PostgreSQL).
# `install-system-deps.sh run` installs only what serving needs (the figure renderer's OpenGL and fonts).
# `install-system-deps.sh npm` adds npm, which `make install` needs for the self-check's pose model (npm ci).
set -euo pipefail
purpose="${1:-test}"
needed=()
[ -e /usr/lib/x86_64-linux-gnu/libOSMesa.so.8 ] || [ -e /usr/lib/aarch64-linux-gnu/libOSMesa.so.8 ] || needed+=(libosmesa6)
dpkg -s libegl1 >/dev/null 2>&1 || needed+=(libegl1 libegl-mesa0 libgl1-mesa-dri)
fc-list 2>/dev/null | grep -qi dejavu || needed+=(fonts-dejavu-core)
if [ "$purpose" = "npm" ]; then
command -v npm >/dev/null 2>&1 || needed+=(npm)
fi
if [ "$purpose" = "test" ]; then
command -v chromium >/dev/null 2>&1 || needed+=(chromium)
command -v Xvfb >/dev/null 2>&1 || needed+=(xvfb)
command -v xdotool >/dev/null 2>&1 || needed+=(xdotool)
command -v espeak-ng >/dev/null 2>&1 || needed+=(espeak-ng)
dpkg -s libxss1 >/dev/null 2>&1 || needed+=(libxss1)
command -v dbus-daemon >/dev/null 2>&1 || needed+=(dbus-daemon)  # desk timer's GNOME and notification backends
command -v node >/dev/null 2>&1 || command -v nodejs >/dev/null 2>&1 || needed+=(nodejs)  # browser desk timer rules
command -v wrk >/dev/null 2>&1 || needed+=(wrk)  # the web load benchmark (make bench)
command -v pg_dump >/dev/null 2>&1 || needed+=(postgresql-client)  # psoascare backup/restore on PostgreSQL
fi
[ ${#needed[@]} -eq 0 ] && exit 0
if ! command -v apt-get >/dev/null 2>&1; then
    if [ "$purpose" = "run" ]; then
        echo "PsoasCare draws its figures with OpenGL; without ${needed[*]} it draws SVG schematics instead." >&2
        exit 0
    fi
    echo "PsoasCare tests need these system packages, and apt-get is not available to install them:" >&2
    echo "  ${needed[*]}" >&2
    echo "Install them with your system's package manager, then run 'make test' again." >&2
    exit 1
fi
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "Installing Debian packages: ${needed[*]}"
install() {
    $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${needed[@]}" >/dev/null
}
if [ "$purpose" = "run" ]; then
    # Serving works without them (SVG schematics instead of rendered figures), so a failed install only warns.
    install || echo "Could not install ${needed[*]}: figures will be SVG schematics." >&2
else
    install
fi
