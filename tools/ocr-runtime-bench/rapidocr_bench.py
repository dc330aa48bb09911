"""Whole-page timing of rapidocr-onnxruntime (Python) on A4 pages.

usage: /tmp/rapid-venv/bin/python rapidocr_bench.py PAGE.png [PAGE.png ...]
"""
import os, statistics, sys, time

import onnxruntime
from rapidocr_onnxruntime import RapidOCR

engine = RapidOCR()
print("onnxruntime", onnxruntime.__version__, "cpu_count", os.cpu_count())
for name in ("text_det", "text_cls", "text_rec"):
    sub = getattr(engine, name, None)
    wrapper = getattr(sub, "infer", None) or getattr(sub, "session", None)
    sess = getattr(wrapper, "session", None)
    if sess is not None:
        o = sess.get_session_options()
        print(f"{name}: intra_op_num_threads={o.intra_op_num_threads} "
              f"inter_op_num_threads={o.inter_op_num_threads} "
              f"graph_opt={o.graph_optimization_level} providers={sess.get_providers()}")
for path in sys.argv[1:]:
    t = time.perf_counter()
    result, elapse = engine(path)  # warm-up
    print(f"{path}: warm-up {(time.perf_counter() - t) * 1e3:.0f} ms", flush=True)
    times, elapses = [], []
    for _ in range(5):
        t = time.perf_counter()
        result, elapse = engine(path)
        times.append((time.perf_counter() - t) * 1e3)
        print(f"   run {len(times)}: {times[-1]:.0f} ms", flush=True)
        elapses.append(elapse)
    n = len(result) if result else 0
    try:
        det, cls, rec = (statistics.median(e[i] for e in elapses) * 1e3 for i in range(3))
    except Exception:
        det = cls = rec = float("nan")
    print(f"{path}: median {statistics.median(times):.0f} ms, min {min(times):.0f} ms, "
          f"lines {n} (det {det:.0f} / cls {cls:.0f} / rec {rec:.0f} ms median)")
    for r in (result or [])[:3]:
        print("   ", r[1], round(float(r[2]), 3))
