# ---
# jupyter:
#   jupytext:
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # How a deep-learning compiler works
#
# `tl.compile(model)` makes LeNet-5's training steps faster without changing a line of the model.
# This notebook opens it up, in the three stages every deep-learning compiler has in some form:
#
# 1. **capture**: run the model once and write down the primitive ops it ran (a *tape*);
# 2. **planning**: turn the tape into kernels, rewrite patterns into faster ones, and allocate
#    every buffer once;
# 3. **replay**: run the kernels, forward and backward, on every later call.
#
# Then it rebuilds one rewrite by hand, the pool-blocked convolution, checks that compiled
# training gives eager mode's gradients, shows what happens to a model that cannot be compiled,
# and times the whole thing.

# %%
import time
import warnings

import matplotlib.pyplot as plt
import numpy as np

import tinygrad_lenet as tl
from tinygrad_lenet import nn, optim
from tinygrad_lenet.compiler import CompileError, CompileWarning
from tinygrad_lenet.compiler.capture import Capture
from tinygrad_lenet.models import LeNet5
from tinygrad_lenet.nn import functional as F

tl.tune_allocator()  # reuse memory between steps, in eager mode as in compiled mode
tl.set_num_threads(1)  # one BLAS thread: steadier timings on a machine shared with other programs
tl.manual_seed(0)
model = LeNet5()
x = tl.randn(64, 1, 32, 32)  # a batch of 64 images (random ones will do: only the shapes matter here)

# %% [markdown]
# ## Eager mode: one Tensor and one graph node per op
#
# Without a compiler every op runs the moment Python reaches it. Each one computes its result
# with numpy, wraps it in a new `Tensor` and, because the parameters require gradients, attaches
# a graph node (`grad_fn`) that remembers its inputs for the backward pass. Walking back from
# the output finds one node per op:


# %%
def graph_nodes(t):
    """The autograd nodes behind t, from the output back to the input."""
    seen, order, todo = set(), [], [t.grad_fn]
    while todo:
        fn = todo.pop()
        if fn is None or id(fn) in seen:
            continue
        seen.add(id(fn))
        order.append(fn)
        todo.extend(p.grad_fn for p in fn.parents)
    return order


out = model(x)
nodes = graph_nodes(out)
print(f"{len(nodes)} graph nodes:", " <- ".join(type(fn).__name__ for fn in nodes))

# %% [markdown]
# All of this happens again on every call: the same Python code, the same decisions, the same
# allocations, for a model whose ops never change. That is the opening a compiler uses.
#
# ## Capture: the tape
#
# `tl.compile` records one call. While a `Capture` is active, `Function.apply` (the entry of
# every op) hands the op to the recorder, which runs it eagerly as usual and appends a `Node` to
# the tape: the op's class, its non-tensor arguments, and a `Ref` for each tensor input saying
# where it came from:
#
# - `in0`: the call's first tensor argument (the images);
# - `ext0`, `ext1`, ...: an *external* tensor, made outside the recorded ops: here the parameters;
# - `v0`, `v1`, ...: the value of an earlier recorded op.

# %%
with Capture([x]) as capture:
    out = model(x)
tape = capture.finish(out)

for i, node in enumerate(tape.nodes):
    inputs = ", ".join(str(ref) for ref in node.args)
    print(f"v{i:<3d}= {node.name:9s}({inputs:15s}) -> {str(node.shape):17s} in {node.module}")
print("output:", tape.output, "  graph breaks:", tape.breaks)

# %% [markdown]
# Twelve ops, in the order they ran, and nothing else: the Python of `LeNet5.forward`, its shape
# check and its module calls, is gone. The `Relu`s are "in LeNet5" because `forward` calls
# `F.relu` itself rather than a module.
#
# The externals are the parameters themselves, not copies of their values:

# %%
names = {id(p): name for name, p in model.named_parameters()}
for i, t in enumerate(tape.externals):
    print(f"ext{i:<2d} {names[id(t)]:12s} {t.shape}")
print("ext0 is model.conv1.weight:", tape.externals[0] is model.conv1.weight)

