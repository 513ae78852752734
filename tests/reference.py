"""Plain-NumPy twins of numbaw2v's kernels and layers, for the tests and benchmarks.

The twins are written for obviousness, not speed: Python loops for
scatter-adds and sampling, the book's chapter-4 algorithms step by step,
dense Adam. Each numbaw2v kernel or layer must agree with its twin.
"""
import math

import numpy as np

MASK64 = (1 << 64) - 1


# ---- rng twins (numbaw2v.kernels.rng), on Python integers ----

def ref_splitmix64(x):
    z = (x + 0x9E3779B97F4A7C15) & MASK64
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK64
    return z ^ (z >> 31)


def ref_seed_states(seed, n):
    out, x = [], seed & MASK64
    for i in range(n):
        x = ref_splitmix64((x + i) & MASK64)
        out.append(x if x else 0x9E3779B97F4A7C15)
    return out


def ref_next_state(s):
    s ^= (s << 13) & MASK64
    s ^= s >> 7
    s ^= (s << 17) & MASK64
    return s


def ref_output(s):
    return (s * 0x2545F4914F6CDD1D) & MASK64


def ref_uniform(s):
    return (ref_output(s) >> 11) / 2.0 ** 53


def ref_below(s, n):
    return ((ref_output(s) >> 32) * n) >> 32


def ref_split_draw(s, n):
    r = ref_output(s)
    return ((r >> 32) * n) >> 32, (r & 0xFFFFFFFF) / 2.0 ** 32


# ---- alias twins (numbaw2v.kernels.alias) ----

def ref_build_alias(weights):
    """Vose's alias method, written out with Python lists."""
    w = [float(x) for x in weights]
    n, total = len(w), sum(w)
    scaled = [x * n / total for x in w]
    prob, alias = [1.0] * n, list(range(n))
    small = [i for i in range(n) if scaled[i] < 1.0]
    large = [i for i in range(n) if scaled[i] >= 1.0]
    while small and large:
        s, big = small.pop(), large[-1]
        prob[s], alias[s] = scaled[s], big
        scaled[big] = scaled[big] + scaled[s] - 1.0
        if scaled[big] < 1.0:
            small.append(large.pop())
    for i in small + large:
        prob[i] = 1.0 if w[i] > 0 else 0.0
        if w[i] == 0:
            alias[i] = int(np.argmax(w))
    return np.array(prob), np.array(alias, dtype=np.int32)


def ref_alias_probabilities(prob, alias):
    """The distribution a (prob, alias) table encodes, summed column by column."""
    n = len(prob)
    p = [0.0] * n
    for i in range(n):
        p[i] += prob[i] / n
        p[int(alias[i])] += (1.0 - prob[i]) / n
    return np.array(p)


def ref_alias_sample(prob, alias, n, state):
    """The kernel's draws, replayed on Python integers; returns (draws, new state)."""
    out, s = [], int(state)
    for _ in range(n):
        s = ref_next_state(s)
        i, u = ref_split_draw(s, len(prob))
        out.append(i if u < prob[i] else int(alias[i]))
    return np.array(out, dtype=np.int32), s


# ---- embedding kernel twins (numbaw2v.kernels.embed) ----

def ref_gather(W, ids):
    ids = np.asarray(ids)
    out = np.empty(ids.shape + (W.shape[1],), dtype=W.dtype)
    for pos in np.ndindex(*ids.shape):
        out[pos] = W[ids[pos]]
    return out


def ref_scatter_add(dW, ids, dout):
    ids = np.asarray(ids)
    for pos in np.ndindex(*ids.shape):
        dW[ids[pos]] += dout[pos]


def ref_sum_rows_by_id(ids, rows):
    """ids (n, c), rows (n, d): every ids[r, k] receives rows[r]; sums per distinct id."""
    ids = np.asarray(ids)
    sums = {}
    for r in range(ids.shape[0]):
        for k in range(ids.shape[1]):
            i = int(ids[r, k])
            sums[i] = sums.get(i, 0) + rows[r].astype(np.float64)
    keys = sorted(sums)
    summed = np.array([sums[k] for k in keys]).reshape(len(keys), rows.shape[1])
    return np.array(keys, dtype=np.int64), summed


def ref_gather_dot(W, ids, h):
    rows = W[ids]
    return rows, np.sum(rows.astype(np.float64) * h, axis=1)


# ---- loss kernel twins (numbaw2v.kernels.loss) ----

def ref_sigmoid_bce(scores, labels):
    x = np.asarray(scores, dtype=np.float64)
    t = np.asarray(labels, dtype=np.float64)
    loss = np.logaddexp(0.0, x) - x * t
    sig = np.exp(-np.logaddexp(0.0, -x))
    return float(loss.mean()), (sig - t) / x.size


