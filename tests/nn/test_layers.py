"""The torch layers of skhopfield.nn against plain reference implementations.

Each reference follows the thesis's listing in its plainest form: one input
item, one channel, one region at a time, iterating the *state*
ξ ← Pᵀ softmax(β P ξ) (the layers iterate logits, or a rescaled state). The
comparisons run in float64 with atol 1e-10.
"""

import math

import numpy as np
import pytest

torch = pytest.importorskip("torch", reason="skhopfield.nn needs PyTorch")

from torch.func import functional_call  # noqa: E402
from torch.nn import functional as F  # noqa: E402

from skhopfield.energy.modern import ModernHopfield  # noqa: E402
from skhopfield.nn import (  # noqa: E402
    VHNN,
    ConvHNN2d,
    DeepHNN,
    HopfieldLayer,
    HopfieldRetrieval,
)

F64 = torch.float64
ATOL = 1e-10


def hopfield_step(P, xi, beta):
    """One update ξ ← Pᵀ softmax(β P ξ) of one state (a vector)."""
    return P.T @ torch.softmax(beta * (P @ xi), dim=0)


def randomize(module, seed=0, scale=1.0):
    """Draw every parameter of ``module`` from N(0, scale²) (log-parameters
    around ln 0.5), so that no test depends on the initialization."""
    gen = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, param in module.named_parameters():
            draw = torch.randn(param.shape, generator=gen, dtype=F64)
            if name.startswith("log_"):
                draw = math.log(0.5) + 0.3 * draw
            else:
                draw = scale * draw
            param.copy_(draw)
    return module


def randn(*shape, seed=1, dtype=F64):
    gen = torch.Generator().manual_seed(seed)
    return torch.randn(*shape, generator=gen, dtype=dtype)


# -- references (Listings 4.1-4.3 of Magrini Alunno 2025, in state form) ----


def reference_deephnn(m, x):
    beta, P = m.log_beta.exp(), m.patterns
    out = torch.empty(x.shape[0], m.channels, m.features, dtype=x.dtype)
    for b in range(x.shape[0]):
        for c in range(m.channels):
            xi = x[b, c]
            for _ in range(m.iterations):
                xi = hopfield_step(P[c], xi, beta[c])
            logits = beta[c] * (P[c] @ xi)
            for f in range(m.features):
                out[b, c, f] = (
                    logits[f * m.depth : (f + 1) * m.depth].max() + m.bias[c, f]
                )
    return out


def _region(xp, b, i, j, m):
    (kh, kw), (sh, sw), (dh, dw) = m.kernel_size, m.stride, m.dilation
    return xp[
        b,
        :,
        i * sh : i * sh + dh * (kh - 1) + 1 : dh,
        j * sw : j * sw + dw * (kw - 1) + 1 : dw,
    ]


def reference_conv(m, x):
    beta = m.log_beta.exp()[0]
    P = m.patterns.reshape(m.out_channels, -1)
    (kh, kw), (sh, sw) = m.kernel_size, m.stride
    (ph, pw), (dh, dw) = m.padding, m.dilation
    xp = F.pad(x, (pw, pw, ph, ph))
    H = (xp.shape[2] - dh * (kh - 1) - 1) // sh + 1
    W = (xp.shape[3] - dw * (kw - 1) - 1) // sw + 1
    out = torch.empty(x.shape[0], m.out_channels, H, W, dtype=x.dtype)
    for b in range(x.shape[0]):
        for i in range(H):
            for j in range(W):
                xi = _region(xp, b, i, j, m).reshape(-1)
                for _ in range(m.iterations):
                    xi = hopfield_step(P, xi, beta)
                out[b, :, i, j] = beta * (P @ xi) + m.bias
    return out


def reference_recall(m, logits, output_size):
    P = m.patterns.reshape(m.out_channels, -1)
    (ph, pw) = m.padding
    H, W = output_size
    canvas = torch.zeros(
        logits.shape[0], m.in_channels, H + 2 * ph, W + 2 * pw, dtype=logits.dtype
    )
    for b in range(logits.shape[0]):
        for i in range(logits.shape[2]):
            for j in range(logits.shape[3]):
                patch = P.T @ torch.softmax(logits[b, :, i, j], dim=0)
                _region(canvas, b, i, j, m).add_(patch.view(m.patterns.shape[1:]))
    return canvas[:, :, ph : ph + H, pw : pw + W]


