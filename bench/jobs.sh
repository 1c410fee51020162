#!/bin/sh
# jobs.sh - extractor throughput with -j 1 and -j 2 on a JSON Lines stream:
# the seed articles (else the sample article) repeated to SIZE_MB (50) MB.
#   B=build sh bench/jobs.sh         RUNS=3 SIZE_MB=50 JOBS="1 2"
# Prints, for each -j (best of RUNS by wall time): wall seconds, MB/s,
# docs/s, the wall-time speed-up over the first -j, and the CPU seconds
# used (user+sys). On a machine busy with other work the wall-time
# speed-up understates the scaling; CPU seconds show the work done.
B=${B:-build}
RUNS=${RUNS:-3}
SIZE_MB=${SIZE_MB:-50}
JOBS=${JOBS:-"1 2"}
SEEDS=${SEEDS:-../shared/corpus/seeds}
set -- "$SEEDS"/*.txt
[ -f "$1" ] || set -- examples/data/sample-article.txt
exec python3 - "$B" "$RUNS" "$SIZE_MB" "$JOBS" "$@" <<'PY'
import json, os, resource, subprocess, sys, tempfile, time
b, runs, mb, jobs, files = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), sys.argv[4].split(), sys.argv[5:]
texts = [(os.path.splitext(os.path.basename(p))[0], open(p, encoding="utf-8").read()) for p in files]
with tempfile.TemporaryDirectory() as tmp:
    inp = os.path.join(tmp, "in.jsonl")
    total = n = 0
    with open(inp, "w", encoding="utf-8") as f:
        while total < mb * 1e6:
            for name, t in texts:
                line = json.dumps({"id": "%s-%d" % (name, n), "text": t}) + "\n"
                f.write(line)
                total += len(line.encode())
                n += 1
    print("input: %d documents, %d bytes, from %d article(s); %d CPU(s); load %.1f; best of %d"
          % (n, total, len(files), os.cpu_count(), os.getloadavg()[0], runs))
    first, outs = None, {}
    for j in jobs:
        best = None
        for _ in range(runs):
            out = os.path.join(tmp, "out.%s" % j)
            r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
            t0 = time.perf_counter()
            with open(out, "wb") as o:
                subprocess.run([os.path.join(b, "newsfacts"), "--rules", "rules", "--jsonl",
                                "--no-progress", "-j", j, inp], stdout=o, check=True)
            t = time.perf_counter() - t0
            r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu = (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)
            if best is None or t < best[0]:
                best = (t, cpu)
            outs[j] = out
        if first is None:
            first = best[0]
        print("-j %-3s %8.2f s %7.2f MB/s %8.0f docs/s  speed-up %.2fx  cpu %.2f s"
              % (j, best[0], total / best[0] / 1e6, n / best[0], first / best[0], best[1]))
    ref = open(outs[jobs[0]], "rb").read()
    for j in jobs[1:]:
        if open(outs[j], "rb").read() != ref:
            sys.exit("output of -j %s differs from -j %s" % (j, jobs[0]))
PY
