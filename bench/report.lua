-- wrk script: one JSON line with throughput, latency percentiles (p95 included, which wrk's own
-- --latency output lacks) and errors.
--
-- With WRK_COLD=1 in the environment every request carries a highest price never asked for
-- before (`max_price`, above every product's, so the whole listing shows), which listings and
-- the API read and key their caches on: no cache of the store's can answer it, and no redirect
-- (a parameter the page does not read would be sent away, catalog/canonical.py). The cost of
-- rendering from the database.

local cold = os.getenv("WRK_COLD") == "1"
local threads = 0
math.randomseed(os.time())
local run = math.random(1, 1e9)

function setup(thread)
  threads = threads + 1
  thread:set("thread_id", threads)
  thread:set("run_id", run)
end

local sent = 0

if cold then
  request = function()
    sent = sent + 1
    local separator = string.find(wrk.path, "?", 1, true) and "&" or "?"
    -- Unique per run, thread and request, and within max_price's 8 digits before the point.
    return wrk.format(nil, string.format("%s%smax_price=%d", wrk.path, separator,
      (run_id % 8000 + 1000) * 10000 + thread_id * 4000 + sent % 4000))
  end
end

done = function(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.timeout
  io.write(string.format(
    '{"requests": %d, "seconds": %.3f, "rps": %.1f, "p50_ms": %.2f, "p95_ms": %.2f, ' ..
    '"p99_ms": %.2f, "errors": %d, "non_2xx": %d}\n',
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    errors, summary.errors.status))
end
