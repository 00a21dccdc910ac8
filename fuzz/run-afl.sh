#!/usr/bin/env bash
# One command for the readers' AFL++ campaign (fuzz/README.md): build and publish the harness, instrument the
# oracle's assemblies with sharpfuzz (a pinned local dotnet tool), then run one afl-fuzz instance on the seeds.
# Usage: fuzz/run-afl.sh [WORK_DIR] [SECONDS]   (defaults: /tmp/readerfuzz-afl, 3600). Needs Debian's afl++.
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(realpath -m "${1:-/tmp/readerfuzz-afl}")
seconds=${2:-3600}
if ! command -v afl-fuzz >/dev/null 2>&1; then
    echo "afl-fuzz not found: apt-get install -y afl++" >&2
    exit 2
fi

# The instrumented copies live in WORK_DIR only: the tests must keep running the build's own assemblies.
rm -rf "$work/bin"
mkdir -p "$work"
dotnet publish fuzz/ReaderFuzz -c Release -o "$work/bin"
(cd fuzz && dotnet tool restore >/dev/null)
for assembly in tforacle.dll CosineParity.dll; do
    (cd fuzz && dotnet tool run sharpfuzz "$work/bin/$assembly")
done

# dotnet itself is not instrumented (SKIP_BIN_CHECK); no core pinning on a shared machine (NO_AFFINITY).
export AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_SKIP_BIN_CHECK=1 AFL_NO_AFFINITY=1 AFL_NO_UI=1
exec nice -n 10 afl-fuzz -V "$seconds" -i fuzz/seeds -o "$work/out" -x fuzz/readers.dict -t 5000 -m none \
    -- dotnet "$work/bin/ReaderFuzz.dll"
