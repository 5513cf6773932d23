"""The benchmark workloads, each written once for a framework ``T`` (tinygrad_lenet or torch).

Because tinygrad_lenet takes PyTorch's names, one function builds the same model, data and
training step under both: what is compared is the framework, not two hand-written programs.
Inputs are random (speed does not depend on the values), float32.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Workload:
    """A step to time: ``build(T, compiled)`` returns a function running one step (through
    ``T.compile(model, options=compiled)`` when ``compiled`` is a dict, eagerly when it is None);
    ``batch`` images per step."""

    name: str
    description: str
    batch: int
    build: Callable[[Any, dict[str, Any] | None], Callable[[], None]]
    target: float  # the ratio ours/PyTorch the issue asks for


def lenet5(T: Any) -> Any:
    """The modern LeNet-5 (61,706 parameters, 32x32 inputs) as ``T.nn.Sequential``: layers 0, 3, 7, 9
    and 11 are ``models.LeNet5``'s conv1, conv2, fc1, fc2 and fc3."""
    nn = T.nn
    return nn.Sequential(
        nn.Conv2d(1, 6, 5),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Conv2d(6, 16, 5),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Flatten(),
        nn.Linear(400, 120),
        nn.ReLU(),
        nn.Linear(120, 84),
        nn.ReLU(),
        nn.Linear(84, 10),
    )


def _examples_net(T: Any) -> Any:
    """The network of pytorch/examples mnist/main.py (32 and 64 channels of 3x3 on 28x28)."""
    nn = T.nn
    return nn.Sequential(
        nn.Conv2d(1, 32, 3, 1),
        nn.ReLU(),
        nn.Conv2d(32, 64, 3, 1),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Dropout(0.25),
        nn.Flatten(),
        nn.Linear(9216, 128),
        nn.ReLU(),
        nn.Dropout(0.5),
        nn.Linear(128, 10),
        nn.LogSoftmax(dim=1),
    )


def _mlp(T: Any) -> Any:
    """The quickstart's network: 784-512-512-10 with ReLU."""
    nn = T.nn
    return nn.Sequential(
        nn.Flatten(), nn.Linear(784, 512), nn.ReLU(), nn.Linear(512, 512), nn.ReLU(), nn.Linear(512, 10)
    )


def training(
    model_of: Callable[[Any], Any], batch: int, side: int, optimizer: str, loss: str, **options: Any
) -> Callable:
    def build(T: Any, compiled: dict[str, Any] | None = None) -> Callable[[], None]:
        T.manual_seed(0)
        model = model_of(T)
        opt = getattr(T.optim, optimizer)(model.parameters(), **options)
        x, y = T.randn(batch, 1, side, side), T.randint(0, 10, (batch,))
        loss_fn = getattr(T.nn.functional, loss)
        forward = model if compiled is None else T.compile(model, options=compiled)

        def step() -> None:
            opt.zero_grad()
            loss_fn(forward(x), y).backward()
            opt.step()

        return step

    build.recipe = (model_of, side, optimizer, loss, options)  # type: ignore[attr-defined]  # bench --procs
    return build


def inference(model_of: Callable[[Any], Any], batch: int, side: int) -> Callable:
    def build(T: Any, compiled: dict[str, Any] | None = None) -> Callable[[], None]:
        T.manual_seed(0)
        model = model_of(T).eval()
        x = T.randn(batch, 1, side, side)
        forward = model if compiled is None else T.compile(model, options=compiled)

        def step() -> None:
            with T.no_grad():
                forward(x)

        return step

    return build


WORKLOADS = [
    Workload(
        "lenet5-train-64",
        "LeNet-5 training step (forward, cross-entropy, backward, Adam), batch 64",
        64,
        training(lenet5, 64, 32, "Adam", "cross_entropy", lr=1e-3),
        1.3,
    ),
    Workload(
        "lenet5-train-256",
        "LeNet-5 training step, batch 256",
        256,
        training(lenet5, 256, 32, "Adam", "cross_entropy", lr=1e-3),
        1.0,
    ),
    Workload("lenet5-infer-64", "LeNet-5 inference, batch 64", 64, inference(lenet5, 64, 32), 1.5),
    Workload("lenet5-infer-1000", "LeNet-5 inference, batch 1000", 1000, inference(lenet5, 1000, 32), 1.5),
    Workload(
        "examples-train-64",
        "pytorch/examples MNIST network training (Adadelta, nll), batch 64",
        64,
        training(_examples_net, 64, 28, "Adadelta", "nll_loss", lr=1.0),
        0.9,
    ),
    Workload(
        "mlp-train-64",
        "MLP 784-512-512-10 training (SGD, cross-entropy), batch 64",
        64,
        training(_mlp, 64, 28, "SGD", "cross_entropy", lr=1e-3),
        1.2,
    ),
]
"""The workloads ``tinygrad-lenet bench`` times beside PyTorch (LeNet-5 training and inference, the
examples net, an MLP)."""