def ref_ns_forward(W, ids, h):
    """Score layer i scores W[ids[i]] against h with label 1 for i = 0, else 0."""
    scores, losses, dscores = [], [], []
    for i in range(ids.shape[0]):
        x = np.sum(W[ids[i]].astype(np.float64) * h, axis=1)
        labels = np.full(x.shape, 1.0 if i == 0 else 0.0)
        loss, dx = ref_sigmoid_bce(x, labels)
        scores.append(x)
        losses.append(loss)
        dscores.append(dx)
    return np.array(scores), np.array(losses), np.array(dscores)


def ref_ns_backward(dscores, h, W, ids):
    """dh summed over the score layers, and each layer's row gradients dscore * h."""
    dh = np.zeros(h.shape)
    drows = np.empty(ids.shape + (h.shape[1],))
    for i in range(ids.shape[0]):
        dh += dscores[i][:, None] * W[ids[i]]
        drows[i] = dscores[i][:, None] * h
    return dh, drows


# ---- optimizer kernel twins (numbaw2v.kernels.optim) ----

def ref_rows_problem(rows, n):
    """0: strictly increasing ids in [0, n); 1: an id out of range; 2: not increasing."""
    for k, r in enumerate(rows):
        if not 0 <= r < n:
            return 1
        if k and r <= rows[k - 1]:
            return 2
    return 0


def ref_sgd_rows(W, rows, grad, lr):
    for k, i in enumerate(rows):
        W[i] -= lr * grad[k]


def ref_adam_step(p, m, v, g, lr_t, a1, a2, eps):
    """One Adam step on flat arrays, in place (a1 = 1 - beta1, a2 = 1 - beta2)."""
    m += a1 * (g - m)
    v += a2 * (g * g - v)
    p -= lr_t * m / (np.sqrt(v) + eps)


def ref_adam_rows(W, mv, rows, grad, lr_t, a1, a2, eps):
    for k, i in enumerate(rows):
        ref_adam_step(W[i], mv[i, 0], mv[i, 1], grad[k], lr_t, a1, a2, eps)


# ---- the book's chapter-4 layers ----

class RefEmbedding:
    def __init__(self, W):
        self.params = [W]
        self.grads = [np.zeros_like(W)]
        self.idx = None

    def forward(self, idx):
        W, = self.params
        self.idx = idx
        return W[idx]

    def backward(self, dout):
        dW, = self.grads
        dW[...] = 0
        for k, word_id in enumerate(self.idx):
            dW[word_id] += dout[k]
        return None


class RefEmbeddingDot:
    def __init__(self, W):
        self.embed = RefEmbedding(W)
        self.params = self.embed.params
        self.grads = self.embed.grads
        self.cache = None

    def forward(self, h, idx):
        target_W = self.embed.forward(idx)
        out = np.sum(target_W * h, axis=1)
        self.cache = (h, target_W)
        return out

    def backward(self, dout):
        h, target_W = self.cache
        dout = dout.reshape(dout.shape[0], 1)
        self.embed.backward(dout * h)
        return dout * target_W


class RefSigmoidWithLoss:
    """The book's layer, with the stable BCE in place of log(y + 1e-7)."""

    def __init__(self):
        self.params, self.grads = [], []
        self.y = self.t = self.loss = None

    def forward(self, x, t):
        self.t = t
        self.y = 1.0 / (1.0 + np.exp(-x))
        self.loss = float(np.mean(np.logaddexp(0.0, x) - x * t))
        return self.loss

    def backward(self, dout=1):
        batch_size = self.t.shape[0]
        return (self.y - self.t) * dout / batch_size


class RefUnigramSampler:
    """Per-row sampling with replacement from counts**power, the target's p set to 0."""

    def __init__(self, corpus, power, sample_size, rng=None):
        self.sample_size = sample_size
        counts = np.bincount(np.asarray(corpus))
        self.vocab_size = len(counts)
        self.word_p = counts.astype(np.float64) ** power
        self.word_p /= self.word_p.sum()
        self.rng = rng if rng is not None else np.random.default_rng(0)

    def get_negative_sample(self, target):
        out = np.zeros((target.shape[0], self.sample_size), dtype=np.int32)
        for i in range(target.shape[0]):
            p = self.word_p.copy()
            p[target[i]] = 0
            p /= p.sum()
            out[i, :] = self.rng.choice(self.vocab_size, size=self.sample_size, p=p)
        return out


