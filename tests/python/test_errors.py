"""Error mapping of the libiop Python binding (bindings/iop-errors.swg, iop-python.swg).

Every iop_error a C call reports becomes an iop.Error subclass chosen by its code, with the
attributes code, path and message, and str(e) == message. Arguments the binding refuses before
they reach C (None for a string, a wrong type) are SWIG's own ValueError / TypeError, not
iop.Error. SPDX-License-Identifier: MIT
"""

import copy
import json
import os
import pickle
import tempfile
import unittest

import iop

# (class name, builtin base it must also be, error code it stands for)
ERROR_CLASSES = [
    ("InvalidArgumentError", ValueError, "IOP_ERROR_INVALID_ARGUMENT"),
    ("NotFoundError", KeyError, "IOP_ERROR_NOT_FOUND"),
    ("ExistsError", ValueError, "IOP_ERROR_EXISTS"),
    ("ParseError", ValueError, "IOP_ERROR_PARSE"),
    ("IoError", OSError, "IOP_ERROR_IO"),
    ("InvalidDataError", ValueError, "IOP_ERROR_INVALID_DATA"),
    ("PermissionDeniedError", PermissionError, "IOP_ERROR_PERMISSION_DENIED"),
]

ERROR_CODES = {
    "IOP_ERROR_FAILED": 1,
    "IOP_ERROR_INVALID_ARGUMENT": 2,
    "IOP_ERROR_NOT_FOUND": 3,
    "IOP_ERROR_EXISTS": 4,
    "IOP_ERROR_PARSE": 5,
    "IOP_ERROR_IO": 6,
    "IOP_ERROR_INVALID_DATA": 7,
    "IOP_ERROR_PERMISSION_DENIED": 8,
}


def default_pack():
    return json.loads(iop.Continuum.default_pack_json())


def level_index(pack, edition, code):
    for i, level in enumerate(pack["levels"]):
        if level["edition"] == edition and level["code"] == code:
            return i
    raise AssertionError("%s %s is not in the pack" % (edition, code))


class ErrorHierarchyTest(unittest.TestCase):
    def test_base_class(self):
        self.assertTrue(issubclass(iop.Error, Exception))
        # The base is neutral: only the subclasses pick a builtin family.
        self.assertFalse(issubclass(iop.Error, (ValueError, KeyError, OSError)))

    def test_subclasses_and_builtin_bases(self):
        for name, builtin, _code in ERROR_CLASSES:
            with self.subTest(name=name):
                cls = getattr(iop, name)
                self.assertTrue(issubclass(cls, iop.Error))
                self.assertTrue(issubclass(cls, builtin))

    def test_families_do_not_overlap(self):
        self.assertFalse(issubclass(iop.IoError, ValueError))
        self.assertFalse(issubclass(iop.NotFoundError, ValueError))
        self.assertTrue(issubclass(iop.NotFoundError, LookupError))
        for name in ("InvalidArgumentError", "ExistsError", "ParseError", "InvalidDataError"):
            with self.subTest(name=name):
                self.assertFalse(issubclass(getattr(iop, name), (OSError, KeyError)))

    def test_constructor_defaults(self):
        e = iop.Error("boom")
        self.assertEqual(e.message, "boom")
        self.assertEqual(e.code, iop.IOP_ERROR_FAILED)
        self.assertIsNone(e.path)
        self.assertEqual(str(e), "boom")

    def test_constructor_attributes(self):
        for name, _builtin, code_name in ERROR_CLASSES:
            with self.subTest(name=name):
                code = getattr(iop, code_name)
                e = getattr(iop, name)("bad thing", code, "$.levels[0]")
                self.assertEqual((e.message, e.code, e.path), ("bad thing", code, "$.levels[0]"))
                self.assertEqual(str(e), "bad thing")

    def test_not_found_str_is_the_message(self):
        # KeyError.__str__ would quote the message; iop.Error.__str__ must win.
        e = iop.NotFoundError("no level 9.9", iop.IOP_ERROR_NOT_FOUND)
        self.assertEqual(str(e), "no level 9.9")
        with self.assertRaises(KeyError):
            raise e


class ErrorConstantsTest(unittest.TestCase):
    def test_values(self):
        for name, value in ERROR_CODES.items():
            with self.subTest(name=name):
                self.assertEqual(getattr(iop, name), value)

    def test_error_code_to_string(self):
        for name, value in ERROR_CODES.items():
            with self.subTest(name=name):
                self.assertEqual(iop.error_code_to_string(value), name)

    def test_error_code_to_string_unknown(self):
        for value in (0, -1, 9, 99):
            with self.subTest(value=value):
                self.assertEqual(iop.error_code_to_string(value), "IOP_ERROR_FAILED")