# %% [markdown]
# A replay reads each external afresh: after `optimizer.step()` has changed the weights in place,
# the next replay multiplies by the new ones. Only what cannot be replayed is lost: a Python
# decision on a tensor's value (`if loss.item() > 1:`), random numbers drawn outside an op, an
# in-place write, a forward hook. The recorder notes each as a *graph break* (none here), and
# such a call runs eagerly (see "Fallback" below).
#
# ## Planning: kernels and a memory plan
#
# `tl.compile(model)` returns a module that does all of this for you. The first call with a
# given input signature (shapes, dtypes, grad mode, training flags) is recorded and planned;
# the second is replayed *and* run eagerly once more, to check that the recording did not miss a
# dependence on the inputs; from then on every call is a replay.

# %%
compiled = tl.compile(model)
first = compiled(x)  # recorded, planned, replayed
second = compiled(x)  # replayed and checked against eager mode
print(f"max |difference| compiled vs eager output: {np.abs(second.numpy() - model(x).numpy()).max():.2e}")
print(compiled.plan())

# %% [markdown]
# Lowering walks the tape once, looking for two patterns:
#
# - `Conv2d -> Relu -> MaxPool2d` (each op's only reader the next) becomes one
#   `Conv2d+Relu+MaxPool2d` kernel, the pool-blocked matrix product rebuilt below;
# - `Linear` on a 2-D input, with the `Relu` after it, becomes `Linear+Relu` (`fc3`, which has
#   no ReLU, a `Linear` kernel of the same kind).
#
# Every other op (here the `Reshape` of `Flatten`) is replayed by calling the op's own `forward`
# and `backward`, without making Tensors or graph nodes. Twelve ops become six kernels.
#
# The lines under each kernel are its **memory plan**: the arrays it writes, forward
# and backward (the columns, `W'`, `Y'`, the pooled output, the gradients `dW`, ...), allocated
# once when the replay is planned. Every call then writes into the same arrays with numpy's
# `out=` argument (`np.matmul(wp, cols, out=y)`, `np.maximum(a, b, out=top)`): no allocation, no
# freeing, and memory the cache has seen before. A replay lends its buffers to the output's
# autograd node until `backward` has run; two outputs alive at once get two replays.
#
# `tl.viz.draw_plan` draws the same plan: kernels with planned buffers in orange (with the ops
# they replace), ops replayed as they are in blue, parameters by name, arrows labelled with the
# shapes they carry.

# %%
tl.viz.draw_plan(compiled)

# %% [markdown]
# ## One rewrite by hand: the pool-blocked convolution
#
# Eager mode computes `conv1` as a matrix product: the im2col columns hold the 5x5 patch under
# each output pixel (25 numbers, 28 x 28 columns per image), and the (6 x 25) weight matrix
# multiplies them. Then the ReLU runs over the 6 x 28 x 28 maps, and the 2x2 max-pool keeps a
# quarter of them.
#
# The rewrite starts from the pooling instead. A 2x2 pooling window covers four neighbouring
# convolution outputs, and their four 5x5 patches together cover a **6x6** patch of the input.
# So take one column per *pooling window* (36 numbers, 14 x 14 columns per image) and a weight
# matrix W' with four blocks of rows: block (a, b) holds the six filters shifted by (a, b)
# inside the 6x6 patch, zeros elsewhere. One product W' X' then gives all four convolution
# outputs of every window.

# %%
w, b = model.conv1.weight.numpy(), model.conv1.bias.numpy()  # (6, 1, 5, 5), (6,)
filters, channels, kh, kw = w.shape
W_blocked = np.zeros((2, 2, filters, channels, kh + 1, kw + 1), dtype=w.dtype)
for a in range(2):
    for c in range(2):
        W_blocked[a, c, :, :, a : a + kh, c : c + kw] = w  # filter o, shifted by (a, c)
W_blocked = W_blocked.reshape(4 * filters, channels * (kh + 1) * (kw + 1))
print("W':", W_blocked.shape, f"({(W_blocked == 0).mean():.0%} zeros)")

fig, ax = plt.subplots(figsize=(7, 4.5))
cmap = plt.get_cmap("RdBu").with_extremes(bad="0.35")  # the zeros (masked) in dark grey
ax.imshow(np.ma.masked_equal(W_blocked, 0), cmap=cmap, vmin=-np.abs(w).max(), vmax=np.abs(w).max())
ax.set_yticks([3, 9, 15, 21], ["(0,0)", "(0,1)", "(1,0)", "(1,1)"])
ax.set(xlabel="pixel of the 6x6 patch (row by row)", ylabel="shift (a, b): six filters each", title="W' for conv1")
for row in (6, 12, 18):
    ax.axhline(row - 0.5, color="black", linewidth=0.8)
