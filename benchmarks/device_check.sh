#!/usr/bin/env bash
# One prepared check of skhopfield on a machine with a GPU (or without one).
#
# Run from anywhere in a copy of the working tree (it moves to the repository
# root):  bash benchmarks/device_check.sh
#
# It prints the machine (nvidia-smi, Python, torch, numba, the BLAS), finds a
# Python with torch (the first of $PYTHON, python3, python that imports
# torch; else a venv, $DEVICE_CHECK_VENV or /tmp/skhopfield-device-venv,
# with `pip install -e ".[test,torch]"`, which needs an index), puts the
# repository first on PYTHONPATH, and runs under `timeout`:
#   1. pytest: the tests of torch and CUDA (`tests -k "cuda or torch"`, -x);
#   2. benchmarks/bench_nn.py --device cuda (HopfieldRetrieval vs torch);
#   3. benchmarks/bench_speed.py --cost-only (the compiled route's cost);
#   4. benchmarks/bench_speed.py --no-load --routes numba --no-cost.
# bench_nn comes before bench_speed, which is the longest and needs no GPU:
# where the time runs out, the GPU's numbers are in. Each step's timeout is
# cut to what is left of DEVICE_CHECK_BUDGET seconds (default 560: a run
# whose limit is 600 s), so that the summary is always printed.
#
# Without a CUDA device it says "no CUDA device: CPU fallback" and runs a
# reduced set: torch's tests on the CPU (not slow), bench_nn on the CPU,
# bench_speed on 100 components, one repeat.
#
# DEVICE_CHECK_QUICK=1 shrinks everything to a smoke test of a few minutes
# on two cores: two test files (-k "cuda or torch", not slow, --maxfail=1),
# bench_nn with 5 repeats, bench_speed --quick --components 20 --repeat 1.
#
# MNIST is looked for in $SKHOPFIELD_DATA, .device_data/mnist (an ignored
# folder that the caller may copy there and carry), shared/data/mnist and
# ../shared/data/mnist; where none holds it, random images of MNIST's shape
# are written to a temporary folder (the timings hold; the data are noise).
#
# Everything goes to stdout and to files under "${OUT:-/tmp/device_out}":
# device_check.log (all), env.log, pytest.log, bench_nn.log,
# bench_speed_cost.log, bench_speed.log, summary.txt (at most 8 files).
# Exit status: 0 where every step that ran passed, else 1.

set -u

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$REPO" || exit 2
OUT_DIR="${OUT:-/tmp/device_out}"
mkdir -p "$OUT_DIR" || exit 2
QUICK="${DEVICE_CHECK_QUICK:-0}"
if [ "$QUICK" = 1 ]; then
    BUDGET="${DEVICE_CHECK_BUDGET:-175}"
else
    BUDGET="${DEVICE_CHECK_BUDGET:-560}"
fi
export PYTHONUNBUFFERED=1
export PYTHONPATH="$REPO${PYTHONPATH:+:$PYTHONPATH}"
SUMMARY=()
FAILED=0

note() { printf '%s\n' "$*"; }

section() { printf '\n===== %s =====\n' "$*"; }

# run_step NAME LIMIT_S CMD...: CMD under timeout (cut to the budget left),
# its output to stdout and to $OUT_DIR/NAME.log; its outcome to the summary.
run_step() {
    local name=$1 limit=$2
    shift 2
    local left=$((BUDGET - SECONDS - 10))
    if ((left < 15)); then
        section "$name: skipped, the budget of ${BUDGET} s is spent"
        SUMMARY+=("$name: skipped (budget of ${BUDGET} s spent)")
        return
    fi
    ((limit > left)) && limit=$left
    section "$name (timeout ${limit} s): $*"
    local t0=$SECONDS rc status
    if command -v timeout >/dev/null 2>&1; then
        timeout -k 10 "$limit" "$@" 2>&1 | tee "$OUT_DIR/$name.log"
        rc=${PIPESTATUS[0]}
    else
        "$@" 2>&1 | tee "$OUT_DIR/$name.log"
        rc=${PIPESTATUS[0]}
    fi
    case $rc in
        0) status="ok" ;;
        124 | 137) status="TIMED OUT after ${limit} s" ;;
        5) status="no test selected (pytest exit 5)" ;;
        *) status="FAILED (exit $rc)" ;;
    esac
    [ "$rc" = 0 ] || [ "$rc" = 5 ] || FAILED=1
    SUMMARY+=("$name: $status, $((SECONDS - t0)) s")
}

