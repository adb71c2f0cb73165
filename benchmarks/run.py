"""`make bench`: ingest rate vs bare trafilatura, search and page latency on a large archive, peak memory.

Every benchmark runs in its own child process (this module re-invoked with `--child`), so one cannot
inflate another's peak memory (`ru_maxrss`) or warm another's caches; the parent only collects and prints.
Results are ratios against a baseline measured in the same run, with PASS/FAIL against the targets, and
are written to benchmarks/results/latest.json (and `--json PATH` when given). See docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

RESULTS_DIR = Path(__file__).parent / "results"
DEFAULT_SIZE = 1_000_000
QUICK_SIZE = 20_000
DEFAULT_SEED = 20250630  # fixed, so the cached archive is reused from run to run
FULL = {"copies": 10, "repeat": 10}
QUICK = {"copies": 2, "repeat": 3}


def _peak_rss_mib() -> float:
    # Linux reports ru_maxrss in KiB.
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def _child(name: str, params: dict[str, Any]) -> dict[str, Any]:
    """Run one benchmark in this (child) process and return its result with the process's peak RSS."""
    from benchmarks import corpus, ingest, pages, search

    began = time.perf_counter()
    result: dict[str, Any]
    if name == "ingest":
        result = ingest.run(copies=params["copies"])
    elif name == "build":
        built = corpus.build_archive(params["size"], params["seed"], strategy=params["strategy"])
        result = {
            "path": str(built.path),
            "rows": built.size,
            "cached": built.cached,
            "build_seconds": round(built.seconds, 1),
            "strategy": built.strategy,
            "mib_on_disk": round(built.bytes_on_disk / 2**20, 1),
        }
    elif name == "compare-build":
        material = corpus.load_material()
        result = {}
        for strategy in ("trigger", "rebuild"):
            built = corpus.build_archive(
                params["size"], params["seed"], strategy=strategy, material=material, use_cache=False
            )
            built.path.unlink()
            result[f"{strategy}_seconds"] = round(built.seconds, 1)
    elif name == "search":
        result = search.run(Path(params["path"]), repeat=params["repeat"])
    elif name == "pages":
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core, as the target says
        result = pages.run(Path(params["path"]), repeat=params["repeat"])
    else:
        raise SystemExit(f"unknown benchmark {name!r}")
    result["wall_seconds"] = round(time.perf_counter() - began, 1)
    result["peak_rss_mib"] = _peak_rss_mib()
    return result


def _spawn(name: str, params: dict[str, Any]) -> dict[str, Any]:
    """Run benchmark `name` in a fresh interpreter and read back its JSON result."""
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as handle:
        out = Path(handle.name)
    try:
        command = [sys.executable, "-m", "benchmarks.run", "--child", name, "--params", json.dumps(params)]
        subprocess.run([*command, "--child-out", str(out)], check=True)
        return dict(json.loads(out.read_text(encoding="utf-8")))
    finally:
        out.unlink(missing_ok=True)


def _verdict(passed: bool) -> str:
    return "PASS" if passed else "FAIL"


def _print_ingest(result: dict[str, Any]) -> None:
    rate, ms = result["pages_per_s"], result["ms_per_page"]
    print(
        f"\n== Ingest: {result['pages']} pages ({result['distinct_fixture_pages']} real pages × "
        f"{result['copies_per_page']} varied copies); outcomes {result['outcomes']}"
    )
    print(f"  bare trafilatura.extract   {rate['bare']:8.2f} pages/s  ({ms['bare']:.1f} ms/page)")
    print(f"  extract_article only       {rate['extract']:8.2f} pages/s  ({ms['extract']:.1f} ms/page)")
    print(
        f"  extract+store+index        {rate['store_no_analysis']:8.2f} pages/s  "
        f"({ms['store_no_analysis']:.1f} ms/page)  {result['ratio_store_no_analysis_vs_bare']:.2f}× bare  "
        f"(target ≥ {result['target_ratio']}×)  {_verdict(result['pass'])}"
    )
    print(
        f"  + language layer           {rate['pipeline']:8.2f} pages/s  ({ms['pipeline']:.1f} ms/page)  "
        f"{result['ratio_pipeline_vs_bare']:.2f}× bare  (tone, entities, quotes, issues; no target)"
    )
    print(f"  peak RSS {result['peak_rss_mib']} MiB")


def _print_build(result: dict[str, Any]) -> None:
    how = "from cache" if result["cached"] else f"built in {result['build_seconds']} s ({result['strategy']})"
    print(
        f"\n== Archive: {result['rows']:,} articles, {result['mib_on_disk']} MiB, {how}; "
        f"builder peak RSS {result['peak_rss_mib']} MiB"
    )