class FixedSampler:
    """Returns preset negatives: makes two models (or two forward passes) comparable."""

    def __init__(self, negatives):
        self.negatives = np.asarray(negatives)

    def get_negative_sample(self, target):
        return self.negatives[:len(target)]


class RefNegativeSamplingLoss:
    def __init__(self, W, sampler, sample_size=5):
        self.sample_size = sample_size
        self.sampler = sampler
        self.loss_layers = [RefSigmoidWithLoss() for _ in range(sample_size + 1)]
        self.embed_dot_layers = [RefEmbeddingDot(W) for _ in range(sample_size + 1)]
        self.params, self.grads = [], []
        for layer in self.embed_dot_layers:
            self.params += layer.params
            self.grads += layer.grads

    def forward(self, h, target):
        batch_size = target.shape[0]
        negative_sample = self.sampler.get_negative_sample(target)
        score = self.embed_dot_layers[0].forward(h, target)
        loss = self.loss_layers[0].forward(score, np.ones(batch_size, dtype=np.int32))
        zeros = np.zeros(batch_size, dtype=np.int32)
        for i in range(self.sample_size):
            score = self.embed_dot_layers[1 + i].forward(h, negative_sample[:, i])
            loss += self.loss_layers[1 + i].forward(score, zeros)
        return loss

    def backward(self, dout=1):
        dh = 0
        for l0, l1 in zip(self.loss_layers, self.embed_dot_layers):
            dh += l1.backward(l0.backward(dout))
        return dh


class RefCBOW:
    def __init__(self, W_in, W_out, window_size, sampler, sample_size=5):
        self.in_layers = [RefEmbedding(W_in) for _ in range(2 * window_size)]
        self.ns_loss = RefNegativeSamplingLoss(W_out, sampler, sample_size)
        self.params, self.grads = [], []
        for layer in self.in_layers + [self.ns_loss]:
            self.params += layer.params
            self.grads += layer.grads
        self.word_vecs = W_in

    def forward(self, contexts, target):
        h = 0
        for i, layer in enumerate(self.in_layers):
            h += layer.forward(contexts[:, i])
        h *= 1 / len(self.in_layers)
        return self.ns_loss.forward(h, target)

    def backward(self, dout=1):
        dout = self.ns_loss.backward(dout)
        dout *= 1 / len(self.in_layers)
        for layer in self.in_layers:
            layer.backward(dout)
        return None


class RefSkipGram:
    def __init__(self, W_in, W_out, window_size, sampler, sample_size=5):
        self.in_layer = RefEmbedding(W_in)
        self.loss_layers = [RefNegativeSamplingLoss(W_out, sampler, sample_size)
                            for _ in range(2 * window_size)]
        self.params, self.grads = [], []
        for layer in [self.in_layer] + self.loss_layers:
            self.params += layer.params
            self.grads += layer.grads
        self.word_vecs = W_in

    def forward(self, contexts, target):
        h = self.in_layer.forward(target)
        loss = 0
        for i, layer in enumerate(self.loss_layers):
            loss += layer.forward(h, contexts[:, i])
        return loss

    def backward(self, dout=1):
        dh = 0
        for layer in self.loss_layers:
            dh += layer.backward(dout)
        self.in_layer.backward(dh)
        return None


# ---- the book's optimizers and trainer helpers ----

class RefSGD:
    def __init__(self, lr=0.01):
        self.lr = lr

    def update(self, params, grads):
        for i in range(len(params)):
            params[i] -= self.lr * grads[i]


class RefAdam:
    def __init__(self, lr=0.001, beta1=0.9, beta2=0.999):
        self.lr, self.beta1, self.beta2 = lr, beta1, beta2
        self.iter = 0
        self.m = self.v = None

    def update(self, params, grads):
        if self.m is None:
            self.m = [np.zeros_like(p) for p in params]
            self.v = [np.zeros_like(p) for p in params]
        self.iter += 1
        lr_t = self.lr * np.sqrt(1.0 - self.beta2 ** self.iter) / (1.0 - self.beta1 ** self.iter)
        for i in range(len(params)):
            self.m[i] += (1 - self.beta1) * (grads[i] - self.m[i])
            self.v[i] += (1 - self.beta2) * (grads[i] ** 2 - self.v[i])
            params[i] -= lr_t * self.m[i] / (np.sqrt(self.v[i]) + 1e-7)


def ref_remove_duplicate(params, grads):
    """The book's rule: shared arrays appear once, with the sum of their grads."""
    params, grads = params[:], grads[:]
    while True:
        found = False
        for i in range(len(params) - 1):
            for j in range(i + 1, len(params)):
                if params[i] is params[j]:
                    grads[i] += grads[j]
                    found = True
                    params.pop(j)
                    grads.pop(j)
                    break
            if found:
                break
        if not found:
            return params, grads


