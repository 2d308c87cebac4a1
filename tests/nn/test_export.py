"""skhopfield.nn's layers across devices, dtypes and export paths:
torch.jit.trace, torch.compile, ONNX, state dicts."""

import io
import os
import shutil

import pytest

torch = pytest.importorskip("torch", reason="skhopfield.nn needs PyTorch")

from skhopfield.nn import (  # noqa: E402
    VHNN,
    ConvHNN2d,
    DeepHNN,
    HopfieldLayer,
    HopfieldRetrieval,
)

F64 = torch.float64
CUDA = pytest.mark.skipif(not torch.cuda.is_available(), reason="CUDA is not available")
DEVICES = ["cpu", pytest.param("cuda", marks=CUDA)]


def randn(*shape, seed=1, dtype=F64):
    gen = torch.Generator().manual_seed(seed)
    return torch.randn(*shape, generator=gen, dtype=dtype)


class RetrievalOfValues(torch.nn.Module):
    """HopfieldRetrieval with values and weights, as a module of tensors only."""

    def __init__(self):
        super().__init__()
        self.retrieve = HopfieldRetrieval(0.7, n_steps=2)

    def forward(self, query, keys, values):
        return self.retrieve(query, keys, values, return_weights=True)


#: name -> (build(dtype, device), input shapes); every module in eval mode
CASES = {
    "HopfieldRetrieval": (
        lambda **kw: HopfieldRetrieval(0.5, n_steps=2),
        [(2, 3, 6), (7, 6)],
    ),
    "HopfieldRetrieval-fused": (
        lambda **kw: HopfieldRetrieval(0.5, n_steps=2, fused=True),
        [(2, 3, 6), (7, 6)],
    ),
    "HopfieldRetrieval-values": (
        lambda **kw: RetrievalOfValues(),
        [(3, 6), (7, 6), (7, 2)],
    ),
    "HopfieldLayer": (lambda **kw: HopfieldLayer(6, 5, n_steps=2, **kw), [(4, 6)]),
    "DeepHNN": (lambda **kw: DeepHNN(2, 3, 2, 6, iterations=2, **kw), [(4, 2, 6)]),
    "ConvHNN2d": (
        lambda **kw: ConvHNN2d(2, 4, 3, stride=2, padding=1, iterations=2, **kw),
        [(2, 2, 7, 7)],
    ),
    "VHNN": (lambda **kw: VHNN(2, 3, 6, iterations=2, **kw), [(4, 2, 6)]),
}
PARAMETRIC = [name for name in CASES if not name.startswith("HopfieldRetrieval")]


def build(name, dtype=F64, device="cpu", seed=0):
    torch.manual_seed(seed)
    module = CASES[name][0](dtype=dtype, device=device).eval()
    inputs = [
        randn(*shape, seed=seed + k + 1).to(device=device, dtype=dtype)
        for k, shape in enumerate(CASES[name][1])
    ]
    return module, inputs


def as_tuple(out):
    return out if isinstance(out, tuple) else (out,)


#: torch.jit.trace itself warns that TorchScript is deprecated
JIT_DEPRECATED = pytest.mark.filterwarnings(
    "ignore:.*torch.jit.*deprecated:DeprecationWarning"
)


def assert_same(got, want, **tol):
    got, want = as_tuple(got), as_tuple(want)
    assert len(got) == len(want)
    for g, w in zip(got, want, strict=True):
        torch.testing.assert_close(g, w, **(tol or {"rtol": 0, "atol": 1e-12}))


@pytest.mark.parametrize("name", CASES)
@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("dtype", [torch.float32, F64])
def test_device_and_dtype(name, device, dtype):
    module, inputs = build(name, dtype=dtype, device=device)
    out = as_tuple(module(*inputs))
    for tensor in out:
        assert tensor.device.type == device and tensor.dtype == dtype
    if device != "cpu":
        ref, ref_inputs = build(name, dtype=dtype)
        assert_same(tuple(t.cpu() for t in out), ref(*ref_inputs), rtol=1e-5, atol=1e-5)


@JIT_DEPRECATED
@pytest.mark.parametrize("name", CASES)
def test_jit_trace_equals_eager(name):
    module, inputs = build(name)
    traced = torch.jit.trace(module, tuple(inputs))
    # on new inputs of the same shapes
    _, other = build(name, seed=5)
    assert_same(traced(*other), module(*other))


@JIT_DEPRECATED
def test_jit_trace_vhnn_training_mode_keeps_the_noise():
    module, (x,) = build("VHNN")
    traced = torch.jit.trace(module.train(), (x,), check_trace=False)
    torch.manual_seed(3)
    got = traced(x)
    torch.manual_seed(3)
    assert_same(got, module(x))
    assert (got - module.eval()(x)).abs().max() > 1e-4


