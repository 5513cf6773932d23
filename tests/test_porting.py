"""PyTorch code runs after changing its imports: promotion, namespace functions, tensor methods,
devices, utils.data, vision datasets and transforms, Dropout2d, Adadelta, grad modes."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from strategies import arrays, leaf, nonempty_shapes

import tinygrad_lenet as torch  # as a ported script would import it
import tinygrad_lenet.nn as nn
import tinygrad_lenet.nn.functional as F
import tinygrad_lenet.optim as optim
from tinygrad_lenet.data.mnist import SAMPLE_ROOT
from tinygrad_lenet.optim.lr_scheduler import StepLR
from tinygrad_lenet.utils.data import DataLoader, TensorDataset, random_split
from tinygrad_lenet.vision import datasets, transforms


# --- dtypes --------------------------------------------------------------------------------------------
def test_type_promotion_is_pytorchs() -> None:
    f, i, d0 = torch.ones(2), torch.tensor([1, 2]), torch.tensor(2.0, dtype=torch.float64)
    assert (f * i).dtype == torch.float32 and (i * f).dtype == torch.float32  # numpy would say float64
    assert (f * d0).dtype == torch.float32  # a 0-d tensor does not widen a tensor with dims
    assert (i + d0).dtype == torch.float64  # but a higher category wins
    assert (i * 2.5).dtype == torch.float32 and (i * 2).dtype == torch.int64 and (f * 2.0).dtype == torch.float32
    assert (torch.ones(2, dtype=torch.float64) * f).dtype == torch.float64
    assert torch.tensor([0.1], dtype=torch.float64).item() == 0.1  # exact, not float32's 0.10000000149
    assert (torch.float, torch.double, torch.long, torch.int, torch.half, torch.bool) == (
        np.float32,
        np.float64,
        np.int64,
        np.int32,
        np.float16,
        np.bool_,
    )


# --- namespace functions and tensor methods ----------------------------------------------------------------
def test_namespace_functions_are_the_methods() -> None:
    x = torch.tensor([[3.0, -1.0, 2.0], [0.0, 5.0, -4.0]])
    for name in ("exp", "abs", "relu", "sigmoid", "tanh", "flatten"):
        np.testing.assert_array_equal(getattr(torch, name)(x).numpy(), getattr(x, name)().numpy())
    np.testing.assert_allclose(torch.log(x.abs() + 1).numpy(), np.log(np.abs(x.numpy()) + 1), rtol=1e-6)
    assert torch.sum(x).item() == 5.0 and torch.sum(x, 1).tolist() == [4.0, 1.0] and torch.mean(x, dim=0).shape == (3,)
    assert torch.argmax(x).item() == 4 and torch.argmin(x, 1).tolist() == [1, 2]
    values, indices = torch.max(x, 1)
    assert values.tolist() == [3.0, 5.0] and indices.tolist() == [0, 1] and torch.max(x).item() == 5.0
    assert torch.max(x, torch.zeros(2, 3)).tolist() == [[3.0, 0.0, 2.0], [0.0, 5.0, 0.0]]
    assert torch.clamp(x, min=0).min().item() == 0 and torch.softmax(x, 1).sum(1).tolist() == pytest.approx([1, 1])
    assert torch.matmul(x, x.t()).shape == (2, 2) and torch.mm(x, x.T).shape == (2, 2)
    assert torch.bmm(torch.ones(4, 2, 3), torch.ones(4, 3, 5)).shape == (4, 2, 5)
    assert torch.topk(x, 2).values.tolist() == [[3.0, 2.0], [5.0, 0.0]]
    assert torch.allclose(x, x + 1e-9) and torch.equal(x, x.clone()) and not torch.equal(x, x[:1])
    assert torch.isclose(x, x).all().item() and torch.is_tensor(x) and torch.numel(x) == 6
    assert torch.std(x).item() == pytest.approx(np.std(x.numpy(), ddof=1), rel=1e-6)
    assert torch.zeros(2, 2).shape == torch.Size([2, 2]) and torch.empty(3).shape == (3,)
    assert torch.linspace(0, 1, 5).tolist() == [0.0, 0.25, 0.5, 0.75, 1.0]
    torch.manual_seed(0)
    assert sorted(torch.randperm(5).tolist()) == [0, 1, 2, 3, 4] and torch.randint(0, 3, (100,)).max().item() <= 2
    shared = np.arange(3.0)
    assert torch.from_numpy(shared).numpy() is shared and torch.as_tensor(shared).numpy() is shared


def test_tensor_methods_of_everyday_code() -> None:
    x = torch.arange(6.0).reshape(2, 3)
    assert x.view_as(torch.zeros(3, 2)).shape == (3, 2) and x.reshape_as(torch.zeros(6)).shape == (6,)
    np.testing.assert_array_equal(x.repeat(2, 2).numpy(), np.tile(x.numpy(), (2, 2)))
    np.testing.assert_array_equal(x.repeat(2, 1, 1).numpy(), np.tile(x.numpy(), (2, 1, 1)))
    assert [c.shape for c in x.chunk(2, 1)] == [(2, 2), (2, 1)] and [s.shape for s in x.split([1, 2], 1)] == [
        (2, 1),
        (2, 2),
    ]
    assert x.norm().item() == pytest.approx(np.linalg.norm(x.numpy())) and x.norm(1).item() == 15.0
    assert x.t().shape == (3, 2) and x.T.contiguous()._array.flags.c_contiguous and x.contiguous() is x
    assert x.numel() == 6 and x.dim() == 2 and x.size(1) == 3 and x.size() == (2, 3) and x.cpu() is x
    assert x.type() == "torch.FloatTensor" and x.long().type() == "torch.LongTensor" and x.int().dtype == np.int32
    assert x.bool().dtype == np.bool_ and x.type(torch.float64).dtype == np.float64
    assert (
        x.to(torch.float64).dtype == np.float64
        and x.to("cpu") is x
        and x.to(torch.device("cpu"), torch.long).dtype == np.int64
    )
    assert x.to(torch.zeros(1, dtype=torch.float64)).dtype == np.float64
    loss = torch.tensor(0.123456)
    assert f"{loss:>10.4f}" == "    0.1235" and f"{loss.item():.2f}" == "0.12" and "tensor" in f"{x}"
    with pytest.raises(TypeError, match="needs a one-element tensor"):
        f"{x:.2f}"
    assert ["a", "b", "c"][torch.tensor(2)] == "c" and list(range(torch.tensor(3))) == [0, 1, 2]
    with pytest.raises(TypeError, match="only integer tensors of a single element"):
        ["a"][torch.tensor(0.0)]
    assert abs(torch.tensor([-2.0])).tolist() == [2.0] and int(torch.tensor(3.7)) == 3 and float(torch.tensor(2)) == 2.0
    assert bool(torch.tensor([1])) and x.flip(1)[0].tolist() == [2.0, 1.0, 0.0]


@given(data=st.data(), shape=nonempty_shapes)
def test_gradients_of_clone_flip_repeat_and_topk(data: st.DataObject, shape: tuple[int, ...]) -> None:
    x = data.draw(arrays(shape))
    dims = tuple(sorted(data.draw(st.sets(st.integers(0, len(shape) - 1), min_size=1))))
    assert torch.gradcheck(lambda t: (t.clone() * t).flip(*dims), [leaf(x)])
    assert torch.gradcheck(lambda t: t.repeat(*([2] + [1] * (len(shape) - 1))) ** 2, [leaf(x)])
    distinct = np.argsort(np.argsort(x, axis=None)).reshape(x.shape) * 0.1  # no ties: topk's choice is stable
    assert torch.gradcheck(lambda t: torch.topk(t * 2, 1, dim=-1).values, [leaf(distinct)])


# --- devices ---------------------------------------------------------------------------------------------
def test_devices_are_the_cpu_and_asking_for_a_gpu_is_one_clear_error() -> None:
    assert (
        not torch.cuda.is_available() and not torch.accelerator.is_available() and not torch.backends.mps.is_available()
    )
    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    assert str(device) == "cpu" and device == "cpu" and repr(device) == "device(type='cpu')"
    model = nn.Linear(2, 2).to(device)
    assert model.cpu() is model and model.to(device, torch.float64).weight.dtype == np.float64
    for ask in (
        lambda: torch.device("cuda"),
        lambda: torch.ones(2).to("cuda"),
        lambda: torch.zeros(2, device="cuda:0"),
        lambda: nn.Linear(2, 2).to("mps"),
    ):
        with pytest.raises(RuntimeError, match=r"runs on the CPU only \(numpy\); use 'cpu'"):
            ask()


# --- utils.data and vision ----------------------------------------------------------------------------------
def torchvision_folder(tmp_path: Path, name: str = "MNIST") -> Path:
    """The bundled sample laid out as torchvision leaves a download: root/NAME/raw."""
    raw = tmp_path / name / "raw"
    raw.mkdir(parents=True)
    for path in SAMPLE_ROOT.glob("*.gz"):
        shutil.copy(path, raw / path.name)
    return tmp_path


def test_vision_mnist_reads_torchvisions_layout_and_gives_its_samples(tmp_path: Path) -> None:
    root = torchvision_folder(tmp_path)
    transform = transforms.Compose([transforms.ToTensor(), transforms.Normalize((0.1307,), (0.3081,))])
    train = datasets.MNIST(str(root), train=True, download=True, transform=transform)  # nothing to download
    test = datasets.MNIST(root, train=False)
    assert (
        len(train) == 8000
        and len(test) == 1000
        and train.targets.dtype == np.int64
        and train.data.shape == (8000, 28, 28)
    )
    image, label = datasets.MNIST(root, transform=transforms.ToTensor())[0]
    assert isinstance(image, torch.Tensor) and image.shape == (1, 28, 28) and image.dtype == np.float32
    assert 0.0 <= image.min().item() and image.max().item() == 1.0 and label == 5 and isinstance(label, int)
    loader = DataLoader(train, batch_size=64)
    x, y = next(iter(loader))
    by_sample = torch.stack([train[i][0] for i in range(64)])
    np.testing.assert_allclose(x.numpy(), by_sample.numpy(), rtol=1e-6)  # the batched path gives the same
    assert y.tolist() == [train[i][1] for i in range(64)] and len(loader.dataset) == 8000 and len(loader) == 125
    slow = DataLoader(
        datasets.MNIST(root, transform=transforms.Compose([transforms.ToTensor(), transforms.Lambda(lambda t: t * 2)])),
        4,
    )
    assert next(iter(slow))[0].max().item() == 2.0  # a Lambda: read one by one, still stacked
    with pytest.raises(torch.DataError, match="does not hold the train files; pass download=True"):
        datasets.MNIST(tmp_path / "empty")
    fashion = datasets.FashionMNIST(torchvision_folder(tmp_path / "f", "FashionMNIST"), train=False)
    assert len(fashion) == 1000 and fashion.classes[9] == "Ankle boot"


def test_fashion_mnist_downloads_into_torchvisions_layout_checking_the_published_md5(tmp_path: Path) -> None:
    """A local mirror (127.0.0.1) serves the bundled sample's files; the checksums are those of the .gz files."""
    import functools
    import hashlib
    import http.server
    import threading

    served = tmp_path / "served"
    served.mkdir()
    for path in SAMPLE_ROOT.glob("t10k-*.gz"):
        shutil.copy(path, served / path.name)
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(served))
    handler.log_message = lambda *args: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    md5 = {
        f"test-{kind}": hashlib.md5(
            (served / f"t10k-{kind}-idx{3 if kind == 'images' else 1}-ubyte.gz").read_bytes()
        ).hexdigest()
        for kind in ("images", "labels")
    }

    class LocalFashion(datasets.FashionMNIST):
        mirrors = (f"http://127.0.0.1:{server.server_address[1]}/",)
        md5s = {**datasets.FashionMNIST.md5s, **md5}

    try:
        data = LocalFashion(tmp_path / "root", train=False, download=True)
        assert len(data) == 1000 and (tmp_path / "root" / "LocalFashion" / "raw" / "t10k-images-idx3-ubyte.gz").exists()

        class WrongChecksum(LocalFashion):
            md5s = {**md5, "test-images": "0" * 32}

        with pytest.raises(torch.DataError, match="checksum mismatch"):
            WrongChecksum(tmp_path / "other", train=False, download=True)
    finally:
        server.shutdown()
        server.server_close()


