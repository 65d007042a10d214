#!/usr/bin/env bash
# The speed figures of the speed issue, each printed beside a baseline measured in the same run, so that a
# noisy machine shows in both. Run it on an idle machine with nothing else running (no builds, no tests): it
# refuses to start above a load average of 1.5 unless KUSD_BENCH_ANY_LOAD=1.
#   bash tests/bench.sh            all of it, about 10 minutes on 2 cores
# Needs the .NET SDK, the test photos (tests/data/fetch-photos.sh), and from Debian: hey (HTTP load),
# libjpeg-turbo-progs (djpeg, the floor of decoding a JPEG), time (GNU time, for peak memory), curl.
# Writes artifacts/bench.md.
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
for tool in hey djpeg curl /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "bench.sh: $tool is missing (apt-get install hey libjpeg-turbo-progs time curl)" >&2; exit 1; }
done
load=$(cut -d' ' -f1 /proc/loadavg)
if [ "${KUSD_BENCH_ANY_LOAD:-}" != 1 ] && awk -v l="$load" 'BEGIN { exit !(l > 1.5) }'; then
  echo "bench.sh: load average $load: the machine is busy, figures would be noise (KUSD_BENCH_ANY_LOAD=1 to run anyway)" >&2
  exit 1
fi

work=$(mktemp -d /tmp/kusd-bench.XXXXXX)
server_pid=
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
mkdir -p artifacts
out=artifacts/bench.md
tick=$(getconf CLK_TCK)
median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
row() { printf '| %s | %s | %s | %s |\n' "$@" | tee -a "$out"; }

echo "== build (Release)"
bash tests/data/fetch-photos.sh >/dev/null
dotnet build src/ModerationApi -c Release -nologo -clp:NoSummary -v q >/dev/null
dotnet build src/Cli -c Release -nologo -clp:NoSummary -v q >/dev/null
dotnet build tests/Benchmarks -c Release -nologo -clp:NoSummary -v q >/dev/null
api=artifacts/bin/Kusd.Moderation.Api/release/Kusd.Moderation.Api.dll
cli=artifacts/bin/Kusd.Moderation.Cli/release/kusd-moderate.dll
bench() { dotnet run -c Release --no-build --project tests/Benchmarks -- "$@"; }

echo "== 12 MP photos (the package photos tiled on 4032x3024)"
bench --write-photos "$work/photos" 10 >/dev/null
photo="$work/photos/group-12mp-04.jpg"

{
  echo "# Benchmarks ($(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, load average at start $load)"
  echo
  echo "| what | measured | baseline (same run) | ratio |"
  echo "|---|---|---|---|"
} > "$out"
cat "$out"

# The floor: libjpeg-turbo decoding the same file, median of 11.
djpeg_ms=$(for _ in $(seq 1 11); do
  s=$(date +%s%N); djpeg -outfile /dev/null "$photo"; e=$(date +%s%N); echo $(( (e - s) / 1000 ))
done | median | awk '{ printf "%.1f", $1 / 1000 }')

echo "== the API, on a free loopback port, with a roster and one enrolled face"
port=$(( 20000 + RANDOM % 10000 ))
dotnet "$api" --urls "http://127.0.0.1:$port" --Storage:DataDirectory "$work/api" --RateLimits:PermitLimit 10000000 \
  --Logging:LogLevel:Default Warning >"$work/api.log" 2>&1 &
server_pid=$!
base="http://127.0.0.1:$port"
for _ in $(seq 1 120); do curl -fsS -o /dev/null "$base/health/ready" 2>/dev/null && break; sleep 0.5; done
key=$(cat "$work/api/admin-key.txt")
auth=(-H "Authorization: Bearer $key")
curl -fsS -o /dev/null "${auth[@]}" -H "Content-Type: text/csv" --data-binary @samples/roster.csv "$base/v1/roster/import"
restricted=$(awk -F, 'NR > 1 && $7 == "true" { print $1; exit }' samples/roster.csv)
curl -fsS -o /dev/null "${auth[@]}" -F "photo=@tests/data/photos/grace_hopper_512x512.jpg" "$base/v1/roster/people/$restricted/faces"