def _print_search(result: dict[str, Any]) -> None:
    lookup = result["id_lookup"]
    print(
        f"\n== Search on {result['archive_rows']:,} articles, {result['repeat']} timed runs per type "
        f"(id lookup p50 {lookup['p50_ms']:.2f} ms)"
    )
    print(f"  {'type':<14} {'hits':>8} {'p50 ms':>9} {'p95 ms':>9} {'bare p50':>9} {'× bare':>7}")
    for name, item in result["per_type"].items():
        gaung = item["gaung"]
        print(
            f"  {name:<14} {item['hits']:>8} {gaung['p50_ms']:9.1f} {gaung['p95_ms']:9.1f} "
            f"{item['bare']['p50_ms']:9.1f} {item['ratio_p50_vs_bare']:7.2f}  {_verdict(item['pass'])}"
        )
    overall = result["overall"]
    print(
        f"  overall p50 {overall['p50_ms']:.1f} ms (× id lookup {result['overall_ratio_p50_vs_id_lookup']}), "
        f"p95 {overall['p95_ms']:.1f} ms (target < {result['target_p95_ms']:.0f} ms)  "
        f"{_verdict(result['pass'])}; {result['types_passing']}/{len(result['per_type'])} types pass"
    )
    print(f"  peak RSS {result['peak_rss_mib']} MiB")


def _print_pages(result: dict[str, Any]) -> None:
    base, lookup = result["baseline"], result["id_lookup"]
    print(
        f"\n== Pages on {result['archive_rows']:,} articles, server time in one process on one core, "
        f"{result['repeat']} timed runs per page (baseline {result['baseline_path']} p50 "
        f"{base['p50_ms']:.1f} ms, p95 {base['p95_ms']:.1f} ms; id lookup p50 {lookup['p50_ms']:.2f} ms)"
    )
    print(f"  {'page':<14} {'p50 ms':>9} {'p95 ms':>9} {'p50 ×base':>10} {'p95 ×base':>10}  path")
    for name, item in result["per_page"].items():
        print(
            f"  {name:<14} {item['p50_ms']:9.1f} {item['p95_ms']:9.1f} {item['ratio_p50_vs_baseline']:10.1f} "
            f"{item['ratio_p95_vs_baseline']:10.1f}  {_verdict(item['pass'])}  {item['path'][:60]}"
        )
    print(
        f"  {result['pages_passing']}/{len(result['per_page'])} pages under "
        f"p95 {result['target_p95_ms']:.0f} ms"
        f"  {_verdict(result['pass'])}; peak RSS {result['peak_rss_mib']} MiB"
    )


def main(argv: list[str] | None = None) -> int:
    """Parse arguments and run the benchmarks (or, with --child, one benchmark in this process)."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__)
    parser.add_argument(
        "--quick", action="store_true", help=f"smoke run: {QUICK_SIZE:,} articles, few repeats"
    )
    parser.add_argument(
        "--size", type=int, help=f"archive size (default {DEFAULT_SIZE:,}; {QUICK_SIZE:,} quick)"
    )
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="archive generator seed")
    parser.add_argument("--json", type=Path, help="also write the results to this file")
    parser.add_argument("--only", choices=("ingest", "search", "pages"), help="run one benchmark")
    parser.add_argument(
        "--build-strategy",
        choices=("rebuild", "trigger"),
        default="rebuild",
        help="how a missing archive fills FTS5 (see docs/benchmarks.md)",
    )
    parser.add_argument(
        "--compare-build",
        type=int,
        metavar="N",
        help="only time building N rows both ways (uncached), then exit",
    )
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--params", help=argparse.SUPPRESS)
    parser.add_argument("--child-out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.child:
        result = _child(args.child, json.loads(args.params))
        args.child_out.write_text(json.dumps(result), encoding="utf-8")
        return 0

    began = time.perf_counter()
    settings = QUICK if args.quick else FULL
    size = args.size or (QUICK_SIZE if args.quick else DEFAULT_SIZE)
    results: dict[str, Any] = {
        "started_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "machine": f"{platform.machine()}, {platform.system()}",
        "mode": "quick" if args.quick else "full",
    }
    if args.compare_build:
        results["compare_build"] = _spawn("compare-build", {"size": args.compare_build, "seed": args.seed})
        print(f"building {args.compare_build:,} rows: {results['compare_build']}")
    else:
        if args.only in (None, "ingest"):
            results["ingest"] = _spawn("ingest", {"copies": settings["copies"]})
            _print_ingest(results["ingest"])
        if args.only in (None, "search", "pages"):
            print(
                f"\n(building or reusing the {size:,}-article archive under benchmarks/.cache/ ...)",
                flush=True,
            )
            results["archive"] = _spawn(
                "build", {"size": size, "seed": args.seed, "strategy": args.build_strategy}
            )
            _print_build(results["archive"])
        if args.only in (None, "search"):
            results["search"] = _spawn(
                "search", {"path": results["archive"]["path"], "repeat": settings["repeat"]}
            )
            _print_search(results["search"])
        if args.only in (None, "pages"):
            results["pages"] = _spawn(
                "pages", {"path": results["archive"]["path"], "repeat": settings["repeat"]}
            )
            _print_pages(results["pages"])
    results["total_seconds"] = round(time.perf_counter() - began, 1)
    print(f"\ntotal {results['total_seconds']} s")

    RESULTS_DIR.mkdir(exist_ok=True)
    text = json.dumps(results, indent=2, ensure_ascii=False)
    (RESULTS_DIR / "latest.json").write_text(text, encoding="utf-8")
    if args.json:
        args.json.write_text(text, encoding="utf-8")
    passed = all(results[key]["pass"] for key in ("ingest", "search", "pages") if key in results)
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
