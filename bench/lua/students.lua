-- wrk script: each wrk thread owns one connection and plays one simulated student at a time
-- (wrk gives a Lua state per thread and no connection id, so per-student state needs
-- `-t N -c N`). Configured by environment variables (bench/wrkload.py sets them):
--
--   BENCH_WRK_MODE        "hello" (GET BENCH_WRK_PATH) or "students" (join, then answer)
--   BENCH_WRK_START/END   measured window, CLOCK_MONOTONIC seconds (Python's time.monotonic)
--   BENCH_WRK_THINK_MS    mean think time before each request (exponential); 0 = closed loop
--   BENCH_WRK_TOKENS      file of bearer tokens, one a line; thread t uses lines t, t+T, ...
--   BENCH_WRK_THREADS     T, the number of wrk threads
--   BENCH_WRK_CODE        campaign code to join
--   BENCH_WRK_RUN         unique prefix of the Idempotency-Key values
--
-- Only requests that start and end inside the window count. `done` prints one line
-- "BENCH_RESULT {json}": counts per kind and status, and the latencies (ms) of the answers
-- (students) or of the GETs (hello).

local ffi = require("ffi")
ffi.cdef [[
  typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
  int clock_gettime(int clk_id, bench_timespec *tp);
]]
local ts = ffi.new("bench_timespec")
local function now()
  ffi.C.clock_gettime(1, ts) -- CLOCK_MONOTONIC
  return tonumber(ts.tv_sec) + tonumber(ts.tv_nsec) / 1e9
end

local mode = os.getenv("BENCH_WRK_MODE") or "hello"
local wstart = tonumber(os.getenv("BENCH_WRK_START") or "0")
local wend = tonumber(os.getenv("BENCH_WRK_END") or "1e18")
local think_ms = tonumber(os.getenv("BENCH_WRK_THINK_MS") or "0")
local path = os.getenv("BENCH_WRK_PATH") or "/hello"
local code = os.getenv("BENCH_WRK_CODE") or ""
local run = os.getenv("BENCH_WRK_RUN") or "run"

-- main state: keep the threads so `done` can read their counters
local threads = {}
local created = 0

function setup(thread)
  created = created + 1
  thread:set("tid", created)
  threads[#threads + 1] = thread
end

-- thread state ----------------------------------------------------------------------------
tid = 0
counts = {}   -- "kind:status" -> n, inside the window
lat = {}      -- ms, answers (students) or GETs (hello), inside the window
ok = 0        -- answers (or GETs) that succeeded inside the window
users_used = 0
ended = 0
local users = {}
local uidx = 0
local state = "join"
local auth, cid, chal
value = "1"
skip = false
local seq = 0
local kind = "idle"
local sent = 0

local function next_user()
  uidx = uidx + 1
  users_used = uidx
  if uidx <= #users then
    auth = "Bearer " .. users[uidx]
    state = "join"
  else
    state = "exhausted"
  end
end

function init(args)
  math.randomseed(tid * 7919 + os.time())
  if mode ~= "students" then return end
  local nthreads = tonumber(os.getenv("BENCH_WRK_THREADS") or "1")
  local i = 0
  for line in io.lines(os.getenv("BENCH_WRK_TOKENS")) do
    if i % nthreads == tid - 1 then users[#users + 1] = line end
    i = i + 1
  end
  next_user()
end

local thought = false
if think_ms > 0 then
  -- the first request waits uniform(0, think) so students arrive spread over one think time
  function delay()
    if not thought then
      thought = true
      return think_ms * math.random()
    end
    return -think_ms * math.log(1 - math.random())
  end
end

local json_headers = function(extra)
  local h = { ["Authorization"] = auth, ["Content-Type"] = "application/json" }
  if extra then for k, v in pairs(extra) do h[k] = v end end
  return h
end

function request()
  sent = now()
  if mode ~= "students" then
    kind = "hello"
    return wrk.format("GET", path)
  end
  if state == "answer" then
    kind = "answer"
    seq = seq + 1
    local key = run .. "-" .. tid .. "-" .. uidx .. "-" .. seq
    return wrk.format("POST", "/campaigns/" .. cid .. "/participation/answers",
      json_headers({ ["Idempotency-Key"] = key }),
      skip and '{"challenge_id":"' .. chal .. '","skipped":true}'
      or '{"challenge_id":"' .. chal .. '","value":"' .. value .. '"}')
  elseif state == "state" then
    kind = "state"
    return wrk.format("GET", "/campaigns/" .. cid .. "/participation", json_headers())
  elseif state == "join" then
    kind = "join"
    return wrk.format("POST", "/participations", json_headers(), '{"code":"' .. code .. '"}')
  end
  kind = "exhausted" -- no user left for this thread: keep the connection busy with nothing
  return wrk.format("GET", "/health/live")
end

-- the current challenge's id, and a value of the shape its type expects: the engine's work
-- is the same whether the answer is right or wrong, and an answer of the wrong shape (422)
-- would measure the refusal instead
local function challenge_of(body)
  if body:find('"challenge"%s*:%s*null') then return nil end
  local from = body:find('"challenge"%s*:%s*{')
  if not from then return nil end
  local part = body:sub(from)
  local id = part:match('"id"%s*:%s*"([^"]+)"')
  local ctype = part:match('"type"%s*:%s*"([^"]+)"') or ""
  if ctype:find("^QROCM") then
    local fields = {}
    for key in part:gmatch("%${([%w_]+)") do fields[#fields + 1] = key .. ": alpha" end
    value = table.concat(fields, "\\n")
  elseif ctype == "QCM" then
    value = "1,2"
  elseif ctype == "QROC" then
    value = "alpha"
  else
    value = "1"
  end
  return id
end

function response(status, headers, body)
  local t = now()
  local inside = sent >= wstart and t <= wend
  if inside then
    local k = kind .. ":" .. status
    counts[k] = (counts[k] or 0) + 1
  end
  if kind == "hello" then
    if status == 200 and inside then
      ok = ok + 1
      lat[#lat + 1] = (t - sent) * 1000
    end
    return
  end
  if kind == "answer" then
    if status == 201 then
      if inside then
        ok = ok + 1
        lat[#lat + 1] = (t - sent) * 1000
      end
      skip = false
      chal = challenge_of(body)
      if chal == nil or body:find('"ended"%s*:%s*true') then
        ended = ended + 1
        next_user()
      end
    elseif status == 422 and not skip then
      skip = true -- a value this script cannot shape: skip that challenge ("Je passe")
    else
      skip = false
      state = "state" -- resynchronise on the participation's current challenge
    end
  elseif kind == "join" then
    if status == 201 or status == 200 then
      cid = body:match('"campaign_id"%s*:%s*"([^"]+)"')
      chal = challenge_of(body)
      if cid and chal then state = "answer" else next_user() end
    else
      next_user()
    end
  elseif kind == "state" then
    chal = status == 200 and challenge_of(body) or nil
    if chal then state = "answer" else next_user() end
  end
end

-- main state again --------------------------------------------------------------------------
local function encode(v)
  local t = type(v)
  if t == "number" then
    if v ~= v or v == math.huge or v == -math.huge then return "null" end
    return string.format("%.17g", v)
  elseif t == "string" then
    return '"' .. v:gsub('[%c"\\]', function(c) return string.format("\\u%04x", c:byte()) end) .. '"'
  elseif t == "table" then
    local parts = {}
    if #v > 0 then
      for _, x in ipairs(v) do parts[#parts + 1] = encode(x) end
      return "[" .. table.concat(parts, ",") .. "]"
    end
    for k, x in pairs(v) do parts[#parts + 1] = encode(tostring(k)) .. ":" .. encode(x) end
    return "{" .. table.concat(parts, ",") .. "}"
  end
  return "null"
end

function done(summary, latency, requests)
  local all_counts, all_lat = {}, {}
  local total_ok, users, finished = 0, 0, 0
  for _, thread in ipairs(threads) do
    total_ok = total_ok + (thread:get("ok") or 0)
    users = users + (thread:get("users_used") or 0)
    finished = finished + (thread:get("ended") or 0)
    for k, n in pairs(thread:get("counts") or {}) do all_counts[k] = (all_counts[k] or 0) + n end
    for _, ms in ipairs(thread:get("lat") or {}) do all_lat[#all_lat + 1] = ms end
  end
  local errors = summary.errors
  io.write("BENCH_RESULT ", encode({
    ok = total_ok,
    counts = all_counts,
    users = users,
    ended = finished,
    latencies_ms = all_lat,
    socket_errors = {
      connect = errors.connect, read = errors.read, write = errors.write,
      status = errors.status, timeout = errors.timeout,
    },
    wrk_requests = summary.requests,
  }), "\n")
end
