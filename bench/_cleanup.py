"""Make SIGTERM unwind like Ctrl-C, so that ``finally`` blocks and temporary directories run."""
import signal


def sigterm_raises():
    """From now on SIGTERM raises SystemExit(143) in the main thread instead of killing outright."""
    def _raise(signum, frame):
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, _raise)
