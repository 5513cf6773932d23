"""Indexing ops by flat positions: every gather-like op is a :class:`Take` and every scatter-like op a
:class:`Put`, given the row-major flat positions (``lin``, an integer array) of the elements they read or
write.

The Tensor methods turn their own index arguments (a dim and an index tensor, a mask, a slice, a
diagonal, strides) into ``lin`` by indexing an array of positions, ``arange(numel).reshape(shape)``,
the same way; the ops then work on the flattened arrays. ``lin`` is an op argument, not an input: an
index is never differentiated.
"""

from __future__ import annotations

import numpy as np

from ..autodiff.function import Function, Grads

REDUCTIONS = ("none", "sum", "prod", "mean", "amax", "amin")
"""How :class:`Put` combines the values written to one place: ``none`` assigns (the last write wins)."""

_UFUNCS = {"sum": np.add, "prod": np.multiply, "amax": np.maximum, "amin": np.minimum, "mean": np.add}


def _identity(reduce: str, dtype: np.dtype) -> float | int | bool:
    """The value a place starts from when its own value is not included (``include_self=False``)."""
    if reduce in ("sum", "mean"):
        return 0
    if reduce == "prod":
        return 1
    if dtype == np.bool_:
        return reduce == "amin"
    big = np.inf if dtype.kind == "f" else np.iinfo(dtype).max
    return -big if reduce == "amax" else big


def last_writes(lin: np.ndarray) -> np.ndarray:
    """Which of the writes to the flat positions ``lin`` (in order) are the last to their place: the ones
    whose value an assignment keeps."""
    _, from_end = np.unique(lin[::-1], return_index=True)
    return lin.size - 1 - from_end


class Take(Function):
    """y = x.ravel()[lin]: the elements at flat positions ``lin``, in the shape of ``lin``."""

    diag_gn = Function.routes_like_backward

    def forward(self, x: np.ndarray, lin: np.ndarray) -> np.ndarray:
        self.shape, self.dtype, self.lin = x.shape, x.dtype, lin
        return x.reshape(-1)[lin]

    def backward(self, grad: np.ndarray) -> Grads:
        """dL/dx = zeros with dL/dy added at the positions read (a position read twice gets both)."""
        size = int(np.prod(self.shape))
        dx = np.bincount(self.lin.reshape(-1), weights=grad.reshape(-1), minlength=size)
        return (dx.astype(self.dtype, copy=False).reshape(self.shape),)


