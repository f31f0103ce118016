-- Public intake (CMP-3) with duplicate detection (CMP-6): a random unit, matter and one of 5,000 phones, so that some
-- complaints repeat a complainant's earlier one. Needs UNITS in the environment.
local units = {}
for u in string.gmatch(os.getenv("UNITS") or "", "[^,]+") do units[#units + 1] = u end
local matters = { "营业执照办理超时", "不动产登记多次往返", "社保卡申领", "医保报销", "公积金提取" }
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
math.randomseed(13)
request = function()
  local body = string.format('{"type":"SlowHandling","unitId":"%s","matter":"%s","reasons":"压测","evidenceNote":"回执","name":"李四","phone":"139%08d","hasInterest":true}',
    units[math.random(#units)], matters[math.random(#matters)], math.random(5000))
  return wrk.format(nil, "/api/v1/public/complaints", nil, body)
end
done = function(summary, latency, requests)
  io.write(string.format("requests %d, non-2xx/errors %d, p50 %.1f ms, p95 %.1f ms, p99 %.1f ms, %.0f req/s\n", summary.requests,
    summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000, summary.requests / (summary.duration / 1e6)))
end
