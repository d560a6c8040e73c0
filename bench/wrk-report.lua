-- wrk script of bench/run: counts every non-2xx response (wrk itself counts only
-- status > 399) and prints one machine-readable line that bench/run parses.
-- Each wrk thread has its own Lua state, so setup() keeps the threads and done()
-- adds up their counters.

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  non2xx = 0
end

function response(status, headers, body)
  if status < 200 or status > 299 then
    non2xx = non2xx + 1
  end
end

function done(summary, latency, requests)
  local non2xx_total = 0
  for _, thread in ipairs(threads) do
    non2xx_total = non2xx_total + thread:get("non2xx")
  end
  local errors = summary.errors
  io.write(string.format(
    "wrk-result requests=%d duration_us=%d rps=%.1f p50_us=%d p99_us=%d max_us=%d " ..
    "non2xx=%d connect=%d read=%d write=%d timeout=%d\n",
    summary.requests, summary.duration, summary.requests / (summary.duration / 1e6),
    latency:percentile(50), latency:percentile(99), latency.max,
    non2xx_total, errors.connect, errors.read, errors.write, errors.timeout))
end
