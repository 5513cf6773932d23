"""torchvision's transforms for MNIST-style images: ``ToTensor``, ``Normalize``, ``Compose``, ``Lambda``,
``Pad``, ``Resize``, ``RandomAffine``, ``RandomRotation``.

Each works on one image, as in torchvision (a PIL image, or a (H, W) / (H, W, C) array for
``ToTensor``; a (C, H, W) tensor after it), and each but ``Lambda`` also has ``batch(x)`` for
a whole (N, ...) array at once: the datasets of :mod:`vision.datasets` use it to read a batch
with one vectorized pass instead of one Python call per image.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Protocol, runtime_checkable

import numpy as np

from ..data import transforms as batched
from ..tensor.tensor import Tensor


def _array(image: Any) -> np.ndarray:
    return image._array if isinstance(image, Tensor) else np.asarray(image)


@runtime_checkable
class BatchTransform(Protocol):
    """A transform with a batched form: ``batch(x)`` does to a whole (N, ...) array what calling it
    does to each image."""

    def __call__(self, image: Any) -> Any: ...

    def batch(self, images: np.ndarray) -> np.ndarray: ...


class Compose:
    """Apply transforms in order."""

    def __init__(self, transforms: Sequence[Callable[[Any], Any]]) -> None:
        self.transforms = list(transforms)

    def __call__(self, image: Any) -> Any:
        for t in self.transforms:
            image = t(image)
        return image

    @property
    def batchable(self) -> bool:
        return all(isinstance(t, BatchTransform) for t in self.transforms)

    def batch(self, images: np.ndarray) -> np.ndarray:
        for t in self.transforms:
            if not isinstance(t, BatchTransform):
                raise AttributeError(f"Compose.batch: {t!r} has no batched form (no batch method)")
            images = t.batch(images)
        return images

    def __repr__(self) -> str:
        return "Compose([" + ", ".join(map(repr, self.transforms)) + "])"


class ToTensor:
    """A PIL image or (H, W) / (H, W, C) array to a float32 (C, H, W) tensor; uint8 scaled to [0, 1]."""

    def __call__(self, image: Any) -> Tensor:
        array = np.asarray(image)
        if array.ndim == 2:
            array = array[None]
        elif array.ndim == 3:
            array = array.transpose(2, 0, 1)
        else:
            raise ValueError(f"ToTensor expects an (H, W) or (H, W, C) image, got shape {array.shape}")
        return Tensor(np.ascontiguousarray(self._scale(array)))

    def batch(self, images: np.ndarray) -> np.ndarray:
        """(N, H, W) gray images to (N, 1, H, W) float32."""
        return self._scale(images[:, None] if images.ndim == 3 else images)

    @staticmethod
    def _scale(array: np.ndarray) -> np.ndarray:
        return batched.ToFloat()(array)

    def __repr__(self) -> str:
        return "ToTensor()"


class Normalize:
    """(x - mean[c]) / std[c] for each channel c of a (C, H, W) tensor (or an (N, C, H, W) batch)."""

    def __init__(self, mean: float | Sequence[float], std: float | Sequence[float], inplace: bool = False) -> None:
        self.mean = np.asarray(mean, dtype=np.float32).reshape(-1, 1, 1)
        self.std = np.asarray(std, dtype=np.float32).reshape(-1, 1, 1)
        if (self.std <= 0).any():
            raise ValueError(f"Normalize: std must be positive, got {std}")

    def __call__(self, image: Any) -> Tensor:
        return Tensor(self.batch(_array(image)))

    def batch(self, images: np.ndarray) -> np.ndarray:
        return ((images - self.mean) / self.std).astype(np.float32, copy=False)

    def __repr__(self) -> str:
        return f"Normalize(mean={self.mean.ravel().tolist()}, std={self.std.ravel().tolist()})"


class Lambda:
    """A function of your own as a transform (per image only: datasets then read one by one)."""

    def __init__(self, fn: Callable[[Any], Any]) -> None:
        self.fn = fn

    def __call__(self, image: Any) -> Any:
        return self.fn(image)

    def __repr__(self) -> str:
        return "Lambda()"


class _OnArrays:
    """A transform of :mod:`tinygrad_lenet.data.transforms`, which works on (..., H, W) arrays."""

    inner: Callable[[np.ndarray], np.ndarray]

    def __call__(self, image: Any) -> Any:
        out = self.batch(_array(image).astype(np.float32, copy=False) if isinstance(image, Tensor) else _array(image))
        return Tensor(out) if isinstance(image, Tensor) else out

    def batch(self, images: np.ndarray) -> np.ndarray:
        return self.inner(images)


class Pad(_OnArrays):
    """Pad the last two dims by ``padding`` pixels on every side with ``fill``."""

    def __init__(self, padding: int, fill: float = 0, padding_mode: str = "constant") -> None:
        if padding_mode != "constant" or not isinstance(padding, int):
            raise NotImplementedError("Pad: only an int padding in mode 'constant' is supported")
        self.inner = batched.Pad(padding, fill)

    def __repr__(self) -> str:
        return repr(self.inner)


class Resize(_OnArrays):
    """Resize the last two dims to ``size`` (an int: the smaller side; or (H, W)) by bilinear
    interpolation (no antialiasing)."""

    def __init__(self, size: int | Sequence[int]) -> None:
        self.size = size
        self.inner = self._resize

    def _resize(self, images: np.ndarray) -> np.ndarray:
        *lead, h, w = images.shape
        if isinstance(self.size, int):
            nh, nw = (self.size, round(w * self.size / h)) if h <= w else (round(h * self.size / w), self.size)
        else:
            nh, nw = self.size
        ys = np.clip((np.arange(nh) + 0.5) * h / nh - 0.5, 0, h - 1)
        xs = np.clip((np.arange(nw) + 0.5) * w / nw - 0.5, 0, w - 1)
        y0, x0 = np.floor(ys).astype(int), np.floor(xs).astype(int)
        y1, x1 = np.minimum(y0 + 1, h - 1), np.minimum(x0 + 1, w - 1)
        wy, wx = (ys - y0)[:, None], (xs - x0)[None, :]
        src = images.astype(np.float32, copy=False)
        top = src[..., y0, :][..., :, x0] * (1 - wx) + src[..., y0, :][..., :, x1] * wx
        bottom = src[..., y1, :][..., :, x0] * (1 - wx) + src[..., y1, :][..., :, x1] * wx
        out = top * (1 - wy) + bottom * wy
        return (
            out.astype(images.dtype) if images.dtype.kind == "f" else np.clip(np.rint(out), 0, 255).astype(images.dtype)
        )

    def __repr__(self) -> str:
        return f"Resize(size={self.size})"


def _pair(value: float | Sequence[float], name: str) -> float:
    """torchvision's symmetric ranges: ``degrees=10`` or ``(-10, 10)``; the magnitude is kept."""
    if isinstance(value, (int, float)):
        return float(value)
    low, high = value
    if low != -high:
        raise NotImplementedError(f"{name}: only symmetric ranges (-a, a) are supported, got {value}")
    return float(high)


class RandomAffine(_OnArrays):
    """Random rotation, translation, scaling and horizontal shear, as ``torchvision.transforms.RandomAffine``;
    each image (of a batch too) gets its own draw from the package generator."""

    def __init__(
        self,
        degrees: float | Sequence[float],
        translate: Sequence[float] | None = None,
        scale: Sequence[float] | None = None,
        shear: float | Sequence[float] | None = None,
        fill: float = 0,
    ) -> None:
        self.inner = batched.RandomAffine(
            degrees=_pair(degrees, "degrees"),
            translate=translate,
            scale=scale,
            shear=_pair(shear, "shear") if shear is not None else 0.0,
            fill=fill,
        )

    def batch(self, images: np.ndarray) -> np.ndarray:
        return self.inner(images.astype(np.float32, copy=False))

    def __repr__(self) -> str:
        return repr(self.inner)


class RandomRotation(RandomAffine):
    """A random rotation in [-degrees, degrees], as ``torchvision.transforms.RandomRotation``."""

    def __init__(self, degrees: float | Sequence[float], fill: float = 0) -> None:
        super().__init__(degrees, fill=fill)