class RealFailuresTest(unittest.TestCase):
    """A failing library call for every error code the API can report today."""

    def test_malformed_json_is_parse_error_without_path(self):
        with self.assertRaises(iop.ParseError) as cm:
            iop.Continuum.from_json('{"format": ')
        e = cm.exception
        self.assertIs(type(e), iop.ParseError)
        self.assertIsInstance(e, ValueError)
        self.assertEqual(e.code, iop.IOP_ERROR_PARSE)
        self.assertIsNone(e.path)
        self.assertTrue(e.message.startswith("malformed JSON"), e.message)
        self.assertEqual(str(e), e.message)

    def test_empty_document_is_a_syntax_error(self):
        for text in ("", "   \n"):
            with self.subTest(text=text):
                with self.assertRaises(iop.ParseError) as cm:
                    iop.Continuum.from_json(text)
                self.assertIsNone(cm.exception.path)
                self.assertIn("unexpected end of the document", cm.exception.message)

    def test_wrong_root_type_is_parse_error_at_root(self):
        with self.assertRaises(iop.ParseError) as cm:
            iop.Continuum.from_json("[]")
        self.assertEqual(cm.exception.path, "$")
        self.assertIn("found an array", cm.exception.message)

    def test_document_rule_is_invalid_data_with_path(self):
        pack = default_pack()
        i = level_index(pack, "asam3", "2.1")
        pack["levels"][i]["hours_per_week"]["adult"]["min"] = 25  # above max 19
        with self.assertRaises(iop.InvalidDataError) as cm:
            iop.Continuum.from_json(json.dumps(pack))
        e = cm.exception
        expected_path = "$.levels[%d].hours_per_week.adult" % i
        self.assertEqual(e.code, iop.IOP_ERROR_INVALID_DATA)
        self.assertEqual(e.path, expected_path)
        self.assertEqual(e.message, expected_path + ": min 25 is not below max 19")
        self.assertEqual(str(e), e.message)
        self.assertIsInstance(e, ValueError)

    def test_document_shape_is_parse_error_with_path(self):
        pack = default_pack()
        pack["levles"] = []
        with self.assertRaises(iop.ParseError) as cm:
            iop.Continuum.from_json(json.dumps(pack))
        self.assertEqual(cm.exception.path, "$.levles")
        self.assertTrue(cm.exception.message.startswith("$.levles: unknown member"))

    def test_missing_file_is_io_error(self):
        with tempfile.TemporaryDirectory() as tmp:
            missing = os.path.join(tmp, "no-such-pack.json")
            with self.assertRaises(iop.IoError) as cm:
                iop.Continuum.from_file(missing)
        e = cm.exception
        self.assertEqual(e.code, iop.IOP_ERROR_IO)
        self.assertIsNone(e.path)
        self.assertTrue(e.message.startswith("cannot read the continuum pack"), e.message)
        self.assertIn("no-such-pack.json", e.message)
        self.assertEqual(str(e), e.message)

    def test_missing_file_is_catchable_as_oserror(self):
        try:
            iop.Continuum.from_file("/nonexistent/libiop/pack.json")
        except OSError as e:
            self.assertIsInstance(e, iop.IoError)
        else:
            self.fail("from_file of a missing file did not raise")

    def test_directory_is_io_error(self):
        with tempfile.TemporaryDirectory() as tmp:
            with self.assertRaises(iop.IoError):
                iop.Continuum.from_file(tmp)

    def test_bad_file_content_is_parse_error(self):
        with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
            f.write("{ not json")
        try:
            with self.assertRaises(iop.ParseError) as cm:
                iop.Continuum.from_file(f.name)
            self.assertIsNone(cm.exception.path)
        finally:
            os.unlink(f.name)

    def test_unknown_edition_is_invalid_argument(self):
        with self.assertRaises(iop.InvalidArgumentError) as cm:
            iop.edition_from_string("7")
        e = cm.exception
        self.assertIsInstance(e, ValueError)
        self.assertEqual(e.code, iop.IOP_ERROR_INVALID_ARGUMENT)
        self.assertIsNone(e.path)
        self.assertIn('"7"', e.message)

    def test_unknown_age_group_is_invalid_argument(self):
        with self.assertRaises(iop.InvalidArgumentError) as cm:
            iop.age_group_from_string("child")
        self.assertIn('"child"', cm.exception.message)

    def test_parsers_accept_documented_names(self):
        self.assertEqual(iop.edition_from_string("3"), iop.IOP_EDITION_ASAM3)
        self.assertEqual(iop.edition_from_string("asam4"), iop.IOP_EDITION_ASAM4)
        self.assertEqual(iop.edition_from_string("calocus"), iop.IOP_EDITION_LOCUS)
        self.assertEqual(iop.age_group_from_string("adolescent"), iop.IOP_AGE_ADOLESCENT)
        # Case-sensitive, as documented.
        with self.assertRaises(iop.InvalidArgumentError):
            iop.edition_from_string("ASAM3")

    def test_failure_leaves_no_pending_exception(self):
        with self.assertRaises(iop.ParseError):
            iop.Continuum.from_json("{")
        c = iop.Continuum.from_json(iop.Continuum.default_pack_json())
        self.assertEqual(len(c), 33)
        self.assertEqual(iop.edition_from_string("locus"), iop.IOP_EDITION_LOCUS)

    def test_error_survives_pickle_and_copy(self):
        with self.assertRaises(iop.InvalidDataError) as cm:
            iop.Continuum.from_json(json.dumps(dict(default_pack(), format="other")))
        e = cm.exception
        self.assertEqual(e.path, "$.format")
        for clone in (pickle.loads(pickle.dumps(e)), copy.copy(e)):
            with self.subTest(clone=type(clone)):
                self.assertIs(type(clone), iop.InvalidDataError)
                self.assertEqual((clone.code, clone.path, clone.message),
                                 (e.code, e.path, e.message))

    def test_repeated_failures(self):
        # Each failure allocates an iop_error that the wrapper must free (valgrind checks it).
        for _ in range(50):
            with self.assertRaises(iop.ParseError):
                iop.Continuum.from_json("[1, 2")
            with self.assertRaises(iop.InvalidArgumentError):
                iop.edition_from_string("nope")


