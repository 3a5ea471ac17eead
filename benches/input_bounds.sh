#!/usr/bin/env bash
# Figures for docs/benchmarks.md, "input bounds": peak memory and time to refuse hostile inputs
# (issue 10, item 4). Usage: benches/input_bounds.sh [path/to/interdict]
# Builds a 4 GiB-of-zeros ZIP (about 4 MB), a 30 MB name and a 80 MB transfer file of 1 MiB
# addresses in a temporary directory, runs each under /usr/bin/time and prints
# `case  exit  seconds  peak-RSS-MiB`.
set -uo pipefail
bin=${1:-target/release/interdict}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export INTERDICT_OFFLINE=1
data="$tmp/data"

head -c 4294967296 /dev/zero | zip -q "$tmp/bomb.zip" -   # member "-", 4 GiB declared
printf 'query_id,name\nq1,Jane Roe\nq2,%s\nq3,John Doe\n' "$(head -c 31457280 /dev/zero | tr '\0' A)" > "$tmp/long.csv"
{ echo "from,to,amount,block"; long=$(head -c 1048576 /dev/zero | tr '\0' f)
  for i in $(seq 1 80); do echo "0x$long,0xcc,$i,2"; done; } > "$tmp/addr.csv"
fixture=crates/cli/tests/fixtures/un_small.xml

measure() {
    local name=$1; shift
    /usr/bin/time -f "%e %M" -o "$tmp/t" "$@" >/dev/null 2>"$tmp/err"
    local code=$?
    read -r secs kib < <(tail -n 1 "$tmp/t")
    printf '%-34s exit %s  %6.2f s  %7.1f MiB\n' "$name" "$code" "$secs" "$(awk -v k="$kib" 'BEGIN{print k/1024}')"
    [ "$code" = 0 ] || printf '    %s\n' "$(grep -m1 error "$tmp/err" | cut -c1-150)"
}

ls -l "$tmp/bomb.zip" | awk '{printf "bomb.zip: %d bytes\n", $5}'
measure "lists import bomb.zip (4 GiB)" "$bin" lists import --data-dir "$data" "$tmp/bomb.zip"
measure "lists import /dev/zero" "$bin" lists import --data-dir "$data" /dev/zero
measure "lists import - < /dev/zero" sh -c "'$bin' lists import --data-dir '$data' - < /dev/zero"
measure "vet /dev/zero" "$bin" vet /dev/zero --no-lists --output "$tmp/r.jsonl" --data-dir "$data"
measure "graph import /dev/zero" "$bin" graph import /dev/zero --graph "$tmp/g0" --data-dir "$data"
measure "screen batch, one 30 MB name" "$bin" screen --input "$tmp/long.csv" --output "$tmp/o.jsonl" --lists "$fixture" --data-dir "$data"
measure "graph import, 80 x 1 MiB addresses" "$bin" graph import "$tmp/addr.csv" --graph "$tmp/g1" --data-dir "$data"
