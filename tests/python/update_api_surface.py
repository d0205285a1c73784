"""Rewrites MODULE_NAMES and CLASS_NAMES in test_api_surface.py from the built binding.

A maintainer tool, not a test: run it after an intended change to bindings/iop.i and review the
diff. Usage: PYTHONPATH=build/default/python python3 tests/python/update_api_surface.py
SPDX-License-Identifier: MIT
"""

import inspect
import os
import re

import iop
import test_api_surface as surface

HERE = os.path.dirname(os.path.abspath(__file__))
PATH = os.path.join(HERE, "test_api_surface.py")


def render_list(names, indent):
    pad = " " * indent
    return "[\n" + "".join('%s    "%s",\n' % (pad, n) for n in names) + pad + "]"


def main():
    text = open(PATH, encoding="utf-8").read()
    module = surface.module_names()
    classes = sorted(n for n in module if inspect.isclass(getattr(iop, n))
                     and not issubclass(getattr(iop, n), BaseException))
    new_module = "MODULE_NAMES = " + render_list(module, 0) + "\n"
    body = "".join('    "%s": %s,\n' % (c, render_list(surface.class_names(getattr(iop, c)), 4))
                   for c in classes)
    new_classes = "CLASS_NAMES = {\n" + body + "}\n"
    text = re.sub(r"MODULE_NAMES = \[\n.*?\n\]\n", lambda m: new_module, text, count=1, flags=re.S)
    text = re.sub(r"CLASS_NAMES = \{\n.*?\n\}\n", lambda m: new_classes, text, count=1, flags=re.S)
    open(PATH, "w", encoding="utf-8").write(text)


if __name__ == "__main__":
    main()
