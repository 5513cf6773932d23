"""tinygrad_lenet.distributed, DistributedDataParallel and DistributedSampler.

The multi-rank tests run the launcher, ``python -m tinygrad_lenet.distributed.run --nproc-per-node N
script.py``, on a small script written to tmp_path; the script checks its own results and fails (one
``rank R of N failed`` line, a nonzero exit) if one is wrong. The one-process reference runs inside the
same script, on rank 0's copy of the data, so one launch checks a whole configuration.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pytest

from tinygrad_lenet.data import DataLoader, DistributedSampler, TensorDataset

ROOT = Path(__file__).resolve().parent.parent

# --- DistributedSampler and DataLoader(sampler=) (no MPI needed) --------------------------------------------


@pytest.mark.parametrize("n", [0, 1, 2, 7, 10, 11, 13])
@pytest.mark.parametrize("replicas", [1, 2, 3, 4, 5])
@pytest.mark.parametrize("drop_last", [False, True])
def test_sampler_splits_pads_and_drops_as_torch(n: int, replicas: int, drop_last: bool) -> None:
    torch_data = pytest.importorskip("torch.utils.data", reason="PyTorch is not installed (make parity installs it)")
    dataset = list(range(n))
    for epoch in (0, 1):
        theirs_all, ours_all = [], []
        for rank in range(replicas):
            for shuffle in (False, True):
                theirs = torch_data.DistributedSampler(dataset, replicas, rank, shuffle=shuffle, drop_last=drop_last)
                ours = DistributedSampler(dataset, replicas, rank, shuffle=shuffle, drop_last=drop_last)
                theirs.set_epoch(epoch)
                ours.set_epoch(epoch)
                assert len(ours) == len(theirs) == len(list(ours)) == len(list(theirs))
                if not shuffle:
                    assert list(ours) == list(theirs)
                else:
                    theirs_all += list(theirs)
                    ours_all += list(ours)
        # shuffled: another permutation, but the same number of repeats (padding) or missing indices (drop_last)
        assert sorted(np.bincount(ours_all, minlength=n)) == sorted(np.bincount(theirs_all, minlength=n))


def test_sampler_order_follows_seed_and_epoch() -> None:
    def order(seed: int, epoch: int, rank: int = 0) -> list[int]:
        sampler = DistributedSampler(range(20), num_replicas=2, rank=rank, seed=seed)
        sampler.set_epoch(epoch)
        return list(sampler)

    assert order(0, 0) == order(0, 0) and order(0, 0) != order(0, 1) and order(0, 1) != order(1, 1)
    assert sorted(order(3, 2) + order(3, 2, rank=1)) == list(range(20))  # the ranks share one permutation
    assert order(5, 1) == np.random.default_rng(6).permutation(20)[0::2].tolist()


def test_sampler_errors_say_what_to_do() -> None:
    with pytest.raises(ValueError, match=r"Invalid rank 2, rank should be in the interval \[0, 1\]"):
        DistributedSampler(range(4), num_replicas=2, rank=2)
    with pytest.raises(ValueError, match="Invalid rank -1"):
        DistributedSampler(range(4), num_replicas=2, rank=-1)
    with pytest.raises(RuntimeError, match="init_process_group.*or pass num_replicas="):
        DistributedSampler(range(4))
    with pytest.raises(RuntimeError, match="or pass rank="):
        DistributedSampler(range(4), num_replicas=2)


def test_dataloader_takes_a_sampler_or_a_batch_sampler() -> None:
    data = TensorDataset(np.arange(10, dtype=np.float32)[:, None], np.arange(10))
    loader = DataLoader(data, batch_size=2, sampler=DistributedSampler(data, 3, 1, shuffle=False))
    assert len(loader) == 2 and [y.tolist() for _, y in loader] == [[1, 4], [7, 0]]  # padded with index 0
    assert len(DataLoader(data, 3, sampler=[9, 8, 7, 6], drop_last=True)) == 1
    assert [y.tolist() for _, y in DataLoader(data, 3, sampler=[9, 8, 7, 6])] == [[9, 8, 7], [6]]
    loader = DataLoader(data, batch_sampler=[[0, 5], [3], [9, 1, 2]])
    assert len(loader) == 3 and [y.tolist() for _, y in loader] == [[0, 5], [3], [9, 1, 2]]
    with pytest.raises(ValueError, match="^sampler option is mutually exclusive with shuffle$"):
        DataLoader(data, 2, shuffle=True, sampler=[0, 1])
    with pytest.raises(ValueError, match="batch_sampler option is mutually exclusive with batch_size"):
        DataLoader(data, 2, batch_sampler=[[0, 1]])
    with pytest.raises(TypeError, match="sampler with a length"):
        len(DataLoader(data, 2, sampler=iter([0, 1])))


# --- running scripts on N ranks ------------------------------------------------------------------------------


def environment() -> dict[str, str]:
    """The ranks' environment: the sleeping wait (results do not depend on it), so that ranks waiting in
    a collective leave the cores to the suite's other worker instead of spinning."""
    env = {k: v for k, v in os.environ.items() if k not in ("RANK", "WORLD_SIZE", "LOCAL_RANK")}
    return {**env, "PYTHONPATH": str(ROOT), "TQDM_DISABLE": "1", "TINYGRAD_LENET_MPI_WAIT": "sleep"}


