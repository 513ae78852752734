"""The few statistics bench/compare.py reports: median with spread, mean ± sd, paired ratios."""
import statistics


def values_of(records, key):
    """The non-missing values of ``key`` in ``records``, in order."""
    return [r[key] for r in records if r.get(key) is not None]


def median_spread(values):
    """(median, min, max) of ``values``; (None, None, None) when there are none."""
    if not values:
        return None, None, None
    return statistics.median(values), min(values), max(values)


def mean_sd(values):
    """(mean, sample standard deviation) of ``values``; sd is None for fewer than 2 values."""
    if not values:
        return None, None
    sd = statistics.stdev(values) if len(values) > 1 else None
    return statistics.fmean(values), sd


def paired_ratios(reference, runs, key, pair_on):
    """reference[key] / run[key] for every run that has a reference run with the same ``pair_on``.

    ``pair_on`` names the fields that pair two runs (e.g. the round and the
    seed), so each ratio compares runs made next to each other.
    """
    ref = {tuple(r[f] for f in pair_on): r[key] for r in reference if r.get(key)}
    ratios = []
    for run in runs:
        mate = ref.get(tuple(run[f] for f in pair_on))
        if mate and run.get(key):
            ratios.append(mate / run[key])
    return ratios