def reference_vhnn(m, x, eps=None):
    """Listing 4.3 per item and channel; ``eps[t]`` is the noise of step t."""
    beta, eta, P = m.log_beta.exp(), m.log_noise.exp(), m.patterns
    out = torch.empty_like(x)
    for b in range(x.shape[0]):
        for c in range(m.channels):
            xi = x[b, c]
            for t in range(m.iterations):
                p = torch.softmax(beta[c] * (P[c] @ xi), dim=0)
                if eps is not None:
                    p = p + eta[c] * torch.sqrt(p * (1 - p)) * eps[t][b, c]
                xi = P[c].T @ p
            out[b, c] = xi
    return out


def reference_retrieval(query, keys, values, beta, n_steps):
    """Per query: n_steps - 1 updates among the keys, the last onto values."""
    out = torch.empty(*query.shape[:-1], values.shape[-1], dtype=query.dtype)
    weights = torch.empty(*query.shape[:-1], keys.shape[-2], dtype=query.dtype)
    for q in range(query.shape[0]):
        xi = query[q]
        for _ in range(n_steps - 1):
            xi = hopfield_step(keys, xi, beta)
        weights[q] = torch.softmax(beta * (keys @ xi), dim=0)
        out[q] = values.T @ weights[q]
    return out, weights


# -- the layers equal their references --------------------------------------


@pytest.mark.parametrize("iterations", [0, 1, 3])
def test_deephnn_equals_listing(iterations):
    m = randomize(DeepHNN(3, 4, 2, 6, iterations=iterations, dtype=F64), scale=0.7)
    x = randn(5, 3, 6)
    with torch.no_grad():
        torch.testing.assert_close(m(x), reference_deephnn(m, x), rtol=0, atol=ATOL)


@pytest.mark.parametrize(
    "geometry",
    [
        dict(kernel_size=3),
        dict(kernel_size=(3, 2), stride=(2, 1), padding=(1, 0), dilation=(1, 2)),
        dict(kernel_size=2, stride=2, padding=1, dilation=2),
    ],
)
@pytest.mark.parametrize("iterations", [0, 2])
def test_conv_equals_listing(geometry, iterations):
    m = randomize(
        ConvHNN2d(2, 5, iterations=iterations, dtype=F64, **geometry), scale=0.6
    )
    x = randn(2, 2, 7, 6)
    with torch.no_grad():
        logits = m(x)
        torch.testing.assert_close(logits, reference_conv(m, x), rtol=0, atol=ATOL)
        # the recall, to the smallest image and (with a stride) a larger one
        sizes = [None]
        if max(m.stride) > 1:
            sizes.append((7, 6))
        for size in sizes:
            image = m.recall(logits, output_size=size)
            expected_size = size or image.shape[2:]
            torch.testing.assert_close(
                image, reference_recall(m, logits, expected_size), rtol=0, atol=ATOL
            )
            if size is not None:
                assert image.shape == (2, 2, *size)


@pytest.mark.parametrize("iterations", [1, 3])
def test_vhnn_equals_listing_without_noise(iterations):
    m = randomize(VHNN(2, 5, 7, iterations=iterations, dtype=F64), scale=0.8)
    x = randn(4, 2, 7)
    with torch.no_grad():
        expected = reference_vhnn(m, x)
        torch.testing.assert_close(m(x, noisy=False), expected, rtol=0, atol=ATOL)
        # evaluation mode is the noise-free mean update
        torch.testing.assert_close(m.eval()(x), expected, rtol=0, atol=ATOL)
        # one step is Pᵀ softmax(β P x)
        if iterations == 1:
            beta = m.log_beta.exp().view(1, -1, 1)
            overlaps = torch.einsum("cfn,bcn->bcf", m.patterns, x)
            weights = torch.softmax(beta * overlaps, dim=2)
            torch.testing.assert_close(
                m(x, noisy=False),
                torch.einsum("cfn,bcf->bcn", m.patterns, weights),
                rtol=0,
                atol=ATOL,
            )


@pytest.mark.parametrize("source", ["generator", "global seed"])
def test_vhnn_equals_listing_with_noise(source):
    m = randomize(VHNN(2, 5, 7, iterations=3, noise=0.3, dtype=F64), scale=0.8)
    x = randn(4, 2, 7)
    shape = (4, 2, 5)
    with torch.no_grad():
        if source == "generator":
            gen = torch.Generator().manual_seed(7)
            out = m(x, noisy=True, generator=gen)
            gen = torch.Generator().manual_seed(7)
            eps = [torch.randn(shape, generator=gen, dtype=F64) for _ in range(3)]
        else:
            torch.manual_seed(7)
            out = m.train()(x)  # training mode: noisy
            torch.manual_seed(7)
            eps = [torch.randn(shape, dtype=F64) for _ in range(3)]
        torch.testing.assert_close(out, reference_vhnn(m, x, eps), rtol=0, atol=ATOL)
        # the noise does change the states
        assert (out - reference_vhnn(m, x)).abs().max() > 1e-3


