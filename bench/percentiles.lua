-- Print exact latency percentiles (wrk's --latency shows 50/75/90/99 only) on one line that
-- bench/report.py parses. Latencies are in microseconds.
done = function(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format("BENCH requests=%d duration_us=%d p50_us=%d p95_us=%d p99_us=%d "
    .. "mean_us=%.0f max_us=%d non_2xx=%d socket_errors=%d\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), latency.mean, latency.max, errors.status,
    errors.connect + errors.read + errors.write + errors.timeout))
end
