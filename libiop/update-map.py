#!/usr/bin/env python3
"""Regenerates libiop.map from the IOP_API declarations of the public headers.

A maintainer tool: run it after adding public functions and review the diff
(tests/check-exports.cmake fails when the headers, the map and the library disagree).
SPDX-License-Identifier: MIT
"""

import glob
import os
import re

HERE = os.path.dirname(os.path.abspath(__file__))
HEAD = """/* libiop exported symbols. One node per release that adds API; never remove a symbol without
 * a SOVERSION bump. tests/check-exports.cmake fails when this list and the library disagree. */
LIBIOP_0.1 {
  global:
"""
TAIL = """  local:
    *;
};
"""


def main():
    names = set()
    for path in glob.glob(os.path.join(HERE, "iop-*.h")) + glob.glob(os.path.join(HERE, "iop-*.h.in")):
        if path.endswith("-private.h"):
            continue
        text = open(path, encoding="utf-8").read()
        for m in re.finditer(r"\nIOP_API\b[^;(]*?\b(iop_\w+)\s*\(", text):
            names.add(m.group(1))
    body = "".join("    %s;\n" % n for n in sorted(names))
    with open(os.path.join(HERE, "libiop.map"), "w", encoding="utf-8") as f:
        f.write(HEAD + body + TAIL)


if __name__ == "__main__":
    main()
