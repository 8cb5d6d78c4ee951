# Shared by the benchmarks: side-by-side measurement (median of REPEAT runs) and the result rows that
# bench/run_all.sh collects into one table. Source it: `source "$(dirname "$0")/lib.sh"`.
REPEAT="${REPEAT:-5}"

# measure CMD...: runs CMD $REPEAT times; sets MED_S (median wall seconds) and MED_RSS_MB (peak RSS of that
# run, MiB). Fails loudly when CMD fails.
measure() {
  local times_file rows
  times_file="$(mktemp)"
  for ((i = 0; i < REPEAT; i++)); do
    /usr/bin/time -f "%e %M" -o "$times_file.one" "$@" >"$times_file.log" 2>&1 ||
      { cat "$times_file.log"; rm -f "$times_file"*; echo "benchmark command failed: $*"; exit 1; }
    cat "$times_file.one" >>"$times_file"
  done
  rows=$(sort -n -k1,1 "$times_file")
  read -r MED_S rss_kb <<<"$(sed -n "$(((REPEAT + 1) / 2))p" <<<"$rows")"
  MED_RSS_MB=$((rss_kb / 1024))
  rm -f "$times_file"*
}

# measure_pair "CMD_A" "CMD_B": runs A and B alternately, $REPEAT times each (a shared machine drifts over a
# minute; alternating lets the drift hit both alike, where two blocks of runs would put it on one side); sets
# MED_A_S / MED_A_RSS_MB and MED_B_S / MED_B_RSS_MB. Each CMD is one string, split like a shell command line.
measure_pair() {
  local -a cmd_a cmd_b
  eval "cmd_a=($1)"
  eval "cmd_b=($2)"
  local dir
  dir="$(mktemp -d)"
  for ((i = 0; i < REPEAT; i++)); do
    for side in a b; do
      local -n cmd="cmd_$side"
      /usr/bin/time -f "%e %M" -o "$dir/one" "${cmd[@]}" >"$dir/log" 2>&1 ||
        { cat "$dir/log"; rm -rf "$dir"; echo "benchmark command failed: ${cmd[*]}"; exit 1; }
      cat "$dir/one" >>"$dir/$side"
      unset -n cmd
    done
  done
  local mid=$(((REPEAT + 1) / 2)) rss_kb
  read -r MED_A_S rss_kb <<<"$(sort -n -k1,1 "$dir/a" | sed -n "${mid}p")"
  MED_A_RSS_MB=$((rss_kb / 1024))
  read -r MED_B_S rss_kb <<<"$(sort -n -k1,1 "$dir/b" | sed -n "${mid}p")"
  MED_B_RSS_MB=$((rss_kb / 1024))
  rm -rf "$dir"
}

# record WORK SQLFLOW_S FLOOR_S PEAK_MB FLOOR: one row of the run_all table (appended to $BENCH_RESULTS when
# set). ratio = sqlflow time / floor time: below 1 sqlflow is faster, above 1 it is slower.
record() {
  local work="$1" ours="$2" floor="$3" peak="$4" floor_name="$5"
  local ratio
  ratio=$(awk -v a="$ours" -v b="$floor" 'BEGIN { if (b > 0) printf "%.3f", a / b; else printf "-" }')
  printf 'result: %s | sqlflow %ss | floor (%s) %ss | ratio %s | peak %s MiB\n' "$work" "$ours" "$floor_name" \
    "$floor" "$ratio" "$peak"
  if [[ -n "${BENCH_RESULTS:-}" ]]; then
    printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$work" "$ours" "$floor" "$ratio" "$peak" "$floor_name" >>"$BENCH_RESULTS"
  fi
}