# One 12 MP photo through POST /v1/checks (multipart), one at a time. The first requests run the JPEG decoder and
# the tensor code before the JIT has optimised them (decode alone 170-230 ms, settling at about 45 ms after four
# or five photos), so the first is reported apart, four more warm up, and the median of the next 5 is the figure.
post_photo() { curl -fsS -o /dev/null -w '%{time_total}\n' "${auth[@]}" -F "image=@$photo;type=image/jpeg" "$base/v1/checks"; }
first=$(post_photo | awk '{ printf "%.0f", $1 * 1000 }')
for _ in 1 2 3 4; do post_photo >/dev/null; done
photo_ms=$(for _ in 1 2 3 4 5; do post_photo; done | median | awk '{ printf "%.0f", $1 * 1000 }')
row "one 12 MP JPEG, POST /v1/checks, every checker (wall, median of 5 after 5 warm-up; first request ${first} ms)" "${photo_ms} ms" "djpeg ${djpeg_ms} ms" \
  "$(awk -v a="$photo_ms" -v b="$djpeg_ms" 'BEGIN { printf "%.1fx", a / b }')"

# ~1 KB text over HTTP: hey, 16 connections; the server's own CPU per request is the headline, since hey
# shares the cores. Baseline: /health/live, the cheapest route through the same pipeline.
text='{"fields":[{"name":"body","format":"plain","text":"Our fourth graders visited the Kenosha Public Museum on Tuesday. Liam Nowak and Emma Kowalski presented their project on Lake Michigan shipwrecks, and the class wrote thank-you letters to the docents. Families can see photos in the parent portal. Questions? Write to the office at office@kusd.edu or see the calendar at https://www.kusd.edu/calendar. Thanks to the PTA volunteers who drove, and to Mrs. Mueller for organizing the trip. The next field trip is to the planetarium in March; permission slips go home next week with every student, and they are due back by the end of the month so that we can book the bus. We are grateful for all of the help!"}],"channel":"website"}'
printf '%s' "$text" > "$work/text.json"
hey_run() { # hey args; prints "requests/s p99-ms server-cpu-ms-per-200 count-of-200"
  local before after
  hey -n 20000 -c 16 "$@" >/dev/null 2>&1 # warm-up: tiered JIT and PGO take some 10,000 requests to settle
  before=$(cpu_ticks "$server_pid")
  hey -n 20000 -c 16 "$@" > "$work/hey.txt"
  after=$(cpu_ticks "$server_pid")
  local rps p99 n
  rps=$(awk '/Requests\/sec:/ { print $2 }' "$work/hey.txt")
  p99=$(awk '/99% in/ { print $3 * 1000 }' "$work/hey.txt")
  n=$(awk '/\[200\]/ { print $2 }' "$work/hey.txt")
  awk -v rps="${rps:-0}" -v p99="${p99:-0}" -v b="$before" -v a="$after" -v n="${n:-0}" -v tick="$tick" \
    'BEGIN { printf "%.0f %.1f %.3f %d\n", rps, p99, (n > 0 && tick > 0) ? (a - b) * 1000 / tick / n : -1, n }'
}
read -r live_rps live_p99 live_cpu _ < <(hey_run "$base/health/live")
read -r text_rps text_p99 text_cpu text_ok < <(hey_run -m POST -T application/json "${auth[@]}" -D "$work/text.json" "$base/v1/checks")
row "~1 KB text check, hey -c 16, server CPU per request ($text_ok of 20000 answered 200)" "${text_cpu} ms" "/health/live ${live_cpu} ms" \
  "$(awk -v a="$text_cpu" -v b="$live_cpu" 'BEGIN { printf "%.0fx", a / b }')"