@pytest.mark.parametrize("fused", ["auto", True, False])
def test_hopfield_layer_equals_reference(fused):
    m = randomize(HopfieldLayer(6, 9, n_steps=3, fused=fused, dtype=F64))
    x = randn(2, 4, 6)
    with torch.no_grad():
        beta = m.log_beta.exp()
        expected = torch.empty_like(x)
        for a in range(2):
            expected[a] = reference_retrieval(x[a], m.patterns, m.patterns, beta, 3)[0]
        torch.testing.assert_close(m(x), expected, rtol=0, atol=ATOL)
        # a single vector
        torch.testing.assert_close(m(x[0, 0]), expected[0, 0], rtol=0, atol=ATOL)


@pytest.mark.parametrize("fused", ["auto", True, False])
@pytest.mark.parametrize("n_steps", [1, 2, 5])
def test_retrieval_equals_repeated_modern_hopfield_update(n_steps, fused):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(30, 16))
    Q = X[:8] + 0.5 * rng.normal(size=(8, 16))
    beta = 0.3
    expected = Q
    for _ in range(n_steps):
        expected = ModernHopfield(X, beta).update(expected)
    retrieve = HopfieldRetrieval(beta, n_steps=n_steps, fused=fused)
    states = retrieve(torch.from_numpy(Q), torch.from_numpy(X))
    np.testing.assert_allclose(states.numpy(), expected, rtol=0, atol=ATOL)
    states, _ = retrieve(torch.from_numpy(Q), torch.from_numpy(X), return_weights=True)
    np.testing.assert_allclose(states.numpy(), expected, rtol=0, atol=ATOL)


@pytest.mark.parametrize("n_steps", [1, 3])
@pytest.mark.parametrize("with_values", [False, True])
def test_retrieval_sdpa_and_explicit_forms_agree(n_steps, with_values):
    beta = 0.7
    query, keys = randn(6, 5, seed=1), randn(11, 5, seed=2)
    values = randn(11, 3, seed=3) if with_values else None
    # scaled_dot_product_attention, and the explicit form with the weights
    fused = HopfieldRetrieval(beta, n_steps=n_steps, fused=True)(query, keys, values)
    explicit, weights = HopfieldRetrieval(beta, n_steps=n_steps, fused=False)(
        query, keys, values, return_weights=True
    )
    torch.testing.assert_close(fused, explicit, rtol=0, atol=ATOL)
    for mode in ("auto", True):
        states, same = HopfieldRetrieval(beta, n_steps=n_steps, fused=mode)(
            query, keys, values, return_weights=True
        )
        torch.testing.assert_close(states, explicit, rtol=0, atol=ATOL)
        torch.testing.assert_close(same, weights, rtol=0, atol=ATOL)
    expected, expected_weights = reference_retrieval(
        query, keys, keys if values is None else values, beta, n_steps
    )
    torch.testing.assert_close(fused, expected, rtol=0, atol=ATOL)
    torch.testing.assert_close(weights, expected_weights, rtol=0, atol=ATOL)
    torch.testing.assert_close(weights.sum(-1), torch.ones(6, dtype=F64))


