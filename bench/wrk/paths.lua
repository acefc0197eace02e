-- wrk script: cycle through the request paths listed in a file (one a line) and write the figures
-- the runner needs as JSON: requests, duration, status classes, socket errors and a sampled latency
-- quantile function, so several runs can be merged into exact-enough percentiles.
-- Usage: wrk ... -s paths.lua http://127.0.0.1:PORT -- <paths file> <output json>

local QUANTILES = 200
local threads = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("id", #threads)
end

function init(args)
  paths = {}
  for line in io.lines(args[1]) do
    if #line > 0 then table.insert(paths, line) end
  end
  out = args[2]
  -- Threads start at different places in the list so they do not ask the same thing in step.
  index = (id * 7919) % #paths
  statuses = { s2 = 0, s3 = 0, s4 = 0, s5 = 0 }
end

function request()
  index = index % #paths + 1
  return wrk.format("GET", paths[index])
end

function response(status, headers, body)
  local key = "s" .. math.floor(status / 100)
  statuses[key] = (statuses[key] or 0) + 1
end

function done(summary, latency, requests)
  local totals = { s2 = 0, s3 = 0, s4 = 0, s5 = 0 }
  local path
  for _, thread in ipairs(threads) do
    local counts = thread:get("statuses")
    for key, value in pairs(counts) do totals[key] = (totals[key] or 0) + value end
    path = thread:get("out")
  end
  local q = {}
  for k = 1, QUANTILES do
    q[k] = latency:percentile(100 * (k - 0.5) / QUANTILES)
  end
  local e = summary.errors
  local file = io.open(path, "w")
  file:write(string.format(
    '{"requests": %d, "duration_us": %d, "status": {"2xx": %d, "3xx": %d, "4xx": %d, "5xx": %d}, ' ..
    '"socket_errors": {"connect": %d, "read": %d, "write": %d, "timeout": %d}, ' ..
    '"latency_us": {"p50": %d, "p95": %d, "p99": %d, "max": %d}, "quantiles_us": [%s]}\n',
    summary.requests, summary.duration, totals.s2, totals.s3, totals.s4, totals.s5,
    e.connect, e.read, e.write, e.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max,
    table.concat(q, ", ")))
  file:close()
end
