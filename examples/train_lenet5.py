"""Train LeNet-5 (the modern variant of the lab reports) on MNIST.

    python examples/train_lenet5.py [--quick] [--epochs 15]
    python examples/train_lenet5.py --augment --epochs 40

Adam at 1e-3 annealed to 0 by a cosine schedule: 99.20% after 15 epochs, 99.53% after 40
with augmentation (docs/results.md).
"""

from run_recipe import run_example

from tinygrad_lenet.train import RunConfig

if __name__ == "__main__":
    run_example(RunConfig(model="lenet5", epochs=15, schedule="cosine", out="runs/lenet5"), __doc__.split("\n")[0])