def launch(nproc: int, script: Path, *args: str) -> list[str]:
    """The launcher's command line for ``script`` on ``nproc`` ranks (plain Python for 0: no launcher)."""
    if nproc == 0:
        return [sys.executable, str(script), *args]
    return [sys.executable, "-m", "tinygrad_lenet.distributed.run", "--nproc-per-node", str(nproc), str(script), *args]


def run(nproc: int, code: str, tmp_path: Path, *args: str, ok: bool = True) -> subprocess.CompletedProcess[str]:
    """Run ``code`` (a script) on ``nproc`` ranks; with ``ok``, fail the test unless every rank succeeded."""
    script = tmp_path / "script.py"
    script.write_text(PREAMBLE + textwrap.dedent(code))
    result = subprocess.run(
        launch(nproc, script, *args), capture_output=True, text=True, timeout=120, env=environment(), cwd=tmp_path
    )
    if ok:
        assert result.returncode == 0, result.stdout + result.stderr
    return result


PREAMBLE = """\
import os, re, signal, sys, time
import numpy as np
import tinygrad_lenet as tl
import tinygrad_lenet.distributed as dist
import tinygrad_lenet.nn.functional as F
from tinygrad_lenet.nn.parallel import DistributedDataParallel as DDP


def say(*parts):  # one write per line: print writes its parts apart when unbuffered (PYTHONUNBUFFERED=1)
    sys.stdout.write(" ".join(map(str, parts)) + "\\n")
    sys.stdout.flush()
"""