# have_torch PY: PY runs and imports torch
have_torch() { "$1" -c "import torch" >/dev/null 2>&1; }

pick_python() {
    local c
    for c in ${PYTHON:-} python3 python; do
        command -v "$c" >/dev/null 2>&1 || continue
        if have_torch "$c"; then
            PY=$(command -v "$c")
            return 0
        fi
    done
    return 1
}

# a venv (with the system's packages) and `pip install -e ".[test,torch]"`
make_venv() {
    local venv="${DEVICE_CHECK_VENV:-/tmp/skhopfield-device-venv}"
    local base
    base=$(command -v python3 || command -v python) || {
        note "no python3 or python on PATH"
        return 1
    }
    if [ -x "$venv/bin/python" ] && have_torch "$venv/bin/python"; then
        note "reusing the venv $venv"
        PY="$venv/bin/python"
        return 0
    fi
    note "creating the venv $venv and installing .[test,torch] (needs an index)"
    "$base" -m venv --system-site-packages "$venv" || return 1
    if ! timeout 240 "$venv/bin/python" -m pip install -q -e ".[test,torch]"; then
        note "pip install -e \".[test,torch]\" FAILED (no index reachable, or no wheel)"
        return 1
    fi
    PY="$venv/bin/python"
    have_torch "$PY"
}

find_mnist() {
    local d
    for d in "${SKHOPFIELD_DATA:-}" "$REPO/.device_data/mnist" \
        "$REPO/shared/data/mnist" "$REPO/../shared/data/mnist"; do
        [ -n "$d" ] || continue
        if compgen -G "$d/train-images-idx3-ubyte*" >/dev/null &&
            compgen -G "$d/t10k-labels-idx1-ubyte*" >/dev/null; then
            printf '%s\n' "$d"
            return 0
        fi
    done
    return 1
}

# random uint8 images of MNIST's shape, as the four IDX files, in folder $1
synthetic_mnist() {
    local n_train=60000
    [ "$QUICK" = 1 ] && n_train=5000
    "$PY" - "$1" "$n_train" <<'EOF'
import os, struct, sys
import numpy as np
folder, n_train = sys.argv[1], int(sys.argv[2])
os.makedirs(folder, exist_ok=True)
rng = np.random.default_rng(0)
for prefix, n in (("train", n_train), ("t10k", 10000)):
    with open(os.path.join(folder, f"{prefix}-images-idx3-ubyte"), "wb") as f:
        f.write(struct.pack(">IIII", 2051, n, 28, 28))
        f.write(rng.integers(0, 256, (n, 28, 28), dtype=np.uint8).tobytes())
    with open(os.path.join(folder, f"{prefix}-labels-idx1-ubyte"), "wb") as f:
        f.write(struct.pack(">II", 2049, n))
        f.write(rng.integers(0, 10, n, dtype=np.uint8).tobytes())
print(f"wrote {n_train} + 10000 random images to {folder}")
EOF
}

environment() {
    note "date: $(date -u '+%Y-%m-%d %H:%M:%S UTC'); host $(uname -n), $(uname -m)"
    note "repository: $REPO ($(git -C "$REPO" rev-parse --short HEAD 2>/dev/null ||
        echo 'no git'))"
    note "CPUs: $(nproc 2>/dev/null || echo '?'); quick: $QUICK; budget: ${BUDGET} s"
    if command -v nvidia-smi >/dev/null 2>&1; then
        nvidia-smi || note "nvidia-smi failed"
    else
        note "nvidia-smi: not on PATH"
    fi
    "$PY" - <<'EOF'
import importlib.util, platform, sys
print(f"python {platform.python_version()} at {sys.executable}")
for name in ("numpy", "scipy", "sklearn", "numba", "llvmlite", "torch", "pytest"):
    if importlib.util.find_spec(name) is None:
        print(f"{name}: not installed")
        continue
    try:
        mod = __import__(name)
        print(f"{name} {getattr(mod, '__version__', '?')}")
    except Exception as exc:  # noqa: BLE001 - report and go on
        print(f"{name}: import failed: {exc!r}")
try:
    import torch
    print(f"torch.cuda.is_available(): {torch.cuda.is_available()}")
    for i in range(torch.cuda.device_count() if torch.cuda.is_available() else 0):
        p = torch.cuda.get_device_properties(i)
        print(f"  cuda:{i} {p.name}, {p.total_memory / 2**30:.1f} GiB, "
              f"capability {p.major}.{p.minor}, {p.multi_processor_count} SMs; "
              f"torch CUDA {torch.version.cuda}")