def ref_create_contexts_target(corpus, window_size=1):
    target = corpus[window_size:-window_size]
    contexts = []
    for idx in range(window_size, len(corpus) - window_size):
        contexts.append([corpus[idx + t] for t in range(-window_size, window_size + 1) if t])
    return np.array(contexts), np.array(target)


def ref_cos_similarity(x, y, eps=1e-8):
    nx = x / (np.sqrt(np.sum(x ** 2)) + eps)
    ny = y / (np.sqrt(np.sum(y ** 2)) + eps)
    return float(np.dot(nx, ny))


# ---- training-engine twins (added by the engine's author) ----

REF_MAX_EXP = 6.0
REF_SIGMOID_BINS = 1000


def ref_chunk_state(seed, epoch, chunk):
    """The generator state of one chunk of one epoch (numbaw2v.kernels.rng.chunk_state)."""
    inner = ref_splitmix64((epoch * 0x100000001B3 + chunk) & MASK64)
    s = ref_splitmix64((seed & MASK64) ^ inner)
    return s if s else 0x9E3779B97F4A7C15


def ref_alias_draw(prob, alias, s):
    i, u = ref_split_draw(s, len(prob))
    return i if u < prob[i] else int(alias[i])


def ref_sigmoid_grad(f, label, alpha):
    """alpha * (label - sigmoid(f)), sigmoid interpolated between 1001 exact values;
    0 when saturated."""
    if f >= REF_MAX_EXP or f <= -REF_MAX_EXP:
        return 0.0
    per_bin = REF_SIGMOID_BINS / (2 * REF_MAX_EXP)
    x = (f + REF_MAX_EXP) * per_bin
    b = int(x)
    lo = 1.0 / (1.0 + np.exp(-(b / per_bin - REF_MAX_EXP)))
    hi = 1.0 / (1.0 + np.exp(-((b + 1) / per_bin - REF_MAX_EXP)))
    return (label - (lo + (x - b) * (hi - lo))) * alpha


def ref_cbow_word(W_in, W_out, buf, i, w, negs, alpha, cbow_mean):
    """One CBOW step, written out: mean (or sum) of the context rows predicts buf[i].

    Each target's score is computed before the previous target's update is
    applied (the kernel's one-pass order); the error reaches every context word.
    """
    word = buf[i]
    ctx = [buf[j] for j in range(max(0, i - w), min(len(buf), i + w + 1)) if j != i]
    if not ctx:
        return
    total = np.zeros(W_in.shape[1], dtype=np.float32)
    for c in ctx:
        total += W_in[c]
    inv = np.float32(1.0 / len(ctx))
    scale = inv if cbow_mean else np.float32(1.0)
    err = np.zeros_like(total)
    pending = None
    for target, label in [(word, 1.0)] + [(x, 0.0) for x in negs if x != word]:
        f = float(np.float32(np.dot(total, W_out[target])) * scale)
        if pending is not None:
            prev, g = pending
            err += g * W_out[prev]
            W_out[prev] += (g * scale) * total
        pending = (target, np.float32(ref_sigmoid_grad(f, label, alpha)))
    prev, g = pending
    err += g * W_out[prev]
    W_out[prev] += (g * scale) * total
    share = np.float32(1.0) if cbow_mean else inv
    for c in ctx:
        W_in[c] += err * share


def ref_skipgram_pairs(W_in, W_out, buf, i, w, prob, alias, negative, alpha, s):
    """Skip-gram, classic: every context word predicts buf[i] with its own negatives."""
    word = buf[i]
    for j in range(max(0, i - w), min(len(buf), i + w + 1)):
        if j == i:
            continue
        c = buf[j]
        err = np.zeros(W_in.shape[1], dtype=np.float32)
        targets = [(word, 1.0)]
        for _ in range(negative):
            s = ref_next_state(s)
            x = ref_alias_draw(prob, alias, s)
            if x != word:
                targets.append((x, 0.0))
        for target, label in targets:
            g = np.float32(ref_sigmoid_grad(float(np.dot(W_in[c], W_out[target])), label, alpha))
            err += g * W_out[target]
            W_out[target] += g * W_in[c]
        W_in[c] += err
    return s


