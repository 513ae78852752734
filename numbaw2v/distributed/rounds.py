"""The schedule of synchronous rounds: which chunks each partition trains in each round.

Partition ``p`` holds ``n[p]`` encoded words. The run's chunk length is the one a
single machine would use for the whole corpus (``chunk_size_for(N)``). Partition
``p``'s words sit at a chunk-aligned offset ``A[p]`` of one global coordinate, so
every chunk of the run has its own global number and thus its own random stream
``chunk_state(seed, epoch, chunk)``: the draws (subsampling, windows, negatives)
depend on the seed and the sharding only, never on which worker runs a task.

An epoch is ``K = ceil(N / round_words)`` rounds; in round ``r`` partition ``p``
trains its local chunks ``[r*C[p]//K, (r+1)*C[p]//K)``, so all partitions move
through their words at the same pace. The learning rate follows the whole run:
a word trained in round ``r`` of epoch ``e`` sits at run position
``e*N + G[r] + (its offset in the partition's slice)``, where ``G[r]`` is the
words all partitions trained in the rounds before ``r`` of the epoch.
"""
from dataclasses import dataclass

from ..training import chunk_size_for


def rounds_per_epoch(sizes, round_words):
    """K: the rounds of one epoch over partitions of ``sizes`` words.

    ``ceil(N / round_words)``, but no more than the chunks of the largest
    partition (a round trains whole chunks: past that, rounds would be empty),
    and at least 1.
    """
    sizes = [int(s) for s in sizes]
    n_words = sum(sizes)
    chunk = chunk_size_for(n_words)
    most_chunks = max((-(-s // chunk) for s in sizes), default=0)
    return max(1, min(-(-n_words // max(int(round_words), 1)), most_chunks))


@dataclass(frozen=True)
class Slice:
    """One partition's work in one round (chunks are partition-local)."""
    part: int
    epoch: int
    first_chunk: int          # global chunk numbers: offset_chunks + local
    stop_chunk: int
    lo: int                   # partition-local word range of those chunks
    hi: int
    words_before: int         # what train_words needs so the kernel sees run positions


class Schedule:
    """Rounds of a run over partitions of ``sizes`` words, ``round_words`` words per round."""

    def __init__(self, sizes, epochs, round_words):
        self.sizes = [int(s) for s in sizes]
        self.n_words = sum(self.sizes)
        self.epochs = int(epochs)
        self.chunk = chunk_size_for(self.n_words)
        self.chunks = [-(-s // self.chunk) for s in self.sizes]
        self.offsets = []                  # chunk-aligned global offsets A[p]
        at = 0
        for c in self.chunks:
            self.offsets.append(at)
            at += c * self.chunk
        self.span = at                     # the global coordinate's length
        self.per_epoch = rounds_per_epoch(self.sizes, round_words)
        self.rounds = self.per_epoch * self.epochs
        self.total_words = float(max(self.n_words * self.epochs, 1))

    def _local(self, part, r):
        """Partition ``part``'s first local chunk in round ``r`` of an epoch."""
        return r * self.chunks[part] // self.per_epoch

    def _words_upto(self, part, r):
        return min(self.sizes[part], self._local(part, r) * self.chunk)

    def words_before_round(self, r):
        """G[r]: words of all partitions trained in rounds before ``r`` of an epoch."""
        return sum(self._words_upto(p, r) for p in range(len(self.sizes)))

    def slices(self, g):
        """The non-empty Slices of global round ``g``."""
        epoch, r = divmod(int(g), self.per_epoch)
        before = epoch * self.n_words + self.words_before_round(r)
        out = []
        for p in range(len(self.sizes)):
            a, b = self._local(p, r), self._local(p, r + 1)
            if b <= a:
                continue
            base_chunk = self.offsets[p] // self.chunk
            lo, hi = a * self.chunk, min(b * self.chunk, self.sizes[p])
            # the kernel's position of absolute word x is words_before + x; x = A[p] + lo
            # must map to ``before``
            out.append(Slice(p, epoch, base_chunk + a, base_chunk + b, lo, hi,
                             before - (self.offsets[p] + lo)))
        return out

    def raw_words(self, g):
        """Words all partitions pass over in global round ``g``."""
        return sum(s.hi - s.lo for s in self.slices(g))