class Put(Function):
    """y = x with the values ``src`` (broadcast to the shape of ``lin``) combined into the flat positions ``lin``
    by ``reduce`` (one of :data:`REDUCTIONS`); with ``include_self=False`` a written place forgets x."""

    def forward(self, x: np.ndarray, src: np.ndarray, lin: np.ndarray, reduce: str, include_self: bool) -> np.ndarray:
        flat_lin = lin.reshape(-1)
        values = np.broadcast_to(src, lin.shape).reshape(-1).astype(x.dtype, copy=False)
        out = np.array(x, copy=True, order="C").reshape(-1)
        written = np.zeros(out.size, dtype=bool)
        written[flat_lin] = True
        self.lin, self.values, self.written, self.reduce = flat_lin, values, written, reduce
        self.include_self, self.lin_shape = include_self or reduce == "none", lin.shape
        if reduce == "none":
            self.winners = last_writes(flat_lin)
            out[flat_lin[self.winners]] = values[self.winners]
            return out.reshape(x.shape)
        if not include_self:
            out[written] = _identity(reduce, out.dtype)
        _UFUNCS[reduce].at(out, flat_lin, values)
        if reduce == "mean":
            self.count = np.bincount(flat_lin, minlength=out.size) + (1 if include_self else 0)
            self.count[~written] = 1
            out = out // self.count if out.dtype.kind in "iub" else out / self.count
        self.save_for_backward(x)  # prod, amax and amin read x again (check_versions guards it)
        self.out = out
        return out.reshape(x.shape)

    def backward(self, grad: np.ndarray) -> Grads:
        """Per place p with value y_p = reduce(x_p if kept, the src_i written to p):
        none: dy_p/dx_p = 0 where p is written, else 1; dy_p/dsrc_i = 1 for the last write to p only;
        sum: dy_p/dx_p = 1 where x_p is kept, else 0; dy_p/dsrc_i = 1;
        mean: both 1/count_p; prod: the product of the other factors (zeros handled by counting them);
        amax/amin: 1/k for each of the k factors equal to y_p (ties share evenly), 0 for the others."""
        g = grad.reshape(-1)
        kept = ~self.written if not self.include_self else np.ones_like(self.written)
        if self.reduce == "none":
            dx, dsrc = np.where(self.written, 0, g), np.zeros(self.lin.size, dtype=g.dtype)
            dsrc[self.winners] = g[self.lin[self.winners]]
        elif self.reduce == "sum":
            dx, dsrc = np.where(kept, g, 0), g[self.lin]
        elif self.reduce == "mean":
            dx, dsrc = np.where(kept, g / self.count, 0), (g / self.count)[self.lin]
        elif self.reduce == "prod":
            dx, dsrc = self._prod_grads(g, kept)
        else:
            dx, dsrc = self._extreme_grads(g, kept)
        x_grad = dx.astype(grad.dtype, copy=False).reshape(grad.shape) if self.needs_input_grad[0] else None
        src_grad = dsrc.astype(grad.dtype, copy=False).reshape(self.lin_shape) if self.needs_input_grad[1] else None
        return x_grad, src_grad

    def _prod_grads(self, g: np.ndarray, kept: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """d prod / d factor = the product of the other factors, computed without dividing by a zero."""
        x = self.saved_tensors[0].reshape(-1)
        size = x.size
        self_factor = np.where(kept, x, 1)
        zeros = np.bincount(self.lin, weights=self.values == 0, minlength=size) + (self_factor == 0)
        nonzero_prod = np.where(self_factor == 0, 1, self_factor).astype(np.float64)
        np.multiply.at(nonzero_prod, self.lin, np.where(self.values == 0, 1, self.values))

        def others(value: np.ndarray, place: np.ndarray) -> np.ndarray:
            z, p = zeros[place], nonzero_prod[place]
            safe = np.where(value == 0, 1, value)
            return np.where(value == 0, np.where(z == 1, p, 0), np.where(z == 0, p / safe, 0))

        every = np.arange(size)
        dx = np.where(kept, g * others(self_factor, every), 0)
        return dx, g[self.lin] * others(self.values, self.lin)

    def _extreme_grads(self, g: np.ndarray, kept: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """amax/amin: the gradient of a place shared evenly by the factors equal to its result."""
        self_is = kept & (self.saved_tensors[0].reshape(-1) == self.out)
        src_is = self.values == self.out[self.lin]
        ties = np.bincount(self.lin, weights=src_is, minlength=self.out.size) + self_is
        share = g / np.where(ties == 0, 1, ties)
        return np.where(self_is, share, 0), np.where(src_is, share[self.lin], 0)


# --- flat positions of the elements an index names ---------------------------------------------------------
def positions(shape: tuple[int, ...]) -> np.ndarray:
    """The row-major flat position of every element of a tensor of ``shape``, in that shape."""
    return np.arange(int(np.prod(shape)), dtype=np.int64).reshape(shape)


def along_dim(shape: tuple[int, ...], dim: int, index: np.ndarray) -> np.ndarray:
    """gather/scatter's positions: ``lin[i][j][k] = pos[i][index[i][j][k]][k]`` (for ``dim`` 1), where the
    index may be smaller than the tensor in every dim (it then names the leading part only)."""
    pos = positions(shape).reshape(shape or (1,))
    idx = index.reshape(index.shape or (1,))
    sizes: tuple[int, ...] = idx.shape
    leading = tuple(slice(0, n) if d != dim else slice(None) for d, n in enumerate(sizes))
    return np.take_along_axis(pos[leading], idx, axis=dim).reshape(index.shape)


def strided(size: tuple[int, ...], stride: tuple[int, ...], offset: int) -> np.ndarray:
    """as_strided's positions: ``offset + sum_d i_d * stride_d`` for every index ``i`` of ``size``."""
    lin = np.full(size, offset, dtype=np.int64)
    for d, (n, s) in enumerate(zip(size, stride)):
        lin += (np.arange(n, dtype=np.int64) * s).reshape((n,) + (1,) * (len(size) - d - 1))
    return lin