def ref_skipgram_shared(W_in, W_out, buf, i, w, negs, alpha):
    """Skip-gram with one set of negatives per window, all gradients from the old weights."""
    word = buf[i]
    ctx = [buf[j] for j in range(max(0, i - w), min(len(buf), i + w + 1)) if j != i]
    targets = [word] + [x for x in negs if x != word]
    labels = [1.0] + [0.0] * (len(targets) - 1)
    old_in = {c: W_in[c].copy() for c in ctx}
    old_out = {t: W_out[t].copy() for t in targets}
    G = np.zeros((len(ctx), len(targets)), dtype=np.float32)
    for a, c in enumerate(ctx):
        for b, t in enumerate(targets):
            G[a, b] = ref_sigmoid_grad(float(np.dot(old_in[c], old_out[t])), labels[b], alpha)
    for b, t in enumerate(targets):
        for a, c in enumerate(ctx):
            W_out[t] += G[a, b] * old_in[c]
    for a, c in enumerate(ctx):
        W_in[c] += sum((G[a, b] * old_out[t] for b, t in enumerate(targets)),
                       np.zeros(W_in.shape[1], dtype=np.float32))


def _ref_draws(prob, alias, negative):
    """draw(s) -> (negative ids drawn from the alias table, new state)."""
    def draw(s):
        out = []
        for _ in range(negative):
            s = ref_next_state(s)
            out.append(ref_alias_draw(prob, alias, s))
        return out, s
    return draw


def _ref_chunk_loop(corpus, sentence_ends, start, stop, keep_prob, draw, ahead, window,
                    shrink, alpha, min_alpha, done_before, total, s, train_word):
    """The chunk loop of the engine, written out; ``train_word(buf, i, w, negs, a, s)``
    trains one centre word and returns the state. Returns (trained words, state)."""
    si = int(np.searchsorted(sentence_ends, start, side="right"))
    pos, trained = start, 0
    slope = (alpha - min_alpha) / total
    negs = None
    while pos < stop:
        seg_stop = min(int(sentence_ends[si]), stop)
        buf = []
        for p in range(pos, seg_stop):
            wd = int(corpus[p])
            if keep_prob[wd] < 1.0:
                s = ref_next_state(s)
                if keep_prob[wd] < ref_uniform(s):
                    continue
            buf.append(wd)
        n = len(buf)
        scale = (seg_stop - pos) / max(n, 1)
        if ahead and n:
            nxt, s = draw(s)
        for i in range(n):
            a = max(min_alpha, alpha - slope * (done_before + (pos - start) + i * scale))
            w = window
            if shrink:
                s = ref_next_state(s)
                w = window - ref_below(s, window)
            if ahead:
                negs = nxt
                if i + 1 < n:
                    nxt, s = draw(s)
            s = train_word(buf, i, w, negs, a, s)
        trained += n
        pos = seg_stop
        si += 1
    return trained, s


def ref_train_chunk(W_in, W_out, corpus, sentence_ends, start, stop, keep_prob, prob, alias,
                    sg, shared, cbow_mean, window, shrink, negative, alpha, min_alpha,
                    done_before, total, s):
    """Train positions [start, stop) one word at a time; returns (trained words, state).

    Mirrors numbaw2v.kernels.train's chunk loop: subsampling per sentence
    piece, per-word window shrink, negatives drawn one word ahead for CBOW
    and shared-negative skip-gram, learning rate by position in the run.
    """
    def train_word(buf, i, w, negs, a, s):
        if not sg:
            ref_cbow_word(W_in, W_out, buf, i, w, negs, a, cbow_mean)
        elif shared:
            ref_skipgram_shared(W_in, W_out, buf, i, w, negs, a)
        else:
            s = ref_skipgram_pairs(W_in, W_out, buf, i, w, prob, alias, negative, a, s)
        return s

    return _ref_chunk_loop(corpus, sentence_ends, start, stop, keep_prob,
                           _ref_draws(prob, alias, negative), (not sg) or shared, window,
                           shrink, alpha, min_alpha, done_before, total, s, train_word)