def test_vision_transforms() -> None:
    image = (np.arange(28 * 28) % 256).astype(np.uint8).reshape(28, 28)
    tensor = transforms.ToTensor()(image)
    assert transforms.Normalize((0.5,), (0.5,))(tensor).min().item() == pytest.approx(-1.0)
    assert transforms.Pad(2)(tensor).shape == (1, 32, 32) and transforms.Resize(14)(tensor).shape == (1, 14, 14)
    assert transforms.Resize((32, 32))(image).shape == (32, 32)
    torch.manual_seed(0)
    rotated = transforms.RandomRotation(15)(tensor)
    assert rotated.shape == (1, 28, 28) and not np.allclose(rotated.numpy(), tensor.numpy())
    assert transforms.RandomAffine(0, translate=(0.1, 0.1), scale=(0.9, 1.1))(tensor).shape == (1, 28, 28)
    assert transforms.ToTensor()(np.zeros((5, 6, 3), np.uint8)).shape == (3, 5, 6)


def test_dataloader_takes_pytorchs_arguments_and_generator() -> None:
    data = TensorDataset(torch.arange(10.0).reshape(10, 1), torch.arange(10))
    assert [t.tolist() for t in data[2:4]] == [[[2.0], [3.0]], [2, 3]] and data[0][1].item() == 0

    def order(g: torch.Generator) -> list:
        loader = DataLoader(
            data, 3, shuffle=True, num_workers=2, pin_memory=True, persistent_workers=False, generator=g
        )
        return [y.tolist() for _, y in loader]

    assert order(torch.Generator().manual_seed(1)) == order(torch.Generator().manual_seed(1))
    first, second = random_split(data, [7, 3], generator=torch.Generator().manual_seed(0))
    assert len(first) == 7 and len(second) == 3
    batches = list(DataLoader(data, 4, collate_fn=lambda samples: len(samples)))
    assert batches == [4, 4, 2]