class RefusedArgumentsTest(unittest.TestCase):
    """None for a string parameter is refused by SWIG (NONNULL) with ValueError."""

    @classmethod
    def setUpClass(cls):
        cls.c = iop.Continuum()
        cls.level = cls.c.lookup_level(iop.IOP_EDITION_ASAM3, "2.1")

    def test_none_for_strings_is_value_error(self):
        c, level = self.c, self.level
        calls = {
            "Continuum.from_json": lambda: iop.Continuum.from_json(None),
            "Continuum.from_file": lambda: iop.Continuum.from_file(None),
            "lookup_level": lambda: c.lookup_level(iop.IOP_EDITION_ASAM3, None),
            "get_source_citation": lambda: c.get_source_citation(None),
            "get_source_url": lambda: c.get_source_url(None),
            "get_source_confidence": lambda: c.get_source_confidence(None),
            "get_comparison": lambda: c.get_comparison(None, iop.IOP_SETTING_INPATIENT),
            "get_comparison_label": lambda: c.get_comparison_label(None),
            "Level.get_source": lambda: level.get_source(None),
            "edition_from_string": lambda: iop.edition_from_string(None),
            "age_group_from_string": lambda: iop.age_group_from_string(None),
        }
        for name, call in calls.items():
            with self.subTest(call=name):
                with self.assertRaises(ValueError) as cm:
                    call()
                self.assertNotIsInstance(cm.exception, iop.Error)

    def test_embedded_nul_is_refused(self):
        # A str with an embedded NUL would be cut at the NUL in C (from_file("pack.json\0x")
        # reading pack.json); like Python's own open(), the binding raises ValueError.
        with tempfile.TemporaryDirectory() as tmp:
            name = os.path.join(tmp, "pack.json")
            with open(name, "w", encoding="utf-8") as f:
                f.write(iop.Continuum.default_pack_json())
            calls = {
                "from_file": lambda: iop.Continuum.from_file(name + "\0.ignored"),
                "from_json": lambda: iop.Continuum.from_json(
                    iop.Continuum.default_pack_json() + "\0garbage"),
                "lookup_level": lambda: self.c.lookup_level(iop.IOP_EDITION_ASAM3, "2.1\0junk"),
                "edition_from_string": lambda: iop.edition_from_string("asam3\0junk"),
            }
            accepted = []
            for what, call in calls.items():
                try:
                    call()
                except ValueError:
                    continue
                accepted.append(what)
        self.assertEqual(accepted, [], "strings with an embedded NUL were truncated, not refused")

    def test_wrong_type_is_type_error(self):
        with self.assertRaises(TypeError):
            iop.Continuum.from_json(42)
        with self.assertRaises(TypeError):
            self.c.lookup_level(iop.IOP_EDITION_ASAM3, ["2.1"])
        with self.assertRaises(TypeError):
            self.level.get_hours_per_week("adult")


if __name__ == "__main__":
    unittest.main()
