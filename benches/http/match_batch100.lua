-- wrk script: 100 yente examples per POST /match/default (yente's batch limit).
--   wrk -t1 -c4 -d20s --latency -s benches/http/match_batch100.lua http://127.0.0.1:8080
local names = {
  "Kim Jong Un", "Gayk Asatryan", "Vitaly Andreev", "Song Kum Hyok", "Korea Saenal Trading Company",
  "Mohammed Al Hamdan", "Jane Smith", "Banco Nacional de Cuba", "Ali Khamenei", "Ivan Petrov",
}
local parts = {}
for i = 1, 100 do
  parts[i] = '"q' .. i .. '": {"schema": "LegalEntity", "properties": {"name": ["' .. names[(i % #names) + 1] .. ' ' .. i .. '"]}}'
end
local body = '{"queries": {' .. table.concat(parts, ",") .. '}}'
request = function()
  return wrk.format("POST", "/match/default", {["Content-Type"] = "application/json"}, body)
end