# --- nn, optim, grad modes --------------------------------------------------------------------------------------
def test_dropout2d_zeroes_whole_channels() -> None:
    torch.manual_seed(0)
    out = nn.Dropout2d(0.5)(torch.ones(8, 16, 4, 4)).numpy()
    per_channel = out.reshape(8, 16, -1)
    assert set(np.unique(per_channel)) <= {0.0, 2.0} and (per_channel.min(-1) == per_channel.max(-1)).all()
    assert 0.3 < (per_channel[..., 0] == 0).mean() < 0.7
    assert nn.Dropout2d(0.5).eval()(torch.ones(1, 2, 3, 3)).sum().item() == 18.0


def test_adadelta_follows_its_formula() -> None:
    p = nn.Parameter(torch.tensor([1.0, -2.0], dtype=torch.float64))
    opt = optim.Adadelta([p], lr=1.0, rho=0.9, eps=1e-6)
    v = u = np.zeros(2)
    expected = p.numpy().copy()
    for grad in ([0.5, -1.0], [0.2, 0.4], [-0.3, 0.1]):
        g = np.array(grad)
        p.grad = torch.tensor(grad, dtype=torch.float64)
        opt.step()
        v = 0.9 * v + 0.1 * g * g
        delta = np.sqrt(u + 1e-6) / np.sqrt(v + 1e-6) * g
        u = 0.9 * u + 0.1 * delta * delta
        expected = expected - delta
        np.testing.assert_allclose(p.numpy(), expected, rtol=1e-12)


