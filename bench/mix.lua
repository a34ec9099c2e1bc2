-- wrk script of bench/run.sh: each request is a path drawn at random from the file named by
-- BENCH_URLS (one path a line, written by bench/pages.py), sent with the Cookie header
-- BENCH_COOKIE when it is set (a signed-in member's session). Any status other than 200 counts
-- as an error (wrk itself only counts 4xx and 5xx: a redirect to the sign-in page would pass).
-- done() prints exact percentiles on one line that bench/report.py parses (microseconds), and
-- the latency at every 0.1 % (quantiles=…), so that the report can merge the rounds of an
-- interleaved measure (bench/run.sh, measure_pair) into exact percentiles of the whole.
-- BENCH_STOP_AFTER: each thread stops after that many answers (a warm-up of a given number of
-- requests rather than of a given time; -d stays the upper bound).
local threads = {}
local paths = {}
local headers = {}
failures = 0  -- globals: done() reads them from each thread
statuses = {}

setup = function(thread)
  thread:set("id", #threads + 1)
  table.insert(threads, thread)
end

init = function(args)
  local file = assert(io.open(assert(os.getenv("BENCH_URLS"), "BENCH_URLS not set"), "r"))
  for line in file:lines() do
    if #line > 0 then table.insert(paths, line) end
  end
  file:close()
  assert(#paths > 0, "no URL in BENCH_URLS")
  stop_after = tonumber(os.getenv("BENCH_STOP_AFTER") or "")
  answered = 0
  local cookie = os.getenv("BENCH_COOKIE")
  if cookie and #cookie > 0 then headers["Cookie"] = cookie end
  math.randomseed(os.time() * 1000 + id)
end

request = function()
  return wrk.format("GET", paths[math.random(#paths)], headers)
end

response = function(status, response_headers, body)
  answered = answered + 1
  if stop_after and answered >= stop_after then wrk.thread:stop() end
  if status ~= 200 then
    failures = failures + 1
    statuses[status] = (statuses[status] or 0) + 1
  end
end

done = function(summary, latency, requests)
  local failed, seen = 0, {}
  for _, thread in ipairs(threads) do
    failed = failed + thread:get("failures")
    local counts = thread:get("statuses")
    for status, n in pairs(counts) do seen[status] = (seen[status] or 0) + n end
  end
  local detail = {}
  for status, n in pairs(seen) do table.insert(detail, status .. ":" .. n) end
  local errors = summary.errors
  local quantiles = {}
  for step = 1, 1000 do quantiles[step] = latency:percentile(step / 10) end
  io.write(string.format("BENCH requests=%d duration_us=%d p50_us=%d p95_us=%d p99_us=%d "
    .. "mean_us=%.0f max_us=%d non_200=%d statuses=%s socket_errors=%d quantiles=%s\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), latency.mean, latency.max, failed,
    #detail > 0 and table.concat(detail, ",") or "-",
    errors.connect + errors.read + errors.write + errors.timeout,
    table.concat(quantiles, ",")))
end
