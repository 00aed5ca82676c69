-- POST /internal/passports as the gateway, for one of 1,000 users
local basic = os.getenv("BENCH_GATEWAY_BASIC")
local issuer = os.getenv("BENCH_ISSUER")
local counter = 0
request = function()
  counter = counter + 1
  local body = '{"externalIssuer":"' .. issuer .. '","externalSubject":"load-' .. (counter % 1000) ..
    '","tenant":"consumer","roles":["user"],"acr":"2fa","audience":"mail-service"}'
  return wrk.format("POST", "/internal/passports",
    { ["Authorization"] = "Basic " .. basic, ["Content-Type"] = "application/json" }, body)
end
