#!/usr/bin/env bash
# Makes sure the system dependencies, FFTW 3 (single precision, with its
# pkg-config file) and zlib's headers (gzip-compressed inputs), are installed. Installs it with apt-get when run as root
# on Debian/Ubuntu; otherwise says exactly what to install.
set -euo pipefail
have_fftw() { [ -f /usr/include/fftw3.h ] && { pkg-config --exists fftw3f 2>/dev/null || ls /usr/lib/*/libfftw3f.so >/dev/null 2>&1; }; }
have_zlib() { [ -f /usr/include/zlib.h ] || pkg-config --exists zlib 2>/dev/null; }
if have_fftw && have_zlib; then exit 0; fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "gaitline: installing libfftw3-dev (FFTW 3) and zlib1g-dev with apt-get" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libfftw3-dev zlib1g-dev pkg-config >/dev/null
  have_fftw && have_zlib && exit 0
fi
cat >&2 <<'MSG'
gaitline needs FFTW 3 and zlib with their development files:
  Debian/Ubuntu: sudo apt-get install -y libfftw3-dev zlib1g-dev pkg-config
  Fedora:        sudo dnf install fftw-devel zlib-devel pkgconf
  macOS:         brew install fftw pkg-config (zlib comes with the system)
then run this command again.
MSG
exit 1