COLLECTIVES = """
ddp = int(os.environ.get("RANK", -1)) != -1
say("env", os.environ.get("RANK", -1), os.environ.get("WORLD_SIZE"), os.environ.get("LOCAL_RANK"))
dist.init_process_group(backend="gloo")
r, n = dist.get_rank(), dist.get_world_size()
assert dist.is_initialized() and ddp == (n > 1) and dist.get_backend() == "gloo"
values = [np.arange(6.0).reshape(2, 3) + 10 * k + 1 for k in range(n)]  # rank k's tensor
expected = {
    dist.ReduceOp.SUM: sum(values), dist.ReduceOp.AVG: sum(values) / n, dist.ReduceOp.MAX: np.max(values, 0),
    dist.ReduceOp.MIN: np.min(values, 0), dist.ReduceOp.PRODUCT: np.prod(values, 0),
}
for op, want in expected.items():
    t = tl.tensor(values[r])
    assert dist.all_reduce(t, op=op) is None
    np.testing.assert_allclose(t.numpy(), want, rtol=1e-12, err_msg=str(op))
i = tl.tensor(np.full(3, r + 1, dtype=np.int64))
dist.all_reduce(i)
assert i.dtype == tl.int64 and i.tolist() == [n * (n + 1) // 2] * 3

base = tl.tensor(np.arange(12.0).reshape(3, 4) * (r + 1))  # non-contiguous views, written through to base
view = base.t()
dist.all_reduce(view, op=dist.ReduceOp.SUM)
np.testing.assert_array_equal(base.numpy(), np.arange(12.0).reshape(3, 4) * n * (n + 1) / 2)
strided = tl.tensor(np.zeros((2, 6)) + r)
dist.broadcast(strided[:, ::2], src=n - 1)
assert strided[:, ::2].numpy().tolist() == [[n - 1] * 3] * 2 and strided[:, 1::2].numpy().tolist() == [[r] * 3] * 2

t = tl.tensor([float(r), 2.0 * r])
dist.broadcast(t, src=n - 1)
assert t.tolist() == [n - 1, 2 * (n - 1)]
gathered = [tl.zeros(2, 2) for _ in range(n)]
dist.all_gather(gathered, tl.full((2, 2), float(r)) * tl.tensor([[1.0, 2.0]]))
assert [g.tolist() for g in gathered] == [[[k, 2 * k]] * 2 for k in range(n)]

t = tl.tensor([float(r + 1)])
work = dist.all_reduce(t, op=dist.ReduceOp.MAX, async_op=True)
assert work.wait() is True and work.is_completed() and t.tolist() == [n]
gathered = [tl.zeros(1) for _ in range(n)]
work = dist.all_gather(gathered, tl.tensor([float(r)]), async_op=True)
work.wait()
assert [g.item() for g in gathered] == list(range(n))
for _ in range(3):
    dist.barrier()
dist.barrier(async_op=True).wait()

for call, error, message in (
    (lambda: dist.broadcast(tl.ones(2), src=n), ValueError, f"src {n} is not a rank of this world of {n}"),
    (lambda: dist.broadcast(tl.ones(2), src=-1), ValueError, "src -1"),
    (lambda: dist.all_gather([tl.ones(2)] * (n + 1), tl.ones(2)), ValueError, f"expected one per rank ({n})"),
    (lambda: dist.all_gather([tl.ones(3)] * n, tl.ones(2)), ValueError, "tensor_list[0] is"),
    (lambda: dist.all_reduce(tl.ones(2), op="sum"), TypeError, "op must be a ReduceOp"),
    (lambda: dist.all_reduce(np.ones(2)), TypeError, "expected a Tensor"),
    (lambda: dist.init_process_group(), RuntimeError, "already initialized"),
):
    try:
        call()
    except error as e:
        assert message in str(e), (message, str(e))
    else:
        raise AssertionError(f"no {error.__name__} ({message})")
dist.destroy_process_group()
assert not dist.is_initialized()
try:
    dist.get_rank()
except RuntimeError as e:
    assert "init_process_group" in str(e)
say("ok", r, n)
"""


@pytest.mark.parametrize("nproc", [0, 2, 4])  # 0: a plain `python script.py`, a world of one
def test_collectives(tmp_path: Path, nproc: int) -> None:
    pytest.importorskip("mpi4py")
    out = run(nproc, COLLECTIVES, tmp_path).stdout
    n = max(nproc, 1)
    assert sorted(re.findall(r"^ok (\d) (\d)$", out, re.M)) == [(str(r), str(n)) for r in range(n)]
    envs = sorted(re.findall(r"^env (\S+) (\S+) (\S+)$", out, re.M))
    if nproc == 0:
        assert envs == [("-1", "None", "None")]
    else:
        assert envs == [(str(r), str(n), str(r)) for r in range(n)]


