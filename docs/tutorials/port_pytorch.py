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
# # Port a PyTorch script
#
# A CPU-only PyTorch script runs here once its import lines are rewritten, and nothing else.
# Below is an ordinary PyTorch training script (a small CNN, dropout, Adadelta, a StepLR
# schedule, `DataLoader` over a `TensorDataset`, `model.train()` / `model.eval()`,
# `torch.no_grad()`, `.to(device)`, `f"{loss:.4f}"`). We port it by rewriting its imports with
# a five-line function, run it on the bundled MNIST sample, and, where PyTorch is installed,
# run the original beside it.

# %%
import importlib.util
import re

from tinygrad_lenet.data import load_mnist

PYTORCH_SCRIPT = '''
import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim
from torch.optim.lr_scheduler import StepLR
from torch.utils.data import DataLoader, TensorDataset


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 16, 3)
        self.conv2 = nn.Conv2d(16, 32, 3)
        self.dropout = nn.Dropout(0.25)
        self.fc1 = nn.Linear(32 * 5 * 5, 64)
        self.fc2 = nn.Linear(64, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        x = self.dropout(torch.flatten(x, 1))
        return F.log_softmax(self.fc2(F.relu(self.fc1(x))), dim=1)


def train(model, device, loader, optimizer, epoch):
    model.train()
    for batch_idx, (data, target) in enumerate(loader):
        data, target = data.to(device), target.to(device)
        optimizer.zero_grad()
        loss = F.nll_loss(model(data), target)
        loss.backward()
        optimizer.step()
    print(f"epoch {epoch}: last batch loss {loss:.4f}")


def test(model, device, loader):
    model.eval()
    correct = 0
    with torch.no_grad():
        for data, target in loader:
            output = model(data.to(device))
            correct += output.argmax(dim=1, keepdim=True).eq(target.view_as(output.argmax(dim=1, keepdim=True))).sum().item()
    return correct / len(loader.dataset)


torch.manual_seed(1)
device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
x = torch.from_numpy(images).float().div(255).unsqueeze(1)
y = torch.from_numpy(labels).long()
train_loader = DataLoader(TensorDataset(x[2000:7000], y[2000:7000]), batch_size=64, shuffle=True)
test_loader = DataLoader(TensorDataset(x[7000:], y[7000:]), batch_size=500)
model = Net().to(device)
optimizer = optim.Adadelta(model.parameters(), lr=1.0)
scheduler = StepLR(optimizer, step_size=1, gamma=0.7)
for epoch in range(1, 3):
    train(model, device, train_loader, optimizer, epoch)
    scheduler.step()
accuracy = test(model, device, test_loader)
print(f"accuracy on 1,000 held-out digits: {accuracy:.2%}")
'''

# %% [markdown]
# The port: each `torch` import becomes the same import from `tinygrad_lenet`
# (the table is on the "Porting from PyTorch" page).

# %%
IMPORTS = [
    (r"^import torch$", "import tinygrad_lenet as torch"),
    (r"^import torch\.(\S+) as (\w+)$", r"import tinygrad_lenet.\1 as \2"),
    (r"^from torch\.(\S+) import", r"from tinygrad_lenet.\1 import"),
    (r"^from torchvision import", "from tinygrad_lenet.vision import"),
]


def port(source: str) -> str:
    for pattern, replacement in IMPORTS:
        source = re.sub(pattern, replacement, source, flags=re.MULTILINE)
    return source


ported = port(PYTORCH_SCRIPT)
print("\n".join(line for line in ported.splitlines() if "import" in line))

# %% [markdown]
# Run it on the 8,000 digits of the bundled sample (5,000 to train, the last 1,000 held out):

# %%
train_set, _ = load_mnist("sample")
data = {"images": train_set.data, "labels": train_set.targets}
ours = dict(data)
exec(ported, ours)
assert ours["accuracy"] > 0.9

# %% [markdown]
# And the original under PyTorch, when it is installed (`pip install torch`): the numbers differ
# a little, because the two frameworks draw different random initial weights and batch orders
# from the same seed, but the accuracy is alike.

# %%
if importlib.util.find_spec("torch") is None:
    print("PyTorch is not installed here: only the port ran")
else:
    theirs = dict(data)
    exec(PYTORCH_SCRIPT, theirs)
    print(f"tinygrad_lenet {ours['accuracy']:.2%}, PyTorch {theirs['accuracy']:.2%}")
