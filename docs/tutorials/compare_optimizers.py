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
# # A lab-report experiment: which optimizer?
#
# The lab reports this project grew from compared optimizers on the same network: plain SGD,
# SGD with momentum, RMSprop and Adam. Here is that experiment on an MLP (784-256-10, ReLU) and
# the bundled sample, the same seed for every run so that only the optimizer differs, with the
# curves side by side. `python examples/compare.py optimizers` runs it on the full MNIST for 10
# epochs (the figures are on the experiments page).

# %%
import matplotlib.pyplot as plt

import tinygrad_lenet as tl
from tinygrad_lenet import optim
from tinygrad_lenet.data import DataLoader, input_transform, load_mnist
from tinygrad_lenet.models import MLP
from tinygrad_lenet.train import fit

tl.tune_allocator()
train_set, test_set = load_mnist("sample")
transform = input_transform(28)

OPTIMIZERS = {
    "SGD lr 0.05": lambda p: optim.SGD(p, lr=0.05),
    "SGD + momentum 0.9": lambda p: optim.SGD(p, lr=0.05, momentum=0.9),
    "RMSprop lr 1e-3": lambda p: optim.RMSprop(p, lr=1e-3),
    "Adam lr 1e-3": lambda p: optim.Adam(p, lr=1e-3),
}
histories = {}
for name, make in OPTIMIZERS.items():
    tl.manual_seed(0)  # the same initial weights and the same batches for every optimizer
    model = MLP()
    train_loader = DataLoader(train_set, batch_size=64, shuffle=True, seed=0, transform=transform)
    test_loader = DataLoader(test_set, batch_size=1000, transform=transform)
    histories[name] = fit(model, train_loader, test_loader, make(model.parameters()), epochs=5,
                          progress=False, log=lambda line: None)
    print(f"{name:20s} test accuracy {histories[name].column('test_accuracy')[-1]:.2%}")

# %%
fig, (ax_loss, ax_acc) = plt.subplots(1, 2, figsize=(10, 4))
for name, history in histories.items():
    ax_loss.plot(history.column("epoch"), history.column("train_loss"), marker="o", label=name)
    ax_acc.plot(history.column("epoch"), history.column("test_accuracy"), marker="o", label=name)
ax_loss.set(title="training loss", xlabel="epoch", yscale="log")
ax_acc.set(title="test accuracy (1,000 sample digits)", xlabel="epoch")
ax_acc.legend()
plt.show()

# %% [markdown]
# What the lab reports found holds here: plain SGD at this rate learns slowest; momentum, RMSprop
# and Adam, which each adapt the step, get there in fewer epochs. On 8,000 digits the test
# accuracies after 5 epochs are close (the differences are a few digits out of 1,000); run the
# full comparison for figures that separate them.

# %%
final = {name: h.column("test_accuracy")[-1] for name, h in histories.items()}
assert all(accuracy > 0.85 for accuracy in final.values()), final
assert histories["SGD lr 0.05"].column("train_loss")[-1] > histories["Adam lr 1e-3"].column("train_loss")[-1]