DDP_EXACT = """
from tinygrad_lenet.models import LeNet5
from tinygrad_lenet.utils.data import DataLoader, DistributedSampler, TensorDataset

dist.init_process_group(backend="gloo")
r, n = dist.get_rank(), dist.get_world_size()
B, K = 8, 5
rng = np.random.default_rng(0)
X, Y = rng.standard_normal((K * B, 1, 32, 32)), rng.integers(0, 10, K * B)
TOLERANCE = {"float64": 1e-13, "float32": 1e-5}


def lenet(dtype, seed):
    tl.manual_seed(seed)
    model = LeNet5()
    return model.double() if dtype == "float64" else model


def optimizer(name, params):
    return tl.optim.SGD(params, lr=0.05, momentum=0.9) if name == "sgd" else tl.optim.Adam(params, lr=1e-3)


def flat(model):
    return np.concatenate([p.numpy().ravel().astype(np.float64) for p in model.parameters()])


def close(ours, reference, dtype, what):
    error = np.abs(ours - reference).max() / np.abs(reference).max()
    assert error < TOLERANCE[dtype], f"{what}: relative difference {error:.2e}"
    return error


def step(model, opt, x, y):
    opt.zero_grad()
    F.cross_entropy(model(tl.tensor(x)), tl.tensor(y)).backward()
    opt.step()


share = B // n  # each rank's part of a batch
for dtype in ("float64", "float32"):
    x_all = X.astype(dtype)
    for name in ("sgd", "adam"):
        reference = lenet(dtype, 0)  # one process, batch B
        model = DDP(lenet(dtype, r))  # each rank initialised differently: rank 0's wins
        assert np.array_equal(flat(model.module), flat(reference)), "parameters not rank 0's"
        opt, ref_opt = optimizer(name, model.parameters()), optimizer(name, reference.parameters())
        for k in range(K):
            batch = slice(k * B, (k + 1) * B)
            step(reference, ref_opt, x_all[batch], Y[batch])
            mine = slice(k * B + r * share, k * B + (r + 1) * share)
            step(model, opt, x_all[mine], Y[mine])
        error = close(flat(model.module), flat(reference), dtype, f"{dtype} {name}")
        say(f"exact {dtype} {name} {error:.1e}")

# no_sync: two micro-batches accumulated locally, the second backward averages the sum
reference, model = lenet("float64", 0), DDP(lenet("float64", r))
ref_opt, opt = optimizer("sgd", reference.parameters()), optimizer("sgd", model.parameters())
half, micro = B // 2, B // (2 * n)
for j in range(2):
    whole = slice(j * half, (j + 1) * half)
    F.cross_entropy(reference(tl.tensor(X[whole])), tl.tensor(Y[whole])).backward()
    mine = slice(j * half + r * micro, j * half + (r + 1) * micro)
    if j == 0:
        with model.no_sync():
            F.cross_entropy(model(tl.tensor(X[mine])), tl.tensor(Y[mine])).backward()
        local = model.module.conv1.weight.grad
        others = [tl.zeros(*local.shape).double() for _ in range(n)]
        dist.all_gather(others, local)
        assert n == 1 or not np.allclose(others[0].numpy(), others[1].numpy()), "averaged inside no_sync"
    else:
        F.cross_entropy(model(tl.tensor(X[mine])), tl.tensor(Y[mine])).backward()
for p, q in zip(model.module.parameters(), reference.parameters()):
    close(p.grad.numpy(), q.grad.numpy(), "float64", "no_sync gradients")
ref_opt.step()
opt.step()
close(flat(model.module), flat(reference), "float64", "no_sync step")
say("no_sync ok")

# .module and state_dict keys
assert model.module is not None and isinstance(model.module, LeNet5)
keys = list(model.state_dict())
assert keys == ["module." + k for k in model.module.state_dict()], keys

# a parameter no forward pass uses: left as one process leaves it, the others trained alike


class TwoHeads(tl.nn.Module):
    def __init__(self):
        super().__init__()
        self.used, self.unused = tl.nn.Linear(4, 3), tl.nn.Linear(4, 3)

    def forward(self, x):
        return self.used(x)


data = rng.standard_normal((K * B, 4))
tl.manual_seed(0)
reference = TwoHeads().double()
tl.manual_seed(r)
model = DDP(TwoHeads().double(), find_unused_parameters=True)
unused_before = model.module.unused.weight.numpy().copy()
ref_opt, opt = optimizer("sgd", reference.parameters()), optimizer("sgd", model.parameters())
for k in range(K):
    batch, mine = slice(k * B, (k + 1) * B), slice(k * B + r * share, k * B + (r + 1) * share)
    for m, o, rows in ((reference, ref_opt, batch), (model, opt, mine)):
        o.zero_grad()
        F.cross_entropy(m(tl.tensor(data[rows])), tl.tensor(Y[rows] % 3)).backward()
        o.step()
close(flat(model.module), flat(reference), "float64", "unused parameter")
assert np.array_equal(model.module.unused.weight.numpy(), unused_before)
assert model.module.unused.weight.grad is None and reference.unused.weight.grad is None  # as in one process
say("unused ok")

# DataLoader + DistributedSampler (shuffle=False): rank r's batch k holds samples k*B + r + n*i
dataset = TensorDataset(X, Y)
sampler = DistributedSampler(dataset, shuffle=False)
loader = DataLoader(dataset, batch_size=share, sampler=sampler)
assert len(sampler) == K * share and len(loader) == K
reference, model = lenet("float64", 0), DDP(lenet("float64", r))
ref_opt, opt = optimizer("sgd", reference.parameters()), optimizer("sgd", model.parameters())
sampler.set_epoch(0)
for (x, y), (x_ref, y_ref) in zip(loader, DataLoader(dataset, batch_size=B)):
    for m, o, inputs, targets in ((model, opt, x, y), (reference, ref_opt, x_ref, y_ref)):
        o.zero_grad()
        F.cross_entropy(m(inputs), targets).backward()
        o.step()
close(flat(model.module), flat(reference), "float64", "DataLoader + DistributedSampler")
say("loader ok")
dist.destroy_process_group()
"""