def ref_train(W_in, W_out, corpus, sentence_ends, chunk_size, keep_prob, prob, alias, sg,
              shared, cbow_mean, window, shrink, negative, alpha, min_alpha, epochs, seed):
    """A whole run on one thread: epochs x chunks in order, as numbaw2v does with workers=1."""
    n = len(corpus)
    total = float(max(n * epochs, 1))
    trained = 0
    for epoch in range(epochs):
        for c in range(-(-n // chunk_size)):
            start, stop = c * chunk_size, min((c + 1) * chunk_size, n)
            t, _ = ref_train_chunk(W_in, W_out, corpus, sentence_ends, start, stop, keep_prob,
                                   prob, alias, sg, shared, cbow_mean, window, shrink, negative,
                                   alpha, min_alpha, epoch * n + start, total,
                                   ref_chunk_state(seed, epoch, c))
            trained += t
    return trained


GOLDEN_SQUARED = (3 + 5 ** 0.5) / 2          # phi ** 2 = phi + 1


def ref_keep_probabilities(counts, sample, total=None):
    """Subsampling keep-probabilities (numbaw2v.vocab.keep_probabilities), one word at a time.

    ``sample`` 0 (or below) keeps every word. Otherwise it sets a threshold count t:
    below 1 a share of the corpus, t = sample * total (``total``: the sum of the
    counts unless given); from 1 on an absolute count, t = floor(sample * phi**2)
    (infinite when sample * phi**2 passes the largest float).
    A word seen c times is kept with (sqrt(c / t) + 1) * t / c, at most 1; a word
    never seen (c = 0), or any word when t is 0, is kept.
    """
    total = float(sum(counts)) if total is None else float(total)
    if sample <= 0:
        return np.ones(len(counts))
    if sample < 1:
        t = sample * total
    else:
        t = sample * GOLDEN_SQUARED
        t = float(math.floor(t)) if math.isfinite(t) else math.inf
    out = []
    for c in counts:
        c = float(c)
        if c == 0 or t == 0:
            out.append(1.0)
        else:
            out.append(min(1.0, (math.sqrt(c / t) + 1.0) * t / c))
    return np.array(out)


def ref_tokenize(data):
    """Whitespace tokens of bytes, first-seen type ids, and per-line token counts."""
    index, ids = {}, []
    for tok in data.split():
        ids.append(index.setdefault(tok, len(index)))
    lines = [len(line.split()) for line in data.split(b"\n")]
    return list(index), np.array(ids, dtype=np.int64), lines


# ---- hierarchical softmax and lock factors (added by the hs helper) ----

class _ByCount:
    """A heap item that compares by count alone, so heapq breaks ties by its own sift order."""

    __slots__ = ("count", "node")

    def __init__(self, count, node):
        self.count, self.node = count, node

    def __lt__(self, other):
        return self.count < other.count


def ref_huffman(counts):
    """Per word, (code list, point list) from the root, built with heapq and a parent walk.

    Merge i joins the two lightest nodes (first popped: bit 0, second: bit 1) into node
    V + i, whose point is i.
    """
    import heapq
    V = len(counts)
    heap = [_ByCount(int(c), i) for i, c in enumerate(counts)]
    heapq.heapify(heap)
    parent, bit = {}, {}
    for i in range(V - 1):
        a, b = heapq.heappop(heap), heapq.heappop(heap)
        parent[a.node], bit[a.node] = V + i, 0
        parent[b.node], bit[b.node] = V + i, 1
        heapq.heappush(heap, _ByCount(a.count + b.count, V + i))
    paths = []
    for w in range(V):
        code, point, node = [], [], w
        while node in parent:
            code.append(bit[node])
            point.append(parent[node] - V)
            node = parent[node]
        paths.append((code[::-1], point[::-1]))
    return paths


def ref_huffman_cost(counts):
    """The optimal sum of count x code length (any Huffman tree has it): the sum of merges."""
    import heapq
    heap = [int(c) for c in counts]
    heapq.heapify(heap)
    cost = 0
    while len(heap) > 1:
        a, b = heapq.heappop(heap), heapq.heappop(heap)
        cost += a + b
        heapq.heappush(heap, a + b)
    return cost


def ref_hs_update(h, scale, syn1, code, point, alpha):
    """Twin of kernels.hs.hs_update on float32 arrays; returns the input error (syn1 updated)."""
    err = np.zeros(h.shape[0], dtype=np.float32)
    for bit, node in zip(code, point):
        f = float(np.float32(np.dot(h, syn1[node])) * np.float32(scale))
        g = np.float32(ref_sigmoid_grad(f, 1.0 - bit, alpha))
        err += g * syn1[node]
        syn1[node] += (g * np.float32(scale)) * h
    return err


def ref_hs_loss(h, scale, syn1, code, point):
    """-log P(word | h) along its path, in float64: sum of log(1 + exp(-+f))."""
    total = 0.0
    for bit, node in zip(code, point):
        f = scale * float(np.dot(np.asarray(h, np.float64), np.asarray(syn1[node], np.float64)))
        x = f if bit == 0 else -f
        total += float(np.logaddexp(0.0, -x))
    return total


def ref_score_sentence(W_in, syn1, paths, ids, window, sg, cbow_mean):
    """gensim's score_sentence_sg / _cbow meaning, exact log-sigmoids; ids -1 are dropped."""
    kept = [int(x) for x in ids if x >= 0]
    total = 0.0
    for i, word in enumerate(kept):
        code, point = paths[word]
        if not code:
            continue
        ctx = [kept[j] for j in range(max(0, i - window), min(len(kept), i + window + 1))
               if j != i and paths[kept[j]][0]]
        if sg:
            for c in ctx:
                total -= ref_hs_loss(W_in[c], 1.0, syn1, code, point)
        else:
            h = np.zeros(W_in.shape[1], dtype=np.float64)
            for c in ctx:
                h += W_in[c]
            scale = 1.0 / len(ctx) if cbow_mean and ctx else 1.0
            total -= ref_hs_loss(h, scale, syn1, code, point)
    return total


def _ref_ns_targets(word, negs):
    return [(word, 1.0)] + [(x, 0.0) for x in negs if x != word]


def ref_cbow_word_hs(W_in, W_out, W_hs, paths, lockf, buf, i, w, negs, alpha, cbow_mean,
                     negative, hs):
    """CBOW with hs (the centre word's path) then negative sampling, one input error;
    every context row moves by error x share x lockf[row]."""
    word = buf[i]
    ctx = [buf[j] for j in range(max(0, i - w), min(len(buf), i + w + 1)) if j != i]
    if not ctx:
        return
    total = np.zeros(W_in.shape[1], dtype=np.float32)
    for c in ctx:
        total += W_in[c]
    inv = np.float32(1.0 / len(ctx))
    scale = inv if cbow_mean else np.float32(1.0)
    err = np.zeros_like(total)
    if hs:
        code, point = paths[word]
        err += ref_hs_update(total, scale, W_hs, code, point, alpha)
    if negative:
        pending = None
        for target, label in _ref_ns_targets(word, negs):
            f = float(np.float32(np.dot(total, W_out[target])) * scale)
            if pending is not None:
                prev, g = pending
                err += g * W_out[prev]
                W_out[prev] += (g * scale) * total
            pending = (target, np.float32(ref_sigmoid_grad(f, label, alpha)))
        prev, g = pending
        err += g * W_out[prev]
        W_out[prev] += (g * scale) * total
    share = np.float32(1.0) if cbow_mean else inv
    for c in ctx:
        W_in[c] += err * (share * np.float32(lockf[c]))


def ref_skipgram_pairs_hs(W_in, W_out, W_hs, paths, lockf, buf, i, w, prob, alias, negative,
                          hs, alpha, s):
    """Skip-gram, classic, with hs: each context row trains the centre word's path, then
    the centre word and fresh negatives; the row moves by its error x lockf."""
    word = buf[i]
    for j in range(max(0, i - w), min(len(buf), i + w + 1)):
        if j == i:
            continue
        c = buf[j]
        err = np.zeros(W_in.shape[1], dtype=np.float32)
        if hs:
            code, point = paths[word]
            err += ref_hs_update(W_in[c].copy(), 1.0, W_hs, code, point, alpha)
        if negative:
            targets = [(word, 1.0)]
            for _ in range(negative):
                s = ref_next_state(s)
                x = ref_alias_draw(prob, alias, s)
                if x != word:
                    targets.append((x, 0.0))
            for target, label in targets:
                g = np.float32(ref_sigmoid_grad(float(np.dot(W_in[c], W_out[target])), label,
                                                alpha))
                err += g * W_out[target]
                W_out[target] += g * W_in[c]
        W_in[c] += err * np.float32(lockf[c])
    return s


def ref_skipgram_shared_hs(W_in, W_out, W_hs, paths, lockf, buf, i, w, negs, negative, hs,
                           alpha):
    """Skip-gram with shared negatives and hs: hs per context row (in order), the negative
    part from the weights before this window; the rows move by error x lockf."""
    word = buf[i]
    ctx = [buf[j] for j in range(max(0, i - w), min(len(buf), i + w + 1)) if j != i]
    targets = [word] + [x for x in negs if x != word] if negative else []
    labels = [1.0] + [0.0] * (len(targets) - 1)
    old_in = {c: W_in[c].copy() for c in ctx}
    old_out = {t: W_out[t].copy() for t in targets}
    errs = [np.zeros(W_in.shape[1], dtype=np.float32) for _ in ctx]
    if hs:
        code, point = paths[word]
        for a, c in enumerate(ctx):
            errs[a] += ref_hs_update(old_in[c], 1.0, W_hs, code, point, alpha)
    G = np.zeros((len(ctx), len(targets)), dtype=np.float32)
    for a, c in enumerate(ctx):
        for b, t in enumerate(targets):
            G[a, b] = ref_sigmoid_grad(float(np.dot(old_in[c], old_out[t])), labels[b], alpha)
        for b, t in enumerate(targets):
            errs[a] += G[a, b] * old_out[t]
    for b, t in enumerate(targets):
        for a, c in enumerate(ctx):
            W_out[t] += G[a, b] * old_in[c]
    for a, c in enumerate(ctx):
        W_in[c] += errs[a] * np.float32(lockf[c])


def ref_train_hs(W_in, W_out, W_hs, paths, lockf, corpus, sentence_ends, chunk_size, keep_prob,
                 prob, alias, sg, shared, cbow_mean, window, shrink, negative, hs, alpha,
                 min_alpha, epochs, seed):
    """ref_train with hierarchical softmax and lock factors (same random draws)."""
    n = len(corpus)
    total = float(max(n * epochs, 1))
    trained = 0

    def train_word(buf, i, w, negs, a, s):
        if not sg:
            ref_cbow_word_hs(W_in, W_out, W_hs, paths, lockf, buf, i, w, negs, a, cbow_mean,
                             negative, hs)
        elif shared:
            ref_skipgram_shared_hs(W_in, W_out, W_hs, paths, lockf, buf, i, w, negs, negative,
                                   hs, a)
        else:
            s = ref_skipgram_pairs_hs(W_in, W_out, W_hs, paths, lockf, buf, i, w, prob, alias,
                                      negative, hs, a, s)
        return s

    draw = _ref_draws(prob, alias, negative)
    for epoch in range(epochs):
        for chunk in range(-(-n // chunk_size)):
            start, stop = chunk * chunk_size, min((chunk + 1) * chunk_size, n)
            t, _ = _ref_chunk_loop(corpus, sentence_ends, start, stop, keep_prob, draw,
                                   (not sg) or shared, window, shrink, alpha, min_alpha,
                                   epoch * n + start, total, ref_chunk_state(seed, epoch, chunk),
                                   train_word)
            trained += t
    return trained


# ---- vocabulary twins (numbaw2v.kernels.vocab and numbaw2v.vocab) ----

def ref_pruned_scan(sentences, max_vocab_size, trim_rule=None):
    """Word counts of a sentence-by-sentence scan into a dict that forgets rare words.

    After each sentence that leaves more than ``max_vocab_size`` words in the dict,
    every word counted fewer than ``threshold`` times (a rule may overrule that) is
    deleted, and the threshold, starting at 1, goes up by one. Returns the dict, whose
    order is the order in which the surviving words (re-)entered it.
    """
    counts, threshold = {}, 1
    for sentence in sentences:
        for word in sentence:
            counts[word] = counts.get(word, 0) + 1
        if max_vocab_size and len(counts) > max_vocab_size:
            for word in list(counts):
                keep = counts[word] >= threshold
                if trim_rule is not None:
                    verdict = trim_rule(word, counts[word], threshold)
                    keep = True if verdict == 2 else False if verdict == 1 else keep
                if not keep:
                    del counts[word]
            threshold += 1
    return counts


def ref_first_seen_order(blocks, n_types):
    """Twin of vocab.first_seen_order (and kernels.vocab.first_positions): (each type's
    first position in the blocks, read as one stream, or None; the types in the order
    they first occur, then the types never seen in index order)."""
    first = {}
    stream = [int(t) for block in blocks for t in block]
    for pos, t in enumerate(stream):
        if t not in first:
            first[t] = pos
    positions = [first.get(t) for t in range(n_types)]
    return positions, list(first) + [t for t in range(n_types) if t not in first]


def ref_changed_rows(W, before):
    """Twin of kernels.delta.changed_rows: (rows, W[rows] - before[rows]) of differing rows."""
    rows = np.flatnonzero((W != before).any(axis=1))
    return rows, W[rows] - before[rows]


def ref_pack_int16(values):
    """Twin of kernels.delta.pack_int16: (q int16, scale float32) per row; a row with an
    entry that is not finite or beyond 3e38 gets a NaN scale and zeros."""
    values = np.asarray(values, dtype=np.float32)
    ok = np.abs(values) <= np.float32(3.0e38)           # False for inf and NaN too
    finite = ok.all(axis=1)
    m = np.where(finite, np.abs(np.where(ok, values, 0)).max(axis=1, initial=0),
                 np.nan).astype(np.float32)
    m = np.where(m == 0, np.float32(1), m).astype(np.float32)
    f = (np.float32(32767.0) / np.where(finite, m, 1)).astype(np.float32)
    q = np.floor(np.where(finite[:, None], values, 0) * f[:, None] + np.float32(0.5))
    q = q.astype(np.int16)
    return q, m


def ref_unpack_int16(q, scale):
    """Twin of kernels.delta.unpack_int16."""
    f = (scale / np.float32(32767.0)).astype(np.float32)
    return q.astype(np.float32) * f[:, None]
