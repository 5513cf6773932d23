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
# # Write your own op
#
# Every primitive op here is a `tl.Function` subclass with `forward` (numpy arrays in, one
# numpy array out) and `backward` (the gradient of the output in, one gradient per input out)
# side by side. This notebook adds one, *softplus* `y = log(1 + e^x)`, checks its backward rule
# numerically, draws it in a graph and trains a small model with it.

# %%
import numpy as np

import tinygrad_lenet as tl
from tinygrad_lenet import nn, optim, viz


class Softplus(tl.Function):
    def forward(self, x):
        self.save_for_backward(x)
        return np.logaddexp(0.0, x)  # log(1 + e^x) without overflow for large x

    def backward(self, grad):
        """d/dx log(1 + e^x) = e^x / (1 + e^x) = sigmoid(x)."""
        (x,) = self.saved_tensors
        return (grad / (1.0 + np.exp(-x)),)


def softplus(x: tl.Tensor) -> tl.Tensor:
    return Softplus.apply(x)


# %% [markdown]
# `Softplus.apply(x)` runs `forward` and, because `x` requires grad, records the op instance as
# the result's `grad_fn`: the instance is the graph node and holds what `forward` saved.

# %%
x = tl.tensor([-2.0, 0.0, 3.0], requires_grad=True)
y = softplus(x)
y.sum().backward()
print(y, y.grad_fn)
print(x.grad, "should be sigmoid(x):", 1 / (1 + np.exp(-x.numpy())))

# %% [markdown]
# ## Is the backward rule right?
#
# `tl.gradcheck` compares it with central differences in float64 on random inputs; a wrong rule
# raises `GradcheckError` naming the input and the largest difference. Here it also runs on a
# transposed (non-contiguous) input and under broadcasting:

# %%
rng = np.random.default_rng(0)
for shape in [(3,), (2, 5), (4, 1, 3)]:
    t = tl.tensor(rng.standard_normal(shape), requires_grad=True)
    assert tl.gradcheck(softplus, [t])
t = tl.tensor(rng.standard_normal((3, 4)), requires_grad=True)
assert tl.gradcheck(lambda a: softplus(a.T), [t])
b = tl.tensor(rng.standard_normal((4,)), requires_grad=True)
assert tl.gradcheck(lambda a, c: softplus(a + c), [t, b])
print("gradcheck passed")

# %% [markdown]
# A deliberately wrong rule (forgetting the minus sign in e^-x) is caught:

# %%
class WrongSoftplus(Softplus):
    def backward(self, grad):
        """A bug: e^x / (1 + e^x) written as 1 / (1 + e^x)."""
        (x,) = self.saved_tensors
        return (grad / (1.0 + np.exp(x)),)


try:
    tl.gradcheck(WrongSoftplus.apply, [tl.tensor(rng.standard_normal(3), requires_grad=True)])
except tl.GradcheckError as error:
    print("caught:", str(error)[:200])

# %% [markdown]
# ## In a graph and in a model
#
# The new op draws like any other, and its docstring is the rule `backward_steps` shows:

# %%
layer = nn.Linear(3, 2)
out = softplus(layer(tl.randn(4, 3))).mean()
viz.draw_graph(out, params=layer)

# %%
viz.backward_steps(out, params=layer)

# %% [markdown]
# A module that uses it, trained to fit y = |x| (which softplus units approximate well):

# %%
class SoftplusNet(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.hidden, self.out = nn.Linear(1, 16), nn.Linear(16, 1)

    def forward(self, x: tl.Tensor) -> tl.Tensor:
        return self.out(softplus(self.hidden(x)))


tl.manual_seed(0)
net = SoftplusNet()
opt = optim.Adam(net.parameters(), lr=0.05)
inputs = tl.linspace(-2, 2, 64).reshape(64, 1)
targets = inputs.abs()
for step in range(300):
    loss = nn.functional.mse_loss(net(inputs), targets)
    opt.zero_grad()
    loss.backward()
    opt.step()
print(f"mean squared error after 300 steps: {loss.item():.4f}")
assert loss.item() < 0.01
