"""How much a second worker can add on this machine: one SIMD-heavy process vs two at once.

    python bench/cores.py

Training is dominated by 100-float dot products and row updates. When two
"cores" are hyper-threads of one physical core they share its vector units,
so two processes of such work each run at about half speed and no trainer
can scale past ~1x. The speed-up printed is (2 x single time) / (time for two
in parallel): about 2.0 for two real cores, about 1.0 for two hyper-threads.
"""
import subprocess
import sys

WORK = """
import numpy as np
from numba import njit

@njit(fastmath=True, cache=False)
def spin(a, n):
    s = np.float32(0.0)
    for _ in range(n):
        for k in range(a.shape[0]):
            s += a[k] * a[k]
    return s

a = np.ones(100, dtype=np.float32)
spin(a, 1)
t = time.perf_counter()
spin(a, 20_000_000)
print(time.perf_counter() - t)
"""


def timed(n_procs):
    procs = [subprocess.Popen([sys.executable, "-c", WORK], stdout=subprocess.PIPE, text=True)
             for _ in range(n_procs)]
    return [float(p.communicate()[0]) for p in procs]


def main():
    one = min(timed(1)[0], timed(1)[0])
    two = max(timed(2))
    print(f"one process alone: {one:.2f} s; two at once: {two:.2f} s each (slowest)")
    print(f"throughput speed-up of 2 processes over 1: {2 * one / two:.2f}x")


if __name__ == "__main__":
    main()
