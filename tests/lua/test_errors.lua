-- Error mapping of the libiop Lua binding (bindings/iop-errors.swg).
-- A failing libiop call raises a table {code=, name=, message=, path=} whose metatable
-- "iop.Error" gives tostring "iop.<Name>: <message>"; arguments SWIG refuses itself (nil for
-- a string, a table for a string) raise plain strings.
-- SPDX-License-Identifier: MIT
local t = require "harness"
local iop = require "iop"

local ASAM3 = iop.IOP_EDITION_ASAM3

-- Calls fn(...) and returns the error it raises; fails when it succeeds.
local function failure(fn, ...)
  local ok, err = pcall(fn, ...)
  t.truthy(not ok, "call failed")
  return err
end

local function starts_with(s, prefix)
  return type(s) == "string" and s:sub(1, #prefix) == prefix
end

-- The 2.1 band as it appears in the built-in pack's text (first adult band with min 9).
local BAND_21 = '("adult": {%s*"min": )9(,%s*"max": 19)'

local function level_index(c, edition, code)
  for i, level in ipairs(c:levels()) do
    if level:get_edition() == edition and level:get_code() == code then return i - 1 end
  end
  error("no level " .. code)
end

t.test("error code constants are 1..8", function()
  local expected = {
    IOP_ERROR_FAILED = 1, IOP_ERROR_INVALID_ARGUMENT = 2, IOP_ERROR_NOT_FOUND = 3,
    IOP_ERROR_EXISTS = 4, IOP_ERROR_PARSE = 5, IOP_ERROR_IO = 6, IOP_ERROR_INVALID_DATA = 7,
    IOP_ERROR_PERMISSION_DENIED = 8,
  }
  for name, value in pairs(expected) do
    t.eq(iop[name], value, name)
    t.eq(iop.error_code_to_string(value), name, "error_code_to_string(" .. value .. ")")
  end
  t.eq(iop.error_code_to_string(0), "IOP_ERROR_FAILED", "unknown code 0")
  t.eq(iop.error_code_to_string(99), "IOP_ERROR_FAILED", "unknown code 99")
end)

t.test("malformed JSON raises ParseError without a path", function()
  local err = t.raises(iop.IOP_ERROR_PARSE, iop.Continuum.from_json, '{"format": ')
  t.eq(type(err), "table", "error type")
  t.eq(err.name, "ParseError", "name")
  t.eq(err.path, nil, "path")
  t.truthy(starts_with(err.message, "malformed JSON"), "message names malformed JSON")
  t.eq(tostring(err), "iop.ParseError: " .. err.message, "tostring")
end)

t.test("empty document is a syntax error without a path", function()
  local err = t.raises(iop.IOP_ERROR_PARSE, iop.Continuum.from_json, "  ")
  t.eq(err.path, nil, "path")
  t.truthy(err.message:find("unexpected end of the document", 1, true), "message")
end)

t.test("document rule raises InvalidDataError with the exact path", function()
  local c = iop.Continuum()
  local text, n = iop.Continuum.default_pack_json():gsub(BAND_21, "%125%2", 1)
  t.eq(n, 1, "replacements")
  local err = t.raises(iop.IOP_ERROR_INVALID_DATA, iop.Continuum.from_json, text)
  local path = string.format("$.levels[%d].hours_per_week.adult", level_index(c, ASAM3, "2.1"))
  t.eq(err.name, "InvalidDataError", "name")
  t.eq(err.path, path, "path")
  t.eq(err.message, path .. ": min 25 is not below max 19", "message")
  t.eq(tostring(err), "iop.InvalidDataError: " .. err.message, "tostring")
end)

t.test("document shape raises ParseError with the exact path", function()
  local text = iop.Continuum.default_pack_json():gsub('^{', '{ "levles": [],', 1)
  local err = t.raises(iop.IOP_ERROR_PARSE, iop.Continuum.from_json, text)
  t.eq(err.name, "ParseError", "name")
  t.eq(err.path, "$.levles", "path")
end)

t.test("missing file raises IoError", function()
  local name = os.tmpname()
  os.remove(name)
  local err = t.raises(iop.IOP_ERROR_IO, iop.Continuum.from_file, name)
  t.eq(err.name, "IoError", "name")
  t.eq(err.path, nil, "path")
  t.truthy(starts_with(err.message, "cannot read the continuum pack"), "message")
  t.truthy(err.message:find(name, 1, true), "message names the file")
  t.eq(tostring(err), "iop.IoError: " .. err.message, "tostring")
end)

t.test("unparsable file raises ParseError", function()
  local name = os.tmpname()
  local f = assert(io.open(name, "w"))
  f:write("{ not json")
  f:close()
  local ok, err = pcall(iop.Continuum.from_file, name)
  os.remove(name)
  t.truthy(not ok, "from_file failed")
  t.eq(err.code, iop.IOP_ERROR_PARSE, "code")
  t.eq(err.path, nil, "path")
end)

t.test("unknown edition raises InvalidArgumentError", function()
  local err = t.raises(iop.IOP_ERROR_INVALID_ARGUMENT, iop.edition_from_string, "7")
  t.eq(err.name, "InvalidArgumentError", "name")
  t.eq(err.path, nil, "path")
  t.truthy(err.message:find('"7"', 1, true), "message quotes the argument")
  t.eq(tostring(err), "iop.InvalidArgumentError: " .. err.message, "tostring")
  err = t.raises(iop.IOP_ERROR_INVALID_ARGUMENT, iop.age_group_from_string, "child")
  t.eq(err.name, "InvalidArgumentError", "age group error name")
end)

t.test("parsers accept the documented names", function()
  t.eq(iop.edition_from_string("3"), ASAM3, "3")
  t.eq(iop.edition_from_string("asam4"), iop.IOP_EDITION_ASAM4, "asam4")
  t.eq(iop.edition_from_string("calocus"), iop.IOP_EDITION_LOCUS, "calocus")
  t.eq(iop.age_group_from_string("adult"), iop.IOP_AGE_ADULT, "adult")
end)

t.test("error tables share the iop.Error metatable", function()
  local a = failure(iop.edition_from_string, "x")
  local b = failure(iop.Continuum.from_json, "[")
  t.truthy(getmetatable(a) ~= nil, "metatable")
  t.truthy(rawequal(getmetatable(a), getmetatable(b)), "same metatable")
  t.eq(a.code, iop.IOP_ERROR_INVALID_ARGUMENT, "first code")
  t.eq(b.code, iop.IOP_ERROR_PARSE, "second code")
end)

t.test("an error can be re-raised unchanged", function()
  local err = failure(iop.edition_from_string, "x")
  local ok, again = pcall(error, err)
  t.truthy(not ok, "re-raised")
  t.truthy(rawequal(again, err), "same table")
end)

t.test("a failure leaves the binding usable", function()
  failure(iop.Continuum.from_json, "{")
  local c = iop.Continuum.from_json(iop.Continuum.default_pack_json())
  t.eq(c:get_n_levels(), 33, "levels after a failure")
end)

t.test("SWIG argument errors are strings", function()
  local c = iop.Continuum()
  local err = failure(c.lookup_level, c, ASAM3, {})
  t.eq(type(err), "string", "table for a string")
  t.truthy(err:find("lookup_level", 1, true), "names the function: " .. err)
  err = failure(c.lookup_level, c, ASAM3, nil)
  t.eq(type(err), "string", "nil for a string")
  t.truthy(err:find("expected a string got nil", 1, true), "nil refused: " .. err)
  err = failure(iop.Continuum.from_json, nil)
  t.eq(type(err), "string", "from_json(nil)")
  err = failure(iop.Continuum.from_file, nil)
  t.eq(type(err), "string", "from_file(nil)")
  err = failure(iop.edition_from_string, nil)
  t.eq(type(err), "string", "edition_from_string(nil)")
  err = failure(c.get_source_citation, c, nil)
  t.eq(type(err), "string", "get_source_citation(nil)")
  err = failure(c.get_level, c, ASAM3, -1)
  t.eq(type(err), "string", "negative index")
  local level = c:lookup_level(ASAM3, "2.1")
  err = failure(level.get_source, level, nil)
  t.eq(type(err), "string", "get_source(nil)")
  err = failure(level.get_hours_per_week, level, "adult")
  t.eq(type(err), "string", "string for an enum")
end)

-- A string with an embedded NUL would be cut at the NUL in C (from_file("pack.json\0x") reading
-- pack.json); the wrapper refuses it.
t.test("strings with an embedded NUL are refused", function()
  local c = iop.Continuum()
  local name = os.tmpname()
  local f = assert(io.open(name, "w"))
  f:write(iop.Continuum.default_pack_json())
  f:close()
  local accepted = {}
  local calls = {
    from_file = function() return iop.Continuum.from_file(name .. "\0.ignored") end,
    lookup_level = function() return c:lookup_level(ASAM3, "2.1\0junk") end,
    edition_from_string = function() return iop.edition_from_string("asam3\0junk") end,
  }
  for what, call in pairs(calls) do
    if pcall(call) then accepted[#accepted + 1] = what end
  end
  os.remove(name)
  table.sort(accepted)
  t.eq(table.concat(accepted, " "), "", "calls that accepted an embedded NUL")
end)

t.test("repeated failures", function()
  -- Each failure allocates an iop_error the wrapper must free (memcheck/lua/errors).
  for _ = 1, 50 do
    t.raises(iop.IOP_ERROR_PARSE, iop.Continuum.from_json, "[1, 2")
    t.raises(iop.IOP_ERROR_INVALID_ARGUMENT, iop.edition_from_string, "nope")
  end
end)

t.run()
