-- POST Keycloak's token endpoint with the client_credentials grant (the reference rate)
local body = "grant_type=client_credentials&client_id=sealpost-gateway&client_secret=" .. os.getenv("BENCH_GATEWAY_SECRET")
request = function()
  return wrk.format("POST", os.getenv("BENCH_TOKEN_PATH"),
    { ["Content-Type"] = "application/x-www-form-urlencoded" }, body)
end