except Exception as exc:  # noqa: BLE001
    print(f"torch.cuda.is_available(): unknown, torch does not import: {exc!r}")
try:
    import skhopfield
    from skhopfield.energy import _kernels
    print(f"skhopfield {skhopfield.__version__} from {skhopfield.__file__}; "
          f"kernels route: {_kernels.route()}")
except Exception as exc:  # noqa: BLE001
    print(f"skhopfield: import FAILED: {exc!r}")
try:
    from threadpoolctl import threadpool_info
    for info in threadpool_info():
        print(f"  {info.get('internal_api')} {info.get('num_threads')} threads "
              f"{info.get('architecture') or ''} ({info.get('prefix')})")
except ImportError:
    print("threadpoolctl: not installed")
EOF
}

main() {
    section "python"
    if pick_python; then
        note "python with torch: $PY"
    else
        note "no python on PATH imports torch"
        if ! make_venv; then
            note "NO PYTHON WITH TORCH: the torch and CUDA steps cannot run"
            PY=$(command -v python3 || command -v python || echo python3)
            NO_TORCH=1
        fi
    fi
    NO_TORCH=${NO_TORCH:-0}
    if ! "$PY" -c "import numpy, scipy, sklearn, joblib, threadpoolctl" 2>/dev/null; then
        note "$PY lacks numpy, scipy, scikit-learn, joblib or threadpoolctl"
        if [ "$NO_TORCH" = 0 ] && make_venv; then
            note "now using $PY"
        else
            note "the dependencies are MISSING: the steps below will fail"
        fi
    fi

    section "environment"
    environment 2>&1 | tee "$OUT_DIR/env.log"

    CUDA=0
    if [ "$NO_TORCH" = 0 ] &&
        "$PY" -c "import sys, torch; sys.exit(not torch.cuda.is_available())" 2>/dev/null; then
        CUDA=1
        note "CUDA device present"
    else
        note "no CUDA device: CPU fallback"
    fi

    section "MNIST"
    local data
    if data=$(find_mnist); then
        note "MNIST: $data"
    else
        data="${TMPDIR:-/tmp}/skhopfield-device-mnist"
        note "MNIST not found: random images of its shape instead (timings only)"
        synthetic_mnist "$data" || note "could not write them"
    fi
    export SKHOPFIELD_DATA="$data"

    local pytest_args bench_nn_args bench_speed_args
    if [ "$QUICK" = 1 ]; then
        pytest_args=(tests/nn/test_layers.py tests/hopfield/test_hopfield_memory.py
            -k "cuda or torch" -m "not slow" --maxfail=1)
        bench_nn_args=(--repeat 5)
        bench_speed_args=(--quick --components 20 --repeat 1)
    elif [ "$CUDA" = 1 ]; then
        pytest_args=(tests -x -k "cuda or torch")
        bench_nn_args=()
        bench_speed_args=()
    else
        pytest_args=(tests -x -k "cuda or torch" -m "not slow")
        bench_nn_args=(--repeat 11)
        bench_speed_args=(--components 100 --repeat 1)
    fi
    if [ "$CUDA" = 1 ]; then
        bench_nn_args+=(--device cuda)
    else
        bench_nn_args+=(--device cpu)
    fi

    if [ "$NO_TORCH" = 0 ]; then
        run_step pytest 240 "$PY" -m pytest -q -p no:cacheprovider "${pytest_args[@]}"
        run_step bench_nn 90 "$PY" benchmarks/bench_nn.py "${bench_nn_args[@]}"
    else
        SUMMARY+=("pytest: skipped (no torch)" "bench_nn: skipped (no torch)")
        FAILED=1
    fi
    run_step bench_speed_cost 90 "$PY" benchmarks/bench_speed.py --cost-only
    run_step bench_speed 300 "$PY" benchmarks/bench_speed.py --no-load \
        --routes numba --no-cost "${bench_speed_args[@]}"

    section "summary"
    {
        note "python: $PY; CUDA: $([ "$CUDA" = 1 ] && echo yes || echo 'no (CPU fallback)')"
        note "quick: $QUICK; MNIST: $SKHOPFIELD_DATA; ${SECONDS} s in all"
        printf '  %s\n' "${SUMMARY[@]}"
    } | tee "$OUT_DIR/summary.txt"
    return "$FAILED"
}

main 2>&1 | tee "$OUT_DIR/device_check.log"
exit "${PIPESTATUS[0]}"