@pytest.mark.slow
@pytest.mark.parametrize("nproc", [2, 4])
def test_ddp_equals_one_process_with_the_whole_batch(tmp_path: Path, nproc: int) -> None:
    pytest.importorskip("mpi4py")
    out = run(nproc, DDP_EXACT, tmp_path).stdout
    assert out.count("exact ") == 4 * nproc and out.count("loader ok") == nproc, out


# --- failures ------------------------------------------------------------------------------------------------

WAITS_FOR_RANK_1 = """
dist.init_process_group()
r = dist.get_rank()
say("ready", r, os.getpid())
if r == 1:
    time.sleep(0.5)  # rank 0 is waiting in all_reduce by now
    {what}
dist.all_reduce(tl.ones(3))
time.sleep(30)  # (not reached: rank 1 never joins the all_reduce)
"""


def test_a_failing_rank_stops_every_rank_with_one_line(tmp_path: Path) -> None:
    pytest.importorskip("mpi4py")
    start = time.perf_counter()
    result = run(2, WAITS_FOR_RANK_1.format(what='raise ValueError("no such digit")'), tmp_path, ok=False)
    took = time.perf_counter() - start
    assert result.returncode != 0 and took < 10, (took, result.stderr)
    lines = [line for line in result.stderr.splitlines() if re.match(r"rank \d of \d", line)]
    assert lines == ["rank 1 of 2 failed: ValueError: no such digit"], result.stderr


def pids_of(stdout: str) -> list[int]:
    return [int(pid) for pid in re.findall(r"^ready \d (\d+)$", stdout, re.M)]


