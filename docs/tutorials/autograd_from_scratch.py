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
# # Autograd from scratch
#
# A `Tensor` remembers how it was made. Every operation on tensors that require gradients adds a
# node to a graph; `backward()` walks that graph from the output back to the inputs, applying at
# each node the chain rule written beside the op's forward. This notebook builds a small graph,
# draws it, steps through its backward pass one node at a time, and checks the result by hand.

# %%
import numpy as np

import tinygrad_lenet as tl
from tinygrad_lenet import viz

# %% [markdown]
# ## A few scalars
#
# `y = log(a * b) + b^2` with `a = 2`, `b = 3`. By hand: dy/da = 1/a = 0.5 and
# dy/db = 1/b + 2b = 6.333.

# %%
a = tl.tensor(2.0, requires_grad=True)
b = tl.tensor(3.0, requires_grad=True)
y = (a * b).log() + b ** 2
print(y, y.grad_fn)

# %% [markdown]
# Each result holds its `grad_fn`, the node that made it; the node holds its inputs. Drawn with
# `viz.draw_graph` (Graphviz), parameters are blue, ops grey and the output green:

# %%
viz.draw_graph(y, params={"a": a, "b": b})

# %% [markdown]
# ## Stepping through backward
#
# `viz.backward_steps(y)` runs the backward pass once (without touching `.grad`) and keeps one
# frame per node, in the order the engine processes them: a node runs only after every path
# into it has delivered its gradient. The node being processed is gold, the nodes already done
# are beige, and each edge a gradient has crossed is labelled with it. Under the slider, the
# rule each op applies is the first line of its `backward` docstring. Use the slider, the
# buttons or the arrow keys.

# %%
steps = viz.backward_steps(y, params={"a": a, "b": b})
for frame in steps:
    print(f"{frame.title:45s} {frame.rule}")
steps

# %% [markdown]
# `b` is used twice (in `a * b` and in `b ** 2`): its two gradients, 1/b and 2b, arrive along
# two edges and are summed, which is the multivariable chain rule. Now the real pass:

# %%
y.backward()
print(a.grad, b.grad)
assert np.isclose(a.grad.item(), 1 / 2) and np.isclose(b.grad.item(), 1 / 3 + 2 * 3)

# %% [markdown]
# ## Tensors, broadcasting and the gradient of a sum
#
# The same with tensors. `w` (shape 3) is broadcast against `x` (shape 2 x 3), so its gradient
# is summed over the rows it was copied to: broadcasting forward is summing backward.

# %%
x = tl.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
w = tl.tensor([0.5, -1.0, 2.0], requires_grad=True)
loss = (x * w).tanh().mean()
steps = viz.backward_steps(loss, params={"w": w})
steps

# %%
loss.backward()
expected = ((1 - np.tanh(x.numpy() * w.numpy()) ** 2) * x.numpy()).sum(axis=0) / x.numel()
print(w.grad)
assert np.allclose(w.grad.numpy(), expected, atol=1e-6)

# %% [markdown]
# The frames can also be saved as one self-contained HTML page, to open in any browser:
# `steps.save_html("backward.html")`.
#
# ## Checking a gradient numerically
#
# `tl.gradcheck` compares the backward pass with central differences,
# (f(x + eps) - f(x - eps)) / 2 eps, in float64:

# %%
x64 = tl.randn(2, 3, dtype=tl.float64, requires_grad=True)
print(tl.gradcheck(lambda t: (t * t.exp()).sum(), [x64]))
