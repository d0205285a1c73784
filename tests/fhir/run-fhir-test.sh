#!/usr/bin/env bash
# Runs one FHIR validation test (CMake: iop_add_fhir_test in tests/CMakeLists.txt).
#
#   run-fhir-test.sh FHIR_DIR OUT_DIR CLI [--invalid FILE]... [NAME|ARG|ARG...]...
#
# Each NAME|ARG... spec runs the iop CLI with the '|'-separated arguments and writes its stdout to
# OUT_DIR/NAME.json; every emitted file must pass validate.js. Each --invalid FILE must be
# REJECTED by validate.js (proving the check can fail). When the validators are not installed
# (FHIR_DIR/node_modules, from `npm ci`), the test is skipped with status 77, unless
# IOP_REQUIRE_FHIR_VALIDATORS=1, which makes it fail instead.
# SPDX-License-Identifier: MIT
set -u
fhir_dir=$1 out_dir=$2 cli=$3
shift 3

if [ ! -d "$fhir_dir/node_modules" ] || ! command -v node > /dev/null; then
  if [ "${IOP_REQUIRE_FHIR_VALIDATORS:-0}" = 1 ]; then
    echo "FAIL: the FHIR validators are not installed (run 'npm ci' in $fhir_dir; needs node)" >&2
    exit 1
  fi
  echo "SKIP: the FHIR validators are not installed (run 'npm ci' in $fhir_dir)"
  exit 77
fi

mkdir -p "$out_dir"
emitted=() invalid=() status=0
while [ $# -gt 0 ]; do
  if [ "$1" = --invalid ]; then
    invalid+=("$2")
    shift 2
    continue
  fi
  IFS='|' read -r -a spec <<< "$1"
  shift
  file="$out_dir/${spec[0]}.json"
  if ! "$cli" "${spec[@]:1}" > "$file"; then
    echo "FAIL: iop ${spec[*]:1} exited with an error" >&2
    status=1
    continue
  fi
  emitted+=("$file")
done

if [ ${#emitted[@]} -gt 0 ] && ! node "$fhir_dir/validate.js" "${emitted[@]}"; then
  echo "FAIL: libiop emitted a resource the validators reject" >&2
  status=1
fi
if [ ${#invalid[@]} -gt 0 ] && ! node "$fhir_dir/validate.js" --expect-invalid "${invalid[@]}"; then
  echo "FAIL: validate.js accepted a broken resource" >&2
  status=1
fi
exit $status
