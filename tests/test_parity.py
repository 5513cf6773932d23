"""Everyday PyTorch idioms, run verbatim under PyTorch and under tinygrad_lenet: same values, same dtypes.

Each idiom is written once, for a framework ``T`` (``torch`` or ``tinygrad_lenet``), ``F`` (its
``nn.functional``) and ``nn``; the test runs it under both and compares what it returns. It
skips without PyTorch; CI installs it (make parity), and so runs it.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

torch = pytest.importorskip("torch", reason="PyTorch is not installed (make parity installs torch==2.13.0)")

import tinygrad_lenet as tl  # noqa: E402  # after the importorskip above
import tinygrad_lenet.nn.functional as tlF  # noqa: E402  # after the importorskip above

# PyTorch's note that its padding="same" with an even kernel copies the input: about its speed, not its values
pytestmark = pytest.mark.filterwarnings("ignore:Using padding='same' with even kernel lengths:UserWarning")

Idiom = Callable[[Any, Any, Any], Any]


def _seeded(T: Any, *shape: int) -> Any:
    """The same values under both frameworks (a fixed numpy draw, not either framework's generator)."""
    values = np.random.default_rng(sum(shape)).standard_normal(shape).astype(np.float32)
    return T.tensor(values.tolist())


def _manual_sgd(T: Any, F: Any, nn: Any) -> Any:
    w = T.tensor([[0.5, -0.3], [0.1, 0.8]], requires_grad=True)
    x, y = T.tensor([[1.0, 2.0], [3.0, 4.0]]), T.tensor([[1.0, 0.0], [0.0, 1.0]])
    for _ in range(3):
        loss = ((x @ w - y) ** 2).mean()
        loss.backward()
        with T.no_grad():
            w -= 0.01 * w.grad
            w.grad.zero_()
    return w


def _inplace_graph(T: Any, F: Any, nn: Any) -> Any:
    a = T.tensor([1.0, 2.0, 3.0], requires_grad=True)
    b = a * 2
    b += 1
    b[0] = 5.0
    b.mul_(a)
    b.sum().backward()
    return a.grad


def _data_sharing(T: Any, F: Any, nn: Any) -> Any:
    p = nn.Parameter(T.zeros(3))
    p.data.fill_(0.01)
    p.data.add_(T.ones(3))
    p.data -= 0.5
    return p.detach()


def _hook(T: Any, F: Any, nn: Any) -> Any:
    x = T.tensor([1.0, 2.0], requires_grad=True)
    y = x * 3
    y.register_hook(lambda g: g * 10)
    (y * y).sum().backward()
    return x.grad


def _autograd_grad(T: Any, F: Any, nn: Any) -> Any:
    x = T.tensor([1.0, 2.0], requires_grad=True)
    w = T.tensor([3.0, -1.0], requires_grad=True)
    return T.autograd.grad(((x * w) ** 2).sum(), [x, w])


def _adadelta_steps(T: Any, F: Any, nn: Any) -> Any:
    p = nn.Parameter(T.tensor([1.0, -2.0, 0.5]))
    opt = T.optim.Adadelta([p], lr=1.0)
    scheduler = T.optim.lr_scheduler.StepLR(opt, step_size=1, gamma=0.7)
    for step in range(4):
        opt.zero_grad()
        ((p - step) ** 2).sum().backward()
        opt.step()
        scheduler.step()
    return p.detach(), opt.param_groups[0]["lr"]


def _grad_modes(T: Any, F: Any, nn: Any) -> Any:
    seen = []
    w = T.ones(2, requires_grad=True)
    for mode in (T.no_grad(), T.set_grad_enabled(False), T.inference_mode(), T.enable_grad()):
        with mode:
            seen += [T.is_grad_enabled(), (w * 2).requires_grad]
    return seen, T.is_grad_enabled()


def _dataloader(T: Any, F: Any, nn: Any) -> Any:
    data = T.utils.data.TensorDataset(T.arange(10.0).reshape(10, 1), T.arange(10))
    loader = T.utils.data.DataLoader(data, batch_size=4)
    return [y for _, y in loader] + [len(loader), len(loader.dataset), data[3][1]]


IDIOMS: dict[str, Idiom] = {
    "float32 * int64 tensor": lambda T, F, nn: T.ones(2) * T.tensor([1, 2]),
    "int64 tensor + float scalar": lambda T, F, nn: T.tensor([1, 2]) + 0.5,
    "int64 tensor * int scalar": lambda T, F, nn: T.tensor([1, 2]) * 3,
    "0-d float64 does not widen": lambda T, F, nn: T.ones(2) * T.tensor(2.0, dtype=T.float64),
    "int64 + 0-d float64": lambda T, F, nn: T.tensor([1, 2]) + T.tensor(2.0, dtype=T.float64),
    "float64 python floats are exact": lambda T, F, nn: T.tensor([0.1, 0.2], dtype=T.float64),
    "bool + int": lambda T, F, nn: T.tensor([True, False]) + 1,
    "arange int": lambda T, F, nn: T.arange(5),
    "arange float": lambda T, F, nn: T.arange(0, 1, 0.25),
    "linspace": lambda T, F, nn: T.linspace(0, 1, 5),
    "zeros_like ones_like full": lambda T, F, nn: (
        T.zeros_like(T.ones(2, 3)),
        T.ones_like(T.ones(2)),
        T.full((2,), 3.5),
    ),
    "flatten": lambda T, F, nn: T.flatten(_seeded(T, 2, 3, 4), 1),
    "sum mean std var": lambda T, F, nn: (
        T.sum(_seeded(T, 3, 4)),
        T.mean(_seeded(T, 3, 4), 0),
        _seeded(T, 3, 4).std(),
        _seeded(T, 3, 4).var(1),
    ),
    "max with dim": lambda T, F, nn: tuple(T.max(_seeded(T, 3, 4), 1)),
    "max values indices": lambda T, F, nn: (_seeded(T, 3, 4).max(dim=0).values, _seeded(T, 3, 4).max(dim=0).indices),
    "min elementwise": lambda T, F, nn: T.min(_seeded(T, 3, 4), T.zeros(3, 4)),
    "argmax keepdim": lambda T, F, nn: _seeded(T, 3, 4).argmax(dim=1, keepdim=True),
    "argmin flat": lambda T, F, nn: T.argmin(_seeded(T, 3, 4)),
    "topk": lambda T, F, nn: tuple(T.topk(_seeded(T, 3, 5), 2)),
    "exp log sqrt abs": lambda T, F, nn: (
        T.exp(_seeded(T, 4)),
        T.log(T.abs(_seeded(T, 4)) + 1),
        T.sqrt(T.abs(_seeded(T, 4))),
    ),
    "relu sigmoid tanh": lambda T, F, nn: (T.relu(_seeded(T, 4)), T.sigmoid(_seeded(T, 4)), T.tanh(_seeded(T, 4))),
    "softmax log_softmax": lambda T, F, nn: (T.softmax(_seeded(T, 2, 5), 1), T.log_softmax(_seeded(T, 2, 5), dim=1)),
    "clamp": lambda T, F, nn: T.clamp(_seeded(T, 6), min=-0.5, max=0.5),
    "matmul mm bmm": lambda T, F, nn: (
        T.matmul(_seeded(T, 2, 3), _seeded(T, 3, 4)),
        T.mm(_seeded(T, 2, 3), _seeded(T, 3, 2)),
        T.bmm(_seeded(T, 2, 2, 3), _seeded(T, 2, 3, 2)),
    ),
    "cat stack where": lambda T, F, nn: (
        T.cat([T.ones(2), T.zeros(3)]),
        T.stack([T.ones(2), T.zeros(2)], 1),
        T.where(_seeded(T, 4) > 0, _seeded(T, 4), T.zeros(4)),
    ),
    "allclose isclose equal": lambda T, F, nn: (
        T.allclose(T.ones(2), T.ones(2) + 1e-9),
        T.isclose(T.ones(2), T.zeros(2)),
        T.equal(T.ones(2), T.ones(2)),
    ),
    "view_as reshape_as expand_as": lambda T, F, nn: (
        T.arange(6).view_as(T.zeros(2, 3)),
        T.arange(6).reshape_as(T.zeros(3, 2)),
        T.ones(1, 3).expand_as(T.zeros(2, 3)),
    ),
    "repeat": lambda T, F, nn: T.arange(6).reshape(2, 3).repeat(2, 1, 2),
    "chunk split": lambda T, F, nn: (T.arange(7).chunk(3), T.arange(7).split(3), T.arange(6).split([1, 5])),
    "norm": lambda T, F, nn: (_seeded(T, 3, 4).norm(), _seeded(T, 3, 4).norm(p=1, dim=1)),
    "t flip": lambda T, F, nn: (T.arange(6).reshape(2, 3).t(), T.arange(6).reshape(2, 3).flip(1)),
    "type conversions": lambda T, F, nn: (
        T.ones(2).long(),
        T.ones(2).int(),
        T.tensor([0, 2]).bool(),
        T.ones(2).double(),
        T.tensor([1, 2]).float(),
        T.ones(2).type(T.float64),
        T.ones(2).type(),
    ),
    "to dtype and device": lambda T, F, nn: (
        T.ones(2).to(T.float64),
        T.ones(2).to("cpu"),
        T.ones(2).to(T.device("cpu")),
    ),
    "size numel dim": lambda T, F, nn: (
        T.zeros(2, 3).size(),
        T.zeros(2, 3).size(1),
        T.zeros(2, 3).numel(),
        T.zeros(2, 3).dim(),
        tuple(T.zeros(2, 3).shape),
    ),
    "item tolist format": lambda T, F, nn: (T.tensor(0.25).item(), T.arange(3).tolist(), f"{T.tensor(0.123456):>8.3f}"),
    "index a list with a tensor": lambda T, F, nn: ["a", "b", "c"][T.tensor(1)],
    "int float bool of tensors": lambda T, F, nn: (int(T.tensor(3.7)), float(T.tensor(2)), bool(T.tensor([1]))),
    "abs builtin": lambda T, F, nn: abs(T.tensor([-1.5, 2.0])),
    "eq view_as sum item": lambda T, F, nn: (
        T.tensor([[1], [2], [3]]).eq(T.tensor([1, 0, 3]).view_as(T.zeros(3, 1))).sum().item()
    ),
    "in-place arithmetic": lambda T, F, nn: T.ones(3).add_(1).mul_(3).sub_(T.ones(3), alpha=2).div_(2),
    "iadd keeps identity": lambda T, F, nn: (lambda x: (x.__iadd__(1) is x, x))(T.zeros(2)),
    "setitem": lambda T, F, nn: (lambda x: (x.__setitem__((slice(None), 1), 7.0), x.__setitem__(x > 6, -1.0), x)[2])(
        T.zeros(2, 3)
    ),
    "masked_fill": lambda T, F, nn: T.tensor([1.0, -2.0, 3.0]).masked_fill(T.tensor([False, True, False]), 0.0),
    "fill zero copy clamp": lambda T, F, nn: (
        T.zeros(3).fill_(2.5),
        T.ones(3).zero_(),
        T.zeros(2, 3).copy_(T.tensor([1.0, 2, 3])),
        T.tensor([-2.0, 0.5, 3.0]).clamp_(-1, 1),
    ),
    "manual sgd inside no_grad": _manual_sgd,
    "in-place inside a recorded graph": _inplace_graph,
    ".data shares memory": _data_sharing,
    "register_hook": _hook,
    "autograd.grad": _autograd_grad,
    "clone keeps the graph": lambda T, F, nn: (lambda x: (x.clone() * x).sum().backward() or x.grad)(
        T.tensor([1.0, 2.0], requires_grad=True)
    ),
    "detach requires_grad_": lambda T, F, nn: (
        T.ones(2, requires_grad=True).detach().requires_grad,
        T.ones(2).requires_grad_().requires_grad,
    ),
    "grad_fn of a result": lambda T, F, nn: (T.ones(2, requires_grad=True) * 2).grad_fn is not None,
    "no_grad set_grad_enabled inference_mode": _grad_modes,
    "cuda and accelerator unavailable": lambda T, F, nn: (T.cuda.is_available(), T.accelerator.is_available()),
    "nll_loss on log_softmax": lambda T, F, nn: (
        F.nll_loss(F.log_softmax(_seeded(T, 4, 3), dim=1), T.tensor([0, 2, 1, 1])),
        F.nll_loss(F.log_softmax(_seeded(T, 4, 3), 1), T.tensor([0, 2, 1, 1]), reduction="sum"),
    ),
    "cross_entropy": lambda T, F, nn: F.cross_entropy(_seeded(T, 4, 3), T.tensor([0, 2, 1, 1])),
    "dropout in eval": lambda T, F, nn: nn.Dropout2d(0.5).eval()(_seeded(T, 1, 2, 3, 3)),
    "Adadelta with StepLR": _adadelta_steps,
    "DataLoader over TensorDataset": _dataloader,
    "Size": lambda T, F, nn: (T.Size([2, 3]) == (2, 3), T.zeros(2, 3).shape == T.Size([2, 3])),
    "activations": lambda T, F, nn: tuple(
        f(_seeded(T, 9)) for f in (F.leaky_relu, F.elu, F.gelu, F.silu, F.softplus, F.mish, F.hardswish, F.relu6)
    ),
    "activation modules": lambda T, F, nn: tuple(
        m(_seeded(T, 9))
        for m in (nn.LeakyReLU(0.2), nn.GELU(approximate="tanh"), nn.Softplus(beta=2.0), nn.ReLU(inplace=True))
    ),
    "cross_entropy options": lambda T, F, nn: (
        F.cross_entropy(
            _seeded(T, 5, 4),
            T.tensor([0, 3, 1, 1, 2]),
            weight=T.tensor([1.0, 2.0, 0.5, 3.0]),
            ignore_index=1,
            label_smoothing=0.1,
        ),
        F.cross_entropy(_seeded(T, 5, 4), F.softmax(_seeded(T, 5, 4) * 2, 1), label_smoothing=0.2),
    ),
    "other losses": lambda T, F, nn: (
        F.binary_cross_entropy_with_logits(
            _seeded(T, 4, 3), F.sigmoid(_seeded(T, 4, 3) * 3), pos_weight=T.tensor([1.0, 2.0, 3.0])
        ),
        F.smooth_l1_loss(_seeded(T, 4, 3), _seeded(T, 4, 3) * 0, beta=0.5),
        F.huber_loss(_seeded(T, 4, 3), T.zeros(4, 3), delta=0.7),
        F.kl_div(F.log_softmax(_seeded(T, 4, 3), 1), F.softmax(_seeded(T, 4, 3) * 2, 1), reduction="batchmean"),
    ),
    "conv2d groups dilation same": lambda T, F, nn: (
        F.conv2d(_seeded(T, 1, 4, 7, 6), _seeded(T, 6, 2, 3, 3), None, 1, 1, 2, 2),
        F.conv2d(_seeded(T, 1, 2, 7, 6), _seeded(T, 3, 2, 4, 3), padding="same"),
    ),
    "adaptive_avg_pool2d linear unflatten": lambda T, F, nn: (
        F.adaptive_avg_pool2d(_seeded(T, 1, 2, 7, 5), (3, 2)),
        F.linear(_seeded(T, 2, 3), _seeded(T, 4, 3), _seeded(T, 4)),
        nn.Unflatten(1, (2, 3))(_seeded(T, 4, 6)),
    ),
    "embedding lookup and gradient": lambda T, F, nn: (
        lambda e: (
            e.weight.data.copy_(_seeded(T, 5, 3)),
            e(T.tensor([[1, 2], [2, 4]])).sum().backward(),
            e.weight.grad,
        )[2]
    )(nn.Embedding(5, 3)),
    "Adamax NAdam amsgrad maximize": lambda T, F, nn: tuple(
        (lambda p, opt: [opt.zero_grad(), ((p - 1) ** 2).sum().backward(), opt.step(), p.detach()][3])(
            p, cls([p], **kw)
        )
        for p, cls, kw in (
            (nn.Parameter(T.tensor([1.0, -2.0])), T.optim.Adamax, {}),
            (nn.Parameter(T.tensor([1.0, -2.0])), T.optim.NAdam, {}),
            (nn.Parameter(T.tensor([1.0, -2.0])), T.optim.Adam, {"amsgrad": True}),
            (nn.Parameter(T.tensor([1.0, -2.0])), T.optim.SGD, {"lr": 0.1, "maximize": True}),
        )
    ),
    "init functions": lambda T, F, nn: (
        nn.init.eye_(T.zeros(3, 3)),
        nn.init.constant_(T.zeros(2), 0.5),
        nn.init.calculate_gain("relu"),
    ),
}


def plain(value: Any) -> Any:
    """A framework's result as plain Python and numpy, to compare: arrays with their dtype names."""
    if isinstance(value, (torch.Tensor, tl.Tensor)):
        array = value.detach().numpy() if isinstance(value, torch.Tensor) else value.numpy()
        return ("array", str(array.dtype), array.tolist())
    if isinstance(value, (tuple, list)):
        return [plain(v) for v in value]
    if isinstance(value, str):
        return value.replace("torch.", "")
    return value


def close(a: Any, b: Any) -> bool:
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(close(x, y) for x, y in zip(a, b))
    if isinstance(a, tuple) and a[:1] == ("array",) and isinstance(b, tuple) and b[:1] == ("array",):
        return (
            a[1] == b[1]
            and np.allclose(
                np.asarray(a[2], dtype=float), np.asarray(b[2], dtype=float), rtol=1e-5, atol=1e-6, equal_nan=True
            )
            and np.shape(a[2]) == np.shape(b[2])
        )
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, rel_tol=1e-5, abs_tol=1e-7)
    return a == b


@pytest.mark.parametrize("name", sorted(IDIOMS))
def test_the_idiom_gives_what_pytorch_gives(name: str) -> None:
    idiom = IDIOMS[name]
    theirs = plain(idiom(torch, torch.nn.functional, torch.nn))
    torch.set_grad_enabled(True)
    ours = plain(idiom(tl, tlF, tl.nn))
    tl.set_grad_enabled(True)
    assert close(ours, theirs), f"\nours:   {ours}\ntheirs: {theirs}"
