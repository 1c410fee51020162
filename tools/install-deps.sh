#!/bin/sh
# Installs the system packages newsfacts needs when pkg-config cannot find
# them (Debian/Ubuntu: apt-get). Does nothing when all are present.
set -e
missing=""
command -v pkg-config >/dev/null 2>&1 || missing="$missing pkg-config"
for pc in libpcre2-8:libpcre2-dev icu-uc:libicu-dev icu-i18n:libicu-dev yaml-0.1:libyaml-dev libxml-2.0:libxml2-dev; do
    mod=${pc%%:*}; pkg=${pc#*:}
    if ! pkg-config --exists "$mod" 2>/dev/null; then
        case " $missing " in *" $pkg "*) ;; *) missing="$missing $pkg" ;; esac
    fi
done
# Tools the test suite uses (python3 for the binding and scorers).
command -v python3 >/dev/null 2>&1 || missing="$missing python3"
# With --test: Chromium for the HTML view's browser test, where Debian has it (optional).
optional=""
[ "${1:-}" = --test ] && [ -z "${NF_NO_BROWSER:-}" ] && ! command -v chromium >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1 \
    && optional="chromium"
# With --test: Dask (python3-distributed) for the cluster example's test.
[ "${1:-}" = --test ] && ! /usr/bin/python3 -c "import distributed" >/dev/null 2>&1 \
    && command -v apt-get >/dev/null 2>&1 && optional="$optional python3-distributed"
[ -z "$missing$optional" ] && exit 0
if [ -n "$missing" ] && ! command -v apt-get >/dev/null 2>&1; then
    echo "install-deps: please install:$missing (no apt-get here)" >&2
    exit 1
fi
SUDO=""
[ "$(id -u)" = 0 ] || SUDO=sudo
echo "install-deps: installing$missing $optional" >&2
$SUDO apt-get update -qq >&2
[ -n "$missing" ] && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing >&2
if [ -n "$optional" ]; then
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $optional >&2 \
        || echo "install-deps: $optional not installed: the browser test will be skipped" >&2
fi