def gone(pid: int) -> bool:
    """True once the process is gone (or a zombie about to be reaped)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(") ")[1].startswith("Z")
    except (FileNotFoundError, ProcessLookupError):
        return True


def test_a_killed_rank_stops_every_rank_with_one_line(tmp_path: Path) -> None:
    pytest.importorskip("mpi4py")
    start = time.perf_counter()
    result = run(2, WAITS_FOR_RANK_1.format(what="os.kill(os.getpid(), signal.SIGKILL)"), tmp_path, ok=False)
    took = time.perf_counter() - start
    assert result.returncode == 128 + 9 and took < 10, (took, result.stderr)
    assert result.stderr.strip().splitlines() == ["rank 1 of 2 was killed by signal 9 (SIGKILL): every rank stopped"]
    assert "BAD TERMINATION" not in result.stdout and "===" not in result.stdout, result.stdout
    assert sorted(re.findall(r"^ready (\d)", result.stdout, re.M)) == ["0", "1"]  # other output passed through
    assert all(gone(pid) for pid in pids_of(result.stdout))


def test_sigterm_to_the_launcher_stops_every_rank(tmp_path: Path) -> None:
    pytest.importorskip("mpi4py")
    script = tmp_path / "script.py"
    script.write_text(PREAMBLE + WAITS_FOR_RANK_1.format(what="time.sleep(30)"))
    launcher = subprocess.Popen(
        launch(2, script), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=environment()
    )
    assert launcher.stdout is not None
    ready = [launcher.stdout.readline() for _ in range(2)]
    start = time.perf_counter()
    launcher.send_signal(signal.SIGTERM)
    stdout, stderr = launcher.communicate(timeout=20)
    took = time.perf_counter() - start
    assert launcher.returncode == 128 + signal.SIGTERM and took < 10, (took, stderr)
    assert re.fullmatch(
        r"rank \d of 2 was stopped by signal 15 \(SIGTERM\) sent to the launcher: every rank stopped\n", stderr
    )
    deadline = time.monotonic() + 5
    pids = pids_of("".join(ready))
    while not all(gone(pid) for pid in pids) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(pids) == 2 and all(gone(pid) for pid in pids)


def test_launcher_replaces_only_hydras_block() -> None:
    from tinygrad_lenet.distributed.run import Termination, filtered

    block = [
        b"\n",
        b"=" * 83 + b"\n",
        b"=   BAD TERMINATION OF ONE OF YOUR APPLICATION PROCESSES\n",
        b"=   PID 4242 RUNNING AT vm\n",
        b"=   EXIT CODE: 11\n",
        b"=   CLEANING UP REMAINING PROCESSES\n",
        b"=   YOU CAN IGNORE THE BELOW CLEANUP MESSAGES\n",
        b"=" * 83 + b"\n",
        b"YOUR APPLICATION TERMINATED WITH THE EXIT STRING: Segmentation fault (signal 11)\n",
        b"This typically refers to a problem with your application.\n",
        b"Please see the FAQ page for debugging suggestions\n",
    ]
    script = [b"step 1\n", b"\n", b"=" * 50 + b"\n", b"a table\n", b"=" * 50 + b"\n", b"\n", b"\n"]
    terminations: list[Termination] = []
    assert list(filtered(script + block + [b"after\n"], terminations)) == script + [b"after\n"]
    assert len(terminations) == 1
    assert terminations[0].line({4242: 3}, 4, []) == "rank 3 of 4 was killed by signal 11 (SIGSEGV): every rank stopped"
    assert terminations[0].line({}, 4, []).startswith("a rank of 4 (pid 4242) was killed")
    assert terminations[0].exit_code() == 139


# --- the example ---------------------------------------------------------------------------------------------


@pytest.mark.slow
def test_ddp_example_on_one_process_and_two_ranks_reaches_the_same_loss(tmp_path: Path) -> None:
    pytest.importorskip("mpi4py")
    example = ROOT / "examples" / "ddp_train.py"
    outputs = {}
    for nproc in (0, 2):
        cwd = tmp_path / str(nproc)
        cwd.mkdir()
        result = subprocess.run(
            launch(nproc, example, "--steps", "6", "--out", "ckpt.safetensors"),
            capture_output=True,
            text=True,
            timeout=300,
            env=environment(),
            cwd=cwd,
        )
        assert result.returncode == 0, result.stdout + result.stderr
        outputs[nproc] = result.stdout
        assert (cwd / "ckpt.safetensors").exists()
    losses = {k: [float(v) for v in re.findall(r"^step \d+ loss (\d+\.\d+)", out, re.M)] for k, out in outputs.items()}
    assert len(losses[0]) == 6 and losses[0] == pytest.approx(losses[2], rel=1e-4), outputs
    assert "world size 2" in outputs[2] and "world size 1" in outputs[0]
