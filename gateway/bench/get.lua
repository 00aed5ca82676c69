-- GET a small answer (the caller's quota) with the bearer credential in BENCH_AUTH
local headers = { ["Authorization"] = "Bearer " .. os.getenv("BENCH_AUTH") }
request = function()
  return wrk.format("GET", "/api/mail/quota", headers)
end
