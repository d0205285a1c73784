-- Minimal test harness for libiop's Lua suites: register with test(name, fn), then run().
-- Prints one line per test and the closing line "N passed, N failed"; exits non-zero on failure.
local M = { tests = {} }

function M.test(name, fn)
  M.tests[#M.tests + 1] = { name = name, fn = fn }
end

local function fmt(v)
  if type(v) == "string" then return string.format("%q", v) end
  return tostring(v)
end

function M.eq(actual, expected, what)
  if actual ~= expected then
    error(string.format("%s: expected %s, got %s", what or "value", fmt(expected), fmt(actual)), 2)
  end
end

function M.truthy(v, what)
  if not v then error((what or "condition") .. " is false", 2) end
end

-- Calls fn(...) and requires it to raise a libiop error table with the given code.
function M.raises(code, fn, ...)
  local ok, err = pcall(fn, ...)
  if ok then error("expected an iop error with code " .. tostring(code) .. ", got success", 2) end
  if type(err) ~= "table" then error("expected an iop error table, got " .. tostring(err), 2) end
  if err.code ~= code then
    error(string.format("expected code %d, got %s (%s)", code, tostring(err.code), tostring(err)), 2)
  end
  return err
end

function M.run()
  local passed, failed = 0, 0
  for _, t in ipairs(M.tests) do
    local ok, err = xpcall(t.fn, debug.traceback)
    if ok then
      passed = passed + 1
      print("ok     " .. t.name)
    else
      failed = failed + 1
      print("FAILED " .. t.name .. "\n  " .. tostring(err))
    end
    collectgarbage()
  end
  print(string.format("%d passed, %d failed", passed, failed))
  os.exit(failed == 0 and passed > 0 and 0 or 1)
end

return M