@pytest.mark.parametrize("fused", [True, False])
def test_retrieval_broadcasts_the_stored_set(fused):
    retrieve = HopfieldRetrieval(0.5, n_steps=2, fused=fused)
    query, keys = randn(3, 2, 4, 6, seed=1), randn(9, 6, seed=2)
    batched_keys = randn(2, 9, 6, seed=3)
    for return_weights in (False, True):
        shared = retrieve(query, keys, return_weights=return_weights)
        per_item = retrieve(query, batched_keys, return_weights=return_weights)
        if not return_weights:
            shared, per_item = (shared,), (per_item,)
        for a in range(3):
            for b in range(2):
                one = retrieve(query[a, b], keys, return_weights=return_weights)
                own = retrieve(
                    query[a, b], batched_keys[b], return_weights=return_weights
                )
                if not return_weights:
                    one, own = (one,), (own,)
                for got, want in zip(shared, one, strict=True):
                    torch.testing.assert_close(got[a, b], want, rtol=0, atol=ATOL)
                for got, want in zip(per_item, own, strict=True):
                    torch.testing.assert_close(got[a, b], want, rtol=0, atol=ATOL)
    # one set of queries against a batch of stored sets
    against_each = retrieve(query[0, 0], batched_keys)
    for b in range(2):
        torch.testing.assert_close(
            against_each[b], retrieve(query[0, 0], batched_keys[b]), rtol=0, atol=ATOL
        )
    # more than two batch dimensions
    deep = randn(2, 1, 3, 4, 6, seed=4)
    out = retrieve(deep, keys)
    assert out.shape == deep.shape
    torch.testing.assert_close(
        out[1, 0, 2], retrieve(deep[1, 0, 2], keys), rtol=0, atol=ATOL
    )
    # an expanded (stride-0, never copied) stored set is accepted as it is
    expanded = keys.expand(3, 2, 9, 6)
    assert expanded.stride()[:2] == (0, 0)
    torch.testing.assert_close(
        retrieve(query, expanded), retrieve(query, keys), rtol=0, atol=ATOL
    )


def test_float32_matches_float64():
    x64 = randn(3, 2, 8)
    pairs = [
        (DeepHNN(2, 3, 2, 8, iterations=2), x64),
        (VHNN(2, 4, 8, iterations=2), x64),
        (HopfieldLayer(8, 5, n_steps=2), x64),
        (ConvHNN2d(2, 4, 3, padding=1, iterations=2), randn(2, 2, 5, 5)),
    ]
    for module, x in pairs:
        module = randomize(module.eval(), scale=0.5)
        assert next(module.parameters()).dtype == torch.float32
        with torch.no_grad():
            out32 = module(x.float())
            out64 = module.to(F64)(x)
        assert out32.dtype == torch.float32 and out64.dtype == F64
        torch.testing.assert_close(out32.double(), out64, rtol=1e-5, atol=1e-5)
    retrieve = HopfieldRetrieval(0.4, n_steps=2)
    q, k = randn(5, 8, seed=1), randn(7, 8, seed=2)
    out32 = retrieve(q.float(), k.float())
    assert out32.dtype == torch.float32
    torch.testing.assert_close(out32.double(), retrieve(q, k), rtol=1e-5, atol=1e-5)


# -- gradients ---------------------------------------------------------------


class _Call(torch.nn.Module):
    """``call(inner, *inputs)`` as a module, for functional_call."""

    def __init__(self, inner, call):
        super().__init__()
        self.inner, self.call = inner, call

    def forward(self, *inputs):
        return self.call(self.inner, *inputs)


def gradcheck_module(module, inputs, call=None, fast_mode=False):
    """gradcheck of ``call(module, *inputs)`` in float64 with respect to the
    inputs and every parameter (through :func:`torch.func.functional_call`)."""
    wrapper = _Call(module, call or (lambda m, *xs: m(*xs)))
    names = [f"inner.{name}" for name, _ in module.named_parameters()]
    params = [p.detach().clone().requires_grad_(True) for p in module.parameters()]
    inputs = [x.detach().clone().requires_grad_(True) for x in inputs]
    n = len(inputs)

    def f(*args):
        return functional_call(
            wrapper, dict(zip(names, args[n:], strict=True)), args[:n]
        )

    assert torch.autograd.gradcheck(
        f, (*inputs, *params), eps=1e-6, atol=1e-6, fast_mode=fast_mode
    )


def check_gradients_reach(module, out):
    weights = randn(*out.shape, seed=11, dtype=out.dtype)
    module.zero_grad()
    (weights * out).sum().backward()
    for name, param in module.named_parameters():
        assert param.grad is not None, name
        assert param.grad.abs().max() > 0, name


def test_gradients_deephnn():
    m = randomize(DeepHNN(2, 2, 2, 3, iterations=2, dtype=F64), scale=0.7)
    x = randn(2, 2, 3)
    gradcheck_module(m, [x])
    check_gradients_reach(m, m(x))


def test_gradients_conv():
    m = randomize(
        ConvHNN2d(2, 3, 2, stride=2, padding=1, iterations=2, dtype=F64), scale=0.6
    )
    x = randn(1, 2, 3, 4)

    def forward_and_recall(module, x):
        logits = module(x)
        return logits, module.recall(logits)

    gradcheck_module(m, [x], call=forward_and_recall, fast_mode=True)
    check_gradients_reach(m, forward_and_recall(m, x)[0])
    check_gradients_reach(m, forward_and_recall(m, x)[1])


