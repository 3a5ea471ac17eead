-- wrk script: one yente example per POST /match/default, cycling through a few names so that
-- no answer is cached anywhere. Usage (see docs/benchmarks.md):
--   wrk -t1 -c16 -d20s --latency -s benches/http/match_single.lua http://127.0.0.1:8080
local names = {
  "Kim Jong Un", "Gayk Asatryan", "Vitaly Andreev", "Song Kum Hyok", "Korea Saenal Trading Company",
  "Mohammed Al Hamdan", "Jane Smith", "Banco Nacional de Cuba", "Ali Khamenei", "Ivan Petrov",
}
local i = 0
request = function()
  i = i + 1
  local n = names[(i % #names) + 1]
  local body = '{"queries": {"q": {"schema": "Person", "properties": {"name": ["' .. n .. '"]}}}}'
  return wrk.format("POST", "/match/default", {["Content-Type"] = "application/json"}, body)
end