row "~1 KB text check, hey -c 16, requests/s and p99" "${text_rps}/s, p99 ${text_p99} ms" "/health/live ${live_rps}/s, p99 ${live_p99} ms" \
  "$(awk -v a="$text_rps" -v b="$live_rps" 'BEGIN { printf "%.2fx", a / b }')"
kill "$server_pid"; wait "$server_pid" 2>/dev/null || true; server_pid=

echo "== a folder of 10 photos through the CLI (all cores), against its start-up on an empty folder"
mkdir -p "$work/empty" && echo "Nothing here." > "$work/empty/README.md"
timed() { /usr/bin/time -f '%e %U %S %M' "$@" >/dev/null 2>"$work/time.txt" || true; tail -n 1 "$work/time.txt"; }
read -r empty_s _ _ _ < <(timed dotnet "$cli" check "$work/empty")
read -r folder_s folder_user folder_sys folder_kb < <(timed dotnet "$cli" check "$work/photos")
row "folder of 10 12 MP photos, CLI check (wall; peak $(( folder_kb / 1024 )) MB; $(awk -v u="$folder_user" -v s="$folder_sys" 'BEGIN { printf "%.2f", (u + s) / 10 }') s CPU a photo)" \
  "$(awk -v t="$folder_s" -v e="$empty_s" 'BEGIN { printf "%.2f photos/s (%.1f s, %.1f s of it start-up)", 10 / (t - e), t, e }')" \
  "djpeg ${djpeg_ms} ms a photo" "$(awk -v t="$folder_s" -v e="$empty_s" -v d="$djpeg_ms" 'BEGIN { printf "%.0fx", (t - e) / 10 * 1000 / d }')"

echo "== engine text: 5 KB post and 5 MB archive, per rule"
bench --timings | tail -n 2 | while read -r line; do echo "    $line"; done | tee "$work/text.txt"
small=$(awk -F'[:;]' '/5 KB post/ { print $2 }' "$work/text.txt" | awk '{ print $1 }')
large=$(awk -F'[:;]' '/5 MB archive/ { print $2 }' "$work/text.txt" | awk '{ print $1 }')
row "engine text, one 5 MB Markdown archive, roster 10,000 (one core)" "${large} MB/s" "5 KB post ${small} MB/s" \
  "$(awk -v a="$large" -v b="$small" 'BEGIN { printf "%.2fx", a / b }')"

echo "== face matching against 100k templates (BenchmarkDotNet, baseline: the matcher before the one-pass version)"
bench --filter '*FaceMatcher*' --quick 2>&1 | grep -E '^\| (Method|OneFace|ClassPhoto)' | tee "$work/match.txt"
one=$(awk -F'|' '$2 ~ /^ OneFace / && $4 ~ /100000/ { gsub(/ /, "", $5); print $5 }' "$work/match.txt")
before=$(awk -F'|' '$2 ~ /^ OneFaceBefore / && $4 ~ /100000/ { gsub(/ /, "", $5); print $5 }' "$work/match.txt")
row "matching one face against 100k templates (640 values, centred)" "$one" "before: $before" \
  "$(awk -F'|' '$2 ~ /^ OneFace / && $4 ~ /100000/ { gsub(/ /, "", $9); print $9 }' "$work/match.txt")"
class=$(awk -F'|' '$2 ~ /^ ClassPhoto / && $4 ~ /100000/ { gsub(/ /, "", $5); print $5 }' "$work/match.txt")
class_before=$(awk -F'|' '$2 ~ /^ ClassPhotoBefore / && $4 ~ /100000/ { gsub(/ /, "", $5); print $5 }' "$work/match.txt")
row "matching a class photo's 23 faces against 100k templates" "$class" "before: $class_before" \
  "$(awk -F'|' '$2 ~ /^ ClassPhoto / && $4 ~ /100000/ { gsub(/ /, "", $9); print $9 }' "$work/match.txt")"

echo
echo "load average at the end: $(cut -d' ' -f1 /proc/loadavg); table in $out"