def test_gradients_vhnn_without_noise():
    m = randomize(VHNN(2, 3, 4, iterations=2, noise=0.3, dtype=F64), scale=0.8)
    x = randn(2, 2, 4)
    gradcheck_module(m, [x], call=lambda module, x: module(x, noisy=False))
    m.zero_grad()
    m(x, noisy=False).sum().backward()
    assert m.log_noise.grad is None  # no noise, no gradient to its level
    assert m.log_beta.grad.abs().max() > 0 and m.patterns.grad.abs().max() > 0


def vhnn_frozen_std(x, log_beta, log_noise, patterns, eps, stds):
    """Listing 4.3, batched, with the noise's standard deviations √(p(1-p))
    given as constants (what ``p.detach()`` makes of them for autograd)."""
    sqrt_beta = (0.5 * log_beta).exp()
    z = sqrt_beta.view(1, -1, 1) * x
    coder = sqrt_beta.view(-1, 1, 1) * patterns
    for t in range(len(eps)):
        p = torch.softmax(torch.einsum("cfn,bcn->bcf", coder, z), dim=2)
        p = p + log_noise.exp().view(1, -1, 1) * stds[t] * eps[t]
        z = torch.einsum("cfn,bcf->bcn", coder, p)
    return z / sqrt_beta.view(1, -1, 1)


def test_gradients_vhnn_with_noise():
    m = randomize(VHNN(2, 3, 4, iterations=2, noise=0.3, dtype=F64), scale=0.8)
    x = randn(2, 2, 4)

    def seeded(module, x):
        # a fresh generator per call: the same ε every time, so that the
        # finite differences of gradcheck see a deterministic function
        return module(x, noisy=True, generator=torch.Generator().manual_seed(3))

    # in one step η enters only outside the detached factor: the gradient
    # with respect to ln η is exact
    one_step = randomize(VHNN(2, 3, 4, iterations=1, noise=0.3, dtype=F64), scale=0.8)
    log_noise = one_step.log_noise.detach().clone().requires_grad_(True)
    others = {
        name: p.detach()
        for name, p in one_step.named_parameters()
        if name != "log_noise"
    }

    def of_noise(log_noise):
        return functional_call(
            one_step,
            {**others, "log_noise": log_noise},
            (x,),
            {"noisy": True, "generator": torch.Generator().manual_seed(3)},
        )

    assert torch.autograd.gradcheck(of_noise, (log_noise,), eps=1e-6, atol=1e-6)

    # every gradient is the exact derivative of the forward pass with the
    # standard deviations √(p(1-p)) held at their values (the detach)
    gen = torch.Generator().manual_seed(3)
    eps = [torch.randn(2, 2, 3, generator=gen, dtype=F64) for _ in range(2)]
    stds, z = [], x * (0.5 * m.log_beta.detach()).exp().view(1, -1, 1)
    with torch.no_grad():
        coder = (0.5 * m.log_beta).exp().view(-1, 1, 1) * m.patterns
        for t in range(2):
            p = torch.softmax(torch.einsum("cfn,bcn->bcf", coder, z), dim=2)
            stds.append(torch.sqrt(p * (1 - p)))
            p = p + m.log_noise.exp().view(1, -1, 1) * stds[t] * eps[t]
            z = torch.einsum("cfn,bcf->bcn", coder, p)
    params = [
        p.detach().clone().requires_grad_(True)
        for p in (m.log_beta, m.log_noise, m.patterns)
    ]
    xg = x.clone().requires_grad_(True)

    def frozen(x, log_beta, log_noise, patterns):
        return vhnn_frozen_std(x, log_beta, log_noise, patterns, eps, stds)

    assert torch.autograd.gradcheck(frozen, (xg, *params), eps=1e-6, atol=1e-6)
    out = seeded(m, xg)
    torch.testing.assert_close(out, frozen(xg, *params), rtol=0, atol=ATOL)
    weights = randn(*out.shape, seed=11)
    got = torch.autograd.grad(
        (weights * out).sum(), (xg, m.log_beta, m.log_noise, m.patterns)
    )
    want = torch.autograd.grad((weights * frozen(xg, *params)).sum(), (xg, *params))
    for g, w in zip(got, want, strict=True):
        torch.testing.assert_close(g, w, rtol=0, atol=ATOL)
    check_gradients_reach(m, seeded(m, x))


