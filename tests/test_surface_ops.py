"""Factories, conversions, random sampling and the CUDA/AMP/default-device surface: values against numpy or
known values, gradients by central differences, and the clear errors at the public boundary."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import arrays, broadcast_pairs, leaf, shapes

import tinygrad_lenet as tl

# --- ranges and constants --------------------------------------------------------------------------------


@pytest.mark.parametrize("steps", [0, 1, 2, 5, 50])
def test_linspace_and_logspace_match_numpy_and_hit_both_ends(steps: int) -> None:
    line = tl.linspace(-2.0, 3, steps, dtype=tl.float64)
    np.testing.assert_allclose(line.numpy(), np.linspace(-2.0, 3, steps), rtol=1e-15, atol=1e-15)
    if steps > 1:
        assert line[0].item() == -2.0 and line[-1].item() == 3.0
    log = tl.logspace(-1, 2, steps, base=2.0, dtype=tl.float64)
    np.testing.assert_allclose(log.numpy(), np.logspace(-1, 2, steps, base=2.0), rtol=1e-14)


def test_linspace_takes_0d_tensors_and_the_default_dtype() -> None:
    line = tl.linspace(tl.tensor(0.0), tl.tensor(1), 3)
    assert line.dtype == tl.float32 and line.tolist() == [0.0, 0.5, 1.0]
    with pytest.raises(ValueError, match="steps"):
        tl.linspace(0, 1, -1)
    with pytest.raises(ValueError, match="0-d"):
        tl.linspace(tl.zeros(2), 1, 3)


@pytest.mark.parametrize(("row", "col", "offset"), [(3, 3, 0), (4, 2, 1), (2, 5, -1), (0, 3, 0), (3, 4, 7)])
def test_tril_and_triu_indices_are_the_triangles_row_by_row(row: int, col: int, offset: int) -> None:
    lower, upper = tl.tril_indices(row, col, offset), tl.triu_indices(row, col, offset)
    assert lower.dtype == upper.dtype == tl.int64
    mask = np.tri(row, col, offset, dtype=bool)
    np.testing.assert_array_equal(lower.numpy(), np.stack(np.nonzero(mask)).reshape(2, -1))
    np.testing.assert_array_equal(upper.numpy(), np.stack(np.nonzero(~np.tri(row, col, offset - 1, dtype=bool))))


def test_full_and_scalar_tensor_take_pytorchs_dtypes() -> None:
    assert tl.full((2,), 3).dtype == tl.int64 and tl.full((2,), True).dtype == tl.bool
    assert tl.full((2,), 1.5).dtype == tl.float32 and tl.full((), 2, dtype=tl.float64).dtype == tl.float64
    s = tl.scalar_tensor(3)
    assert s.shape == () and s.dtype == tl.float32 and s.item() == 3.0


@pytest.mark.parametrize("factory", ["empty_strided", "empty_permuted"])
def test_empty_strided_and_permuted_give_the_shape_asked_for(factory: str) -> None:
    layout = [2, 0, 1] if factory == "empty_permuted" else [1, 6, 2]
    t = getattr(tl, factory)([2, 3, 4], layout, dtype=tl.float64)
    assert t.shape == (2, 3, 4) and t.dtype == tl.float64
    with pytest.raises(ValueError):
        getattr(tl, factory)([2, 3], [0])


def test_factories_refuse_out_other_devices_and_grad_on_integers() -> None:
    with pytest.raises(TypeError, match="out="):
        tl.zeros(2, out=tl.zeros(2))
    with pytest.raises(RuntimeError, match="CPU only"):
        tl.ones(2, device="cuda")
    with pytest.raises(TypeError, match="floating-point"):
        tl.arange(3, requires_grad=True)
    assert tl.randn(2, 3, dtype=tl.float64, requires_grad=True, device="cpu").requires_grad


# --- tensors made from a tensor ----------------------------------------------------------------------------


@given(shape=shapes, size=st.lists(st.integers(0, 3), max_size=3))
@settings(max_examples=10, deadline=None)
def test_new_factories_take_the_dtype_of_the_tensor(shape: tuple[int, ...], size: list[int]) -> None:
    x = tl.Tensor(np.zeros(shape, dtype=np.float64))
    for t, value in ((x.new_zeros(size), 0), (x.new_ones(size), 1), (x.new_full(size, 2.5), 2.5)):
        assert t.dtype == tl.float64 and t.shape == tuple(size)
        assert np.all(t.numpy() == value)
    assert x.new_empty(*size).shape == tuple(size) and x.new_empty_strided(size, size).dtype == tl.float64
    assert x.new_zeros(size, dtype=tl.int32).dtype == tl.int32
    assert x.new_tensor([1, 2]).tolist() == [1.0, 2.0] and x.new_tensor([1, 2]).dtype == tl.float64


@pytest.mark.parametrize(
    ("method", "dtype"),
    [
        ("byte", tl.uint8),
        ("char", tl.int8),
        ("short", tl.int16),
        ("int", tl.int32),
        ("long", tl.int64),
        ("half", tl.float16),
        ("float", tl.float32),
        ("double", tl.float64),
        ("bool", tl.bool),
    ],
)
def test_dtype_shortcuts_convert_and_accept_memory_format(method: str, dtype: np.dtype) -> None:
    x = tl.tensor([[0.0, 1.5], [-2.5, 3.0]])
    y = getattr(x, method)(memory_format=tl.channels_last)
    assert y.dtype == dtype
    np.testing.assert_array_equal(y.numpy(), x.numpy().astype(dtype))
    with pytest.raises(ValueError, match="memory_format"):
        getattr(x, method)(memory_format="diagonal")


def test_complex_conversions_say_complex_is_not_supported() -> None:
    for method in ("cfloat", "cdouble", "chalf"):
        with pytest.raises(tl.DTypeError, match="complex"):
            getattr(tl.zeros(2), method)()


@given(data=st.data(), shape=shapes)
@settings(max_examples=10, deadline=None)
def test_casts_and_to_pass_gradients_back(data: st.DataObject, shape: tuple[int, ...]) -> None:
    x = data.draw(arrays(shape))
    assert tl.gradcheck(lambda t: t.float().double() * 2, [leaf(x)], eps=1e-3, atol=1e-3)
    assert tl.gradcheck(lambda t: t.to("cpu", tl.float64, False, True) * t, [leaf(x)])
    assert tl.gradcheck(lambda t: t.to(dtype=tl.float64, memory_format="preserve_format", copy=True), [leaf(x)])


def test_to_returns_the_tensor_itself_unless_a_copy_or_another_dtype_is_asked_for() -> None:
    x = tl.tensor([1.0, 2.0], dtype=tl.float64)
    assert x.to(tl.float64) is x and x.to("cpu") is x and x.to(x) is x
    copy = x.to(tl.float64, False, True)
    assert copy is not x and copy.tolist() == x.tolist()
    assert x.to(tl.float32).dtype == tl.float32 and x.type() == "torch.DoubleTensor"
    assert x.type("torch.LongTensor").dtype == tl.int64
    with pytest.raises(tl.DTypeError, match="unknown tensor type"):
        x.type("torch.FancyTensor")


def test_resize_keeps_the_values_in_memory_order_and_pads_with_zeros() -> None:
    x = tl.arange(6).reshape(2, 3).t()
    assert x.resize_(3, 2).tolist() == [[0, 3], [1, 4], [2, 5]]
    assert x.resize_([4]).tolist() == [0, 3, 1, 4]
    assert x.resize_(7).tolist() == [0, 3, 1, 4, 0, 0, 0]
    assert tl.resize_as_(tl.zeros(4), tl.zeros(2, 2)).shape == (2, 2)
    with pytest.raises(tl.GradError, match="requires grad"):
        tl.zeros(2, requires_grad=True).resize_(3)


# --- random sampling ---------------------------------------------------------------------------------------


def test_randint_takes_high_size_or_low_high_size() -> None:
    g = tl.Generator().manual_seed(0)
    a = tl.randint(10, (3, 4), generator=g)
    b = tl.randint(5, 7, [100])
    assert a.shape == (3, 4) and a.dtype == tl.int64 and 0 <= a.min().item() and a.max().item() < 10
    assert set(b.tolist()) <= {5, 6} and tl.randint(0, 3, size=(2,), dtype=tl.float64).dtype == tl.float64
    like = tl.randint_like(tl.zeros(2, 3, dtype=tl.float64), 2, 4)
    assert like.shape == (2, 3) and like.dtype == tl.float64 and set(like.tolist()[0]) <= {2.0, 3.0}
    with pytest.raises(ValueError, match="low must be below high"):
        tl.randint(5, 5, (2,))
    with pytest.raises(TypeError, match="randint"):
        tl.randint(5)


def test_bernoulli_draws_zeros_and_ones_with_the_given_probabilities() -> None:
    tl.manual_seed(0)
    p = tl.tensor([0.0, 1.0, 0.3], dtype=tl.float64)
    draws = tl.stack([tl.bernoulli(p) for _ in range(2000)])
    assert draws.dtype == tl.float64
    assert draws[:, 0].sum().item() == 0 and draws[:, 1].sum().item() == 2000
    assert abs(draws[:, 2].mean().item() - 0.3) < 0.05
    assert set(tl.zeros(50).bernoulli(0.5).tolist()) <= {0.0, 1.0}
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        tl.tensor([1.5]).bernoulli()


def test_multinomial_follows_the_weights_and_never_repeats_without_replacement() -> None:
    g = tl.Generator().manual_seed(1)
    weights = tl.tensor([[0.0, 1.0, 3.0], [1.0, 0.0, 0.0]], dtype=tl.float64)
    many = tl.multinomial(weights, 4000, replacement=True, generator=g)
    assert many.shape == (2, 4000) and many.dtype == tl.int64
    assert set(many[1].tolist()) == {0} and abs((many[0] == 2).float().mean().item() - 0.75) < 0.05
    once = tl.tensor([1.0, 2.0, 3.0, 4.0]).multinomial(4, generator=g)
    assert sorted(once.tolist()) == [0, 1, 2, 3]
    with pytest.raises(ValueError, match="non-zero weights"):
        weights.multinomial(2)
    with pytest.raises(tl.ShapeError):
        tl.zeros(2, 2, 2).multinomial(1)


@given(data=st.data(), pair=broadcast_pairs)
@settings(max_examples=10, deadline=None)
def test_normal_is_mean_plus_std_times_noise_and_differentiable(
    data: st.DataObject, pair: tuple[tuple[tuple[int, ...], ...], tuple[int, ...]]
) -> None:
    (mean_shape, std_shape), out_shape = pair
    mean, std = data.draw(arrays(mean_shape)), np.abs(data.draw(arrays(std_shape))) + 0.1

    def draw(m: tl.Tensor, s: tl.Tensor) -> tl.Tensor:
        return tl.normal(m, s, generator=tl.Generator().manual_seed(3))

    eps = np.random.default_rng(3).standard_normal(out_shape)
    np.testing.assert_allclose(draw(leaf(mean), leaf(std)).numpy(), mean + std * eps, rtol=1e-12)
    assert tl.gradcheck(draw, [leaf(mean), leaf(std)])


def test_normal_with_numbers_poisson_and_seeded_repeatability() -> None:
    tl.manual_seed(7)
    first = tl.normal(2.0, 0.5, (3, 2), dtype=tl.float64)
    tl.manual_seed(7)
    assert first.shape == (3, 2) and first.tolist() == tl.normal(2.0, 0.5, (3, 2), dtype=tl.float64).tolist()
    assert tl.normal(tl.zeros(4), 1.0).shape == (4,) and tl.normal(1.0, tl.ones(2, 2)).shape == (2, 2)
    counts = tl.poisson(tl.full((20000,), 4.0))
    assert counts.dtype == tl.float32 and abs(counts.mean().item() - 4.0) < 0.1
    with pytest.raises(TypeError, match="size"):
        tl.normal(0.0, 1.0)
    with pytest.raises(ValueError, match="non-negative"):
        tl.poisson(tl.tensor([-1.0]))


# --- default dtype and device, bfloat16 ---------------------------------------------------------------------


def test_set_default_dtype_is_honoured_by_python_floats_and_factories() -> None:
    assert tl.get_default_dtype() == tl.float32
    try:
        tl.set_default_dtype(tl.float64)
        assert tl.tensor([1.5]).dtype == tl.float64 and tl.zeros(2).dtype == tl.float64
        assert tl.randn(2).dtype == tl.float64 and (tl.arange(3) * 0.5).dtype == tl.float64
        assert tl.nn.Linear(2, 2).weight.dtype == tl.float64
    finally:
        tl.set_default_dtype(tl.float32)
    assert tl.tensor([1.5]).dtype == tl.float32
    with pytest.raises(tl.DTypeError, match="float32 or float64"):
        tl.set_default_dtype(tl.int64)


def test_default_device_is_the_cpu_and_others_are_refused() -> None:
    tl.set_default_device("cpu")
    tl.set_default_device(None)
    assert tl.get_default_device() == "cpu"
    with pytest.raises(RuntimeError, match="CPU only"):
        tl.set_default_device("cuda:0")


def test_bfloat16_is_a_dtype_users_can_name() -> None:
    pytest.importorskip("ml_dtypes")
    y = tl.tensor([1.0, 2.5]).bfloat16()
    assert y.dtype == tl.bfloat16 and y.float().tolist() == [1.0, 2.5]
    assert tl.zeros(2, dtype=tl.bfloat16).dtype == tl.bfloat16 and repr(tl.bfloat16) == "bfloat16"


# --- CUDA, AMP and distributed as a CPU script sees them -------------------------------------------------------


def test_cuda_calls_of_a_cpu_script_run_and_do_nothing() -> None:
    state = tl.get_rng_state()
    tl.cuda.manual_seed(0)
    tl.cuda.manual_seed_all(0)
    assert tl.get_rng_state() == state
    assert not tl.cuda.is_available() and tl.cuda.device_count() == 0
    tl.backends.cudnn.deterministic, tl.backends.cudnn.benchmark = True, False
    tl.backends.cuda.matmul.allow_tf32 = True
    assert tl.backends.cudnn.deterministic and tl.backends.cuda.matmul.allow_tf32
    with pytest.raises(TypeError, match="int"):
        tl.cuda.manual_seed("0")


def test_autocast_changes_no_dtype_and_says_so_when_enabled() -> None:
    x = tl.ones(2, 2)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with tl.amp.autocast(device_type="cpu", enabled=False), tl.cuda.amp.autocast(enabled=False):
            assert (x @ x).dtype == tl.float32
    with pytest.warns(UserWarning, match="keep their tensors' dtype"):
        context = tl.amp.autocast("cpu")
    with context:
        assert tl.amp.is_autocast_enabled() and (x @ x).dtype == tl.float32
    assert not tl.amp.is_autocast_enabled()
    with pytest.warns(UserWarning, match="disabled"):
        assert not tl.amp.autocast("cuda").enabled
    with pytest.raises(ValueError, match="device_type"):
        tl.amp.autocast("tpu")


def test_grad_scaler_is_a_real_no_op() -> None:
    w = tl.nn.Parameter(tl.tensor([1.0, -2.0]))
    optimizer = tl.optim.SGD([w], lr=0.5)
    scaler = tl.amp.GradScaler(enabled=False)
    loss = (w * w).sum()
    assert scaler.scale(loss) is loss
    scaler.scale(loss).backward()
    scaler.unscale_(optimizer)
    scaler.step(optimizer)
    scaler.update()
    assert w.tolist() == [0.0, 0.0] and scaler.get_scale() == 1.0 and scaler.state_dict() == {}
    with pytest.warns(UserWarning, match="without scaling"):
        assert not tl.cuda.amp.GradScaler().is_enabled()


def test_distributed_and_nn_parallel_import_without_mpi_and_say_whether_it_is_there() -> None:
    import importlib.util

    import tinygrad_lenet.distributed as dist
    import tinygrad_lenet.nn.parallel

    assert dist.is_available() == (importlib.util.find_spec("mpi4py") is not None)
    assert not dist.is_initialized() and tinygrad_lenet.nn.parallel.__all__ == ["DistributedDataParallel"]
    with pytest.raises(RuntimeError, match="has not been initialized"):
        dist.get_rank()
