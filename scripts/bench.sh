#!/usr/bin/env bash
# npm run bench [-- options]: the benchmarks (bench/main.ts; `npm run bench -- --help`).
# Runs under scripts/run.sh, which has loaded toolchain/env.sh; builds what is missing first, like
# npm start (a warm toolchain costs seconds), and needs root for the test bed.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

case " $* " in
  *" --help "* | *" -h "*) ;;
  *)
    [ "$(id -u)" -eq 0 ] || { echo "bench: run as root (the test bed uses network namespaces, mounts, cgroups)" >&2; exit 2; }
    bash scripts/prereqs.sh >&2
    bash toolchain/build.sh cli tls random command etcd-3.6 >&2
    . toolchain/env.sh
    ;;
esac
# Transpile-only for the benchmark's own code (`npm run test:unit` type-checks it) through the
# register entry point, not TS_NODE_TRANSPILE_ONLY: that variable would reach the pulumi
# processes, and the program must be compiled exactly as `pulumi up` compiles it.
exec node --require ts-node/register/transpile-only bench/main.ts "$@"