@pytest.mark.parametrize("fused", [True, False])
def test_gradients_hopfield_layer(fused):
    m = randomize(HopfieldLayer(4, 5, n_steps=2, fused=fused, dtype=F64))
    x = randn(3, 4)
    gradcheck_module(m, [x])
    check_gradients_reach(m, m(x))


@pytest.mark.parametrize("fused", [True, False])
@pytest.mark.parametrize("return_weights", [False, True])
def test_gradients_retrieval(return_weights, fused):
    retrieve = HopfieldRetrieval(0.6, n_steps=2, fused=fused)
    query, keys, values = randn(3, 4, seed=1), randn(5, 4, seed=2), randn(5, 2, seed=3)
    args = [x.requires_grad_(True) for x in (query, keys, values)]

    def f(q, k, v):
        return retrieve(q, k, v, return_weights=return_weights)

    assert torch.autograd.gradcheck(f, args, eps=1e-6, atol=1e-6)


# -- bad arguments -------------------------------------------------------------


@pytest.mark.parametrize(
    "build",
    [
        lambda: HopfieldRetrieval(0.0),
        lambda: HopfieldRetrieval(-1.0),
        lambda: HopfieldRetrieval(float("nan")),
        lambda: HopfieldRetrieval(float("inf")),
        lambda: HopfieldRetrieval("big"),
        lambda: HopfieldRetrieval(1.0, n_steps=0),
        lambda: HopfieldRetrieval(1.0, n_steps=1.5),
        lambda: HopfieldRetrieval(1.0, fused="yes"),
        lambda: HopfieldLayer(4, 3, fused=None),
        lambda: HopfieldLayer(0, 3),
        lambda: HopfieldLayer(4, 3, beta=-0.1),
        lambda: HopfieldLayer(4, 3, n_steps=0),
        lambda: DeepHNN(0, 2, 2, 4),
        lambda: DeepHNN(1, 2, 2, 4, iterations=-1),
        lambda: DeepHNN(1, 2, 2, 4, beta=0.0),
        lambda: ConvHNN2d(1, 4, 0),
        lambda: ConvHNN2d(1, 4, (3, 3, 3)),
        lambda: ConvHNN2d(1, 4, 3, stride=0),
        lambda: ConvHNN2d(1, 4, 3, padding=-1),
        lambda: ConvHNN2d(1, 4, 3, dilation=(1, 0)),
        lambda: ConvHNN2d(1, 4, 3, iterations=-1),
        lambda: ConvHNN2d(1, 4, 3, beta=0.0),
        lambda: ConvHNN2d(True, 4, 3),
        lambda: VHNN(2, 3, 0),
        lambda: VHNN(2, 3, 4, noise=0.0),
        lambda: VHNN(2, 3, 4, noise=-1.0),
        lambda: VHNN(2, 3, 4, beta=float("nan")),
        lambda: VHNN(2, 3, 4, iterations=2.5),
    ],
)
def test_bad_constructor_arguments(build):
    with pytest.raises(ValueError, match="must be"):
        build()


def test_bad_input_shapes():
    retrieve = HopfieldRetrieval(1.0)
    with pytest.raises(ValueError, match="same N"):
        retrieve(torch.randn(3, 4), torch.randn(5, 6))
    with pytest.raises(ValueError, match="same N"):
        retrieve(torch.randn(4), torch.randn(5, 4))
    with pytest.raises(ValueError, match="one row per stored pattern"):
        retrieve(torch.randn(3, 4), torch.randn(5, 4), torch.randn(6, 2))
    with pytest.raises(ValueError, match=r"\(\.\.\., 4\)"):
        HopfieldLayer(4, 3)(torch.randn(2, 5))
    with pytest.raises(ValueError, match=r"\(batch, 2, 4\)"):
        DeepHNN(2, 3, 2, 4)(torch.randn(5, 3, 4))
    with pytest.raises(ValueError, match=r"\(batch, 2, H, W\)"):
        ConvHNN2d(2, 3, 3)(torch.randn(1, 1, 6, 6))
    with pytest.raises(ValueError, match=r"\(batch, 3, H', W'\)"):
        ConvHNN2d(2, 3, 3).recall(torch.randn(1, 2, 6, 6))
    with pytest.raises(ValueError, match="output_size"):
        ConvHNN2d(2, 3, 3, stride=2).recall(
            torch.randn(1, 3, 4, 4), output_size=(12, 9)
        )
    with pytest.raises(ValueError, match=r"\(batch, 2, 4\)"):
        VHNN(2, 3, 4)(torch.randn(5, 2))