plt.show()

# %% [markdown]
# Each row is a 5x5 filter laid into a 6x6 patch: the grey cells are its zeros, the patch's
# sixth row and column, which move as the shift changes. Max and ReLU are monotone, and adding
# the bias commutes with the max, so
#
#     pool(relu(conv(x) + b)) = relu(max over the 4 blocks of (W' X') + b)
#
# and the bias and the ReLU run on the pooled output, a quarter of the size. Both ways on the
# batch of 64:


# %%
def eager_conv_relu_pool(x):
    with tl.no_grad():
        return F.max_pool2d(F.relu(F.conv2d(x, model.conv1.weight, model.conv1.bias)), 2)


def blocked_conv_relu_pool(images):
    n = images.shape[0]
    xc = images.transpose(1, 2, 3, 0)  # (C, H, W, N): the batch innermost, as eager convolution lays it out
    windows = np.lib.stride_tricks.sliding_window_view(xc, (6, 6), axis=(1, 2))[:, ::2, ::2]  # 6x6 at stride 2
    cols = windows.transpose(0, 4, 5, 1, 2, 3).reshape(channels * 36, -1)  # X': (36, 14 * 14 * N), a copy
    y = W_blocked @ cols  # (24, 14 * 14 * N): the four convolution outputs of every window
    pooled = y.reshape(4, filters, -1).max(axis=0) + b[:, None]  # max over the four row blocks, then the bias
    return np.maximum(pooled, 0).reshape(filters, 14, 14, n).transpose(3, 0, 1, 2)  # ReLU; back to (N, 6, 14, 14)


expected = eager_conv_relu_pool(x).numpy()
blocked = blocked_conv_relu_pool(x.numpy())
print(expected.shape, blocked.shape)
print(f"max |difference| blocked vs eager: {np.abs(blocked - expected).max():.2e}")

# %% [markdown]
# Equal, up to float round-off at most (the products may sum in another order). Why is it
# faster? Per image:

# %%
print(f"im2col columns:  25 x {28 * 28} = {25 * 28 * 28:6,d} numbers, product (6 x 25) @ (25 x {28 * 28})")
print(f"blocked columns: 36 x {14 * 14} = {36 * 14 * 14:6,d} numbers, product (24 x 36) @ (36 x {14 * 14})")
print("the input image:         1,024 numbers")

# %% [markdown]
# - The columns, which must be written and read again from memory, shrink from about 25 numbers
#   per output pixel to 9 (36 per window of 4): 2.8x less to copy.
# - A 6-row product is too thin for BLAS to run fast; 24 rows keep its registers busy. W' does
#   44% more multiply-adds (its zeros), at several times the speed.
# - ReLU and the bias run on the pooled output, and the pooling is three `np.maximum` calls
#   over whole row blocks, not a pass over the 28 x 28 maps.
#
# The kernel `tl.compile` runs also builds its columns in cache-sized blocks, straight into a
# planned buffer, and keeps them for the backward pass. The time of each version here, best of
# 20 runs (timings vary from machine to machine, and with whatever else it is running):


# %%
def best_ms(f, *args, reps=20):
    f(*args)  # warm up
    times = []
    for _ in range(reps):
        start = time.perf_counter()
        f(*args)
        times.append(time.perf_counter() - start)
    return 1e3 * min(times)


images = x.numpy()
eager_ms = best_ms(eager_conv_relu_pool, x)
blocked_ms = best_ms(blocked_conv_relu_pool, images)
print(f"conv1 + ReLU + pool, batch 64: eager {eager_ms:.2f} ms, blocked {blocked_ms:.2f} ms")

# %% [markdown]
# ## Exactness: the same training step
#
# A compiler that changes the numbers is a bug. Five steps of SGD with momentum from the same
# seed, once eagerly and once compiled, on the same random batches; the gradients of the last
# step and the parameters at the end:


# %%
def train(compile_it, steps=5):
    tl.manual_seed(0)
    net = LeNet5()
    optimizer = optim.SGD(net.parameters(), lr=0.01, momentum=0.9)
    forward = tl.compile(net) if compile_it else net
    rng = np.random.default_rng(1)
    for _ in range(steps):
        images = tl.tensor(rng.standard_normal((16, 1, 32, 32)).astype("float32"))
        labels = tl.tensor(rng.integers(0, 10, 16))
        optimizer.zero_grad()
        F.cross_entropy(forward(images), labels).backward()
        grads = [p.grad.numpy().copy() for p in net.parameters()]
        optimizer.step()
    return grads, [p.numpy().copy() for p in net.parameters()]


eager_grads, eager_params = train(compile_it=False)
compiled_grads, compiled_params = train(compile_it=True)
grad_difference = max(np.abs(e - c).max() for e, c in zip(eager_grads, compiled_grads))
param_difference = max(np.abs(e - c).max() for e, c in zip(eager_params, compiled_params))
print(f"max |difference| of the gradients, eager vs compiled: {grad_difference:.2e}")
print(f"max |difference| of the parameters after 5 steps: {param_difference:.2e}")

# %% [markdown]
# The `Linear` kernels call the same numpy functions as eager mode and agree bit for bit; the
# blocked convolution sums in another order and agrees to float32 round-off.
#
# ## Fallback: what cannot be compiled runs eagerly
#
# This model looks at a value with `.item()` and chooses a branch in Python. A tape has no
# branches, so replaying it would silently take the recorded branch forever. The recorder notes
# the graph break; `tl.compile` runs the model eagerly instead and warns once, naming the cause.
# (Here the warning is caught and printed, so that the notebook's output stays clean.)


# %%
class ItemInForward(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(4, 2)

    def forward(self, x):
        y = self.fc(x)
        return y * 2 if y.sum().item() > 0 else -y


branchy = tl.compile(ItemInForward())
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    for _ in range(3):
        branchy(tl.randn(3, 4))
notes = [w for w in caught if issubclass(w.category, CompileWarning)]
print(f"{len(notes)} CompileWarning in 3 calls:")
print(notes[0].message)

# %% [markdown]
# With `fullgraph=True` (PyTorch's argument) a graph break is an error instead, for code that
# must be compiled completely:

# %%
strict = tl.compile(ItemInForward(), fullgraph=True)
try:
    strict(tl.randn(3, 4))
except CompileError as error:
    print("CompileError:", error)

# %% [markdown]
# ## Speed
#
# Fifty training steps of LeNet-5 at batch 64, eager and compiled, with the one BLAS thread set
# at the top (two threads are a little faster on a quiet machine, but stall each other when
# another program keeps a core busy); two rounds each, the better one kept:


# %%
def images_per_second(compile_it, steps=50, rounds=2):
    tl.manual_seed(0)
    net = LeNet5()
    optimizer = optim.SGD(net.parameters(), lr=0.01, momentum=0.9)
    forward = tl.compile(net) if compile_it else net
    rng = np.random.default_rng(0)
    images = tl.tensor(rng.standard_normal((64, 1, 32, 32)).astype("float32"))
    labels = tl.tensor(rng.integers(0, 10, 64))

    def step():
        optimizer.zero_grad()
        F.cross_entropy(forward(images), labels).backward()
        optimizer.step()

    step(), step()  # the compiled model records and checks on its first two calls
    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        for _ in range(steps):
            step()
        best = min(best, time.perf_counter() - start)
    return steps * 64 / best


eager_speed = images_per_second(compile_it=False)
compiled_speed = images_per_second(compile_it=True)
print(f"eager:    {eager_speed:7,.0f} img/s")
print(f"compiled: {compiled_speed:7,.0f} img/s   ({compiled_speed / eager_speed:.2f}x eager)")

# %% [markdown]
# The gain is what the rewrites and the memory plan save: Python and graph bookkeeping per op,
# allocations, and the thin convolution products. Timings on a busy or small machine vary a lot
# from run to run; `tinygrad-lenet bench` measures properly, in interleaved rounds, eager,
# compiled and PyTorch side by side (docs/performance.md).
#
# What a production compiler (`torch.compile`, XLA, TVM) adds to these three stages: capture
# that understands Python bytecode and inserts guards instead of breaking, many more rewrites,
# and code generation, writing new fused kernels in C or CUDA instead of choosing among numpy
# calls.