@pytest.mark.parametrize("name", ["HopfieldRetrieval-fused", "ConvHNN2d", "VHNN"])
def test_torch_compile_graph_capture(name):
    """torch.compile captures each forward pass as one graph (no graph break);
    the aot_eager backend runs the captured graph without generating code.
    (DeepHNN and HopfieldLayer compile the same way; they are left out to
    keep the run short.)"""
    module, inputs = build(name)
    compiled = torch.compile(module, backend="aot_eager", fullgraph=True)
    assert_same(compiled(*inputs), module(*inputs))
    if name == "VHNN":  # the noise of training mode, from the global generator
        module.train()
        torch.manual_seed(4)
        got = compiled(*inputs)
        torch.manual_seed(4)
        assert_same(got, module(*inputs))
        assert (got - module.eval()(*inputs)).abs().max() > 1e-4


@JIT_DEPRECATED
def test_torch_compile_inductor():
    """The default backend (inductor) generates and compiles C++ code."""
    if shutil.which("cc") is None and shutil.which("g++") is None:
        pytest.skip("torch.compile's inductor backend needs a C++ compiler")
    if os.environ.get("SKHOPFIELD_TEST_INDUCTOR") != "1":
        pytest.skip(
            "inductor's code generation takes 20-40 s on 2 CPU cores; set "
            "SKHOPFIELD_TEST_INDUCTOR=1 to run it"
        )
    module, inputs = build("DeepHNN", dtype=torch.float32)
    compiled = torch.compile(module)
    assert_same(compiled(*inputs), module(*inputs), rtol=1e-5, atol=1e-6)


@pytest.mark.filterwarnings("ignore::FutureWarning")  # torch.export's internals
@pytest.mark.parametrize("name", CASES)
def test_onnx_export(name, tmp_path):
    pytest.importorskip("onnx", reason="torch.onnx.export needs the onnx package")
    pytest.importorskip("onnxscript", reason="torch.onnx.export needs onnxscript")
    module, inputs = build(name, dtype=torch.float32)
    path = tmp_path / f"{name}.onnx"
    torch.onnx.export(module, tuple(inputs), str(path), dynamo=True)
    assert path.stat().st_size > 0
    ort = pytest.importorskip(
        "onnxruntime", reason="checking the export needs onnxruntime"
    )
    session = ort.InferenceSession(str(path))
    feeds = {
        arg.name: x.numpy() for arg, x in zip(session.get_inputs(), inputs, strict=True)
    }
    got = session.run(None, feeds)
    for g, w in zip(got, as_tuple(module(*inputs)), strict=True):
        torch.testing.assert_close(torch.from_numpy(g), w, rtol=1e-5, atol=1e-5)


def saved(module):
    buffer = io.BytesIO()
    torch.save(module.state_dict(), buffer)
    buffer.seek(0)
    return buffer


@pytest.mark.parametrize("name", PARAMETRIC)
def test_state_dict_across_devices_and_dtypes(name):
    module, inputs = build(name)
    expected = module(*inputs)
    # CPU -> CPU
    fresh, _ = build(name, seed=9)
    fresh.load_state_dict(torch.load(saved(module), map_location="cpu"))
    assert_same(fresh(*inputs), expected)
    # CPU -> meta: shapes and dtypes only
    on_meta = torch.load(saved(module), map_location="meta")
    assert all(t.device.type == "meta" for t in on_meta.values())
    meta_module = CASES[name][0](dtype=F64, device="meta")
    meta_module.load_state_dict(on_meta, assign=True)
    assert all(p.device.type == "meta" for p in meta_module.parameters())
    assert {k: v.shape for k, v in meta_module.state_dict().items()} == {
        k: v.shape for k, v in module.state_dict().items()
    }
    # float64 -> float32
    single = CASES[name][0](dtype=F64)
    single.load_state_dict(torch.load(saved(module), map_location="cpu"))
    single.to(torch.float32).eval()
    assert all(p.dtype == torch.float32 for p in single.parameters())
    assert_same(
        single(*[x.float() for x in inputs]),
        tuple(t.float() for t in as_tuple(expected)),
        rtol=1e-5,
        atol=1e-5,
    )


@CUDA
@pytest.mark.parametrize("name", PARAMETRIC)
def test_state_dict_to_cuda(name):
    module, inputs = build(name)
    state = torch.load(saved(module), map_location="cuda")
    assert all(t.device.type == "cuda" for t in state.values())
    on_gpu = CASES[name][0](dtype=F64, device="cuda").eval()
    on_gpu.load_state_dict(state)
    got = on_gpu(*[x.cuda() for x in inputs])
    assert_same(
        tuple(t.cpu() for t in as_tuple(got)), module(*inputs), rtol=1e-10, atol=1e-10
    )
