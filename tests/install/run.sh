#!/usr/bin/env bash
# install/consumers: install the build tree into a temporary prefix, then use it the way users do:
# a C program via pkg-config and via find_package(libiop), the CLI, `import iop`, `require "iop"`.
# Usage: run.sh BUILD_DIR SOURCE_DIR CC [PYTHON] [LUA]
set -euo pipefail
build=$1 src=$2 cc=$3 python=${4:-} lua=${5:-}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
prefix="$work/prefix"

cmake --install "$build" --prefix "$prefix" > "$work/install.log"
libdir=$(dirname "$(find "$prefix" -name 'libiop.so' -print -quit)")
pcdir="$libdir/pkgconfig"
test -f "$prefix/include/libiop/iop.h"
test -f "$prefix/include/libiop/iop-version.h"
test -f "$pcdir/libiop.pc"
test -f "$libdir/cmake/libiop/libiopConfig.cmake"

echo "== pkg-config consumer"
export PKG_CONFIG_PATH="$pcdir"
test "$(pkg-config --modversion libiop)" = "$(sed -n 's/^#define IOP_VERSION_STRING "\(.*\)"/\1/p' "$prefix/include/libiop/iop-version.h")"
# shellcheck disable=SC2046
"$cc" -std=c11 -Wall -Wextra -Werror "$src/consumer.c" -o "$work/consumer-pc" \
  $(pkg-config --cflags --libs libiop) -Wl,-rpath,"$(pkg-config --variable=libdir libiop)"
"$work/consumer-pc"

echo "== find_package consumer"
cmake -S "$src" -B "$work/consumer-build" -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_C_COMPILER="$cc" > "$work/cmake.log"
cmake --build "$work/consumer-build" > "$work/build.log"
"$work/consumer-build/consumer"

if [ -x "$prefix/bin/iop" ]; then
  echo "== installed CLI"
  "$prefix/bin/iop" level 2.1 --edition 3 --json | grep -q '"hours_per_week":{"adult":{"min":9,"max":19'
  "$prefix/bin/iop" crosswalk 3.3 --to 4 | grep -q '3.5'
fi

if [ -n "$python" ]; then
  echo "== installed Python module"
  pydir=$(dirname "$(find "$prefix" -name 'iop.py' -print -quit)")
  env -u PYTHONPATH PYTHONPATH="$pydir" PYTHONDONTWRITEBYTECODE=1 "$python" -c '
import iop
level = iop.Continuum().lookup_level(iop.IOP_EDITION_ASAM3, "2.1")
assert level.get_hours_per_week(iop.IOP_AGE_ADULT).bounds() == (9, 19), level
print(level)'
fi

if [ -n "$lua" ]; then
  echo "== installed Lua module"
  luadir=$(dirname "$(find "$prefix" -name 'iop.so' -path '*lua*' -print -quit)")
  LUA_CPATH_5_4="$luadir/?.so" LUA_CPATH="$luadir/?.so" "$lua" -e '
local iop = require "iop"
local level = iop.Continuum():lookup_level(iop.IOP_EDITION_ASAM3, "2.1")
local r = level:get_hours_per_week(iop.IOP_AGE_ADULT)
assert(r.min == 9 and r.max == 19)
print(level:get_code(), level:get_name())'
fi
echo "install/consumers: all consumers passed"
