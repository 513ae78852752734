"""Connecting to a cluster from a scheduler spec: ``tcp://HOST:8786`` or ``local:N``."""
import contextlib
import re

from ..errors import ParameterError

_LOCAL = re.compile(r"local:(\d+)$")


def _dask():
    try:
        from dask.distributed import Client, LocalCluster
    except ImportError:
        raise ImportError("distributed training needs Dask: pip install "
                          "'numbaw2v[distributed]'") from None
    return Client, LocalCluster


@contextlib.contextmanager
def connect(scheduler):
    """A dask Client for ``scheduler``; ``local:N`` starts (and stops) a LocalCluster of N
    worker processes with one thread each."""
    Client, LocalCluster = _dask()
    m = _LOCAL.match(scheduler)
    if m:
        n = int(m.group(1))
        if n < 1:
            raise ParameterError(f"--scheduler local:N needs N >= 1, got {scheduler!r}")
        with LocalCluster(n_workers=n, threads_per_worker=1, processes=True,
                          dashboard_address=":0") as cluster, Client(cluster) as client:
            yield client
        return
    if "://" not in scheduler and not re.match(r"^[\w.\-]+:\d+$", scheduler):
        raise ParameterError(f"--scheduler must be a scheduler address (tcp://HOST:8786) or "
                             f"local:N, got {scheduler!r}")
    with Client(scheduler) as client:
        yield client