def test_grad_modes_of_pytorch() -> None:
    @torch.no_grad
    def without() -> bool:
        return torch.is_grad_enabled()

    assert without() is False and torch.is_grad_enabled()
    w = torch.ones(2, requires_grad=True)
    with torch.inference_mode():
        assert not (w * 2).requires_grad and not torch.is_grad_enabled()
    with torch.set_grad_enabled(False):
        assert not torch.is_grad_enabled()
    assert torch.is_grad_enabled()
    torch.set_grad_enabled(False)
    assert not torch.is_grad_enabled()
    torch.set_grad_enabled(True)


# --- a script in the style of pytorch/examples mnist/main.py ------------------------------------------------------
class SmallNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 8, 3, 1)
        self.dropout1 = nn.Dropout(0.25)
        self.fc1 = nn.Linear(8 * 13 * 13, 32)
        self.fc2 = nn.Linear(32, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = torch.flatten(self.dropout1(x), 1)
        return F.log_softmax(self.fc2(F.relu(self.fc1(x))), dim=1)


def test_a_script_written_for_pytorch_trains_with_only_its_imports_changed(tmp_path: Path) -> None:
    """The idioms of the pytorch/examples MNIST script, written as a PyTorch user would."""
    use_accel = torch.accelerator.is_available()
    torch.manual_seed(1)
    device = torch.accelerator.current_accelerator() if use_accel else torch.device("cpu")
    transform = transforms.Compose([transforms.ToTensor(), transforms.Normalize((0.1307,), (0.3081,))])
    root = torchvision_folder(tmp_path)
    train_loader = torch.utils.data.DataLoader(
        datasets.MNIST(root, train=True, download=True, transform=transform), batch_size=64
    )
    test_loader = torch.utils.data.DataLoader(datasets.MNIST(root, train=False, transform=transform), batch_size=1000)
    model = SmallNet().to(device)
    optimizer = optim.Adadelta(model.parameters(), lr=1.0)
    scheduler = StepLR(optimizer, step_size=1, gamma=0.7)
    for epoch in range(1, 3):
        model.train()
        for batch_idx, (data, target) in enumerate(train_loader):
            data, target = data.to(device), target.to(device)
            optimizer.zero_grad()
            loss = F.nll_loss(model(data), target)
            loss.backward()
            optimizer.step()
            line = (
                f"Train Epoch: {epoch} [{batch_idx * len(data)}/{len(train_loader.dataset)}]\tLoss: {loss.item():.6f}"
            )
        scheduler.step()
    assert line.startswith("Train Epoch: 2 [7936/8000]") and optimizer.param_groups[0]["lr"] == pytest.approx(0.49)
    model.eval()
    test_loss, correct = 0, 0
    with torch.no_grad():
        for data, target in test_loader:
            output = model(data)
            test_loss += F.nll_loss(output, target, reduction="sum").item()
            pred = output.argmax(dim=1, keepdim=True)
            correct += pred.eq(target.view_as(pred)).sum().item()
    assert correct / len(test_loader.dataset) > 0.9 and test_loss / len(test_loader.dataset) < 0.35


def test_autograd_grad_returns_gradients_and_leaves_grad_alone() -> None:
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    w = torch.tensor([3.0, -1.0], requires_grad=True)
    y = ((x * w) ** 2).sum()
    gx, gw = torch.autograd.grad(y, [x, w], retain_graph=True)
    assert gx.tolist() == [18.0, 4.0] and gw.tolist() == [6.0, -8.0] and x.grad is None and w.grad is None
    middle = x * w
    (g_middle,) = torch.autograd.grad((middle * middle).sum(), middle)  # a non-leaf input
    assert g_middle.tolist() == [6.0, -4.0]
    unused = torch.ones(2, requires_grad=True)
    with pytest.raises(torch.GradError, match="input 1 .* was not used"):
        torch.autograd.grad((x * 2).sum(), [x, unused])
    assert torch.autograd.grad((x * 2).sum(), [x, unused], allow_unused=True)[1] is None
    two = torch.autograd.grad([x.sum(), (x * 3).sum()], x)[0]
    assert two.tolist() == [4.0, 4.0]
    weighted = torch.autograd.grad(x * 2, x, grad_outputs=torch.tensor([1.0, 10.0]))[0]
    assert weighted.tolist() == [2.0, 20.0]
    torch.autograd.backward([x.sum(), (x * w).sum()])
    assert x.grad.tolist() == [4.0, 0.0]


def test_register_hook_sees_and_may_replace_gradients() -> None:
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    seen = []
    handle = x.register_hook(lambda g: seen.append(g.tolist()))
    y = x * 3
    y.register_hook(lambda g: g * 10)  # a result's hook replaces its gradient before it flows on
    (y * y).sum().backward()
    assert seen == [[180.0, 360.0]] and x.grad.tolist() == [180.0, 360.0]
    handle.remove()
    x.grad = None
    (x * 1).sum().backward()
    assert seen == [[180.0, 360.0]] and x.grad.tolist() == [1.0, 1.0]
    with pytest.raises(torch.GradError, match="does not require grad"):
        torch.ones(2).register_hook(print)
