"""Train softmax regression (one linear layer 784-10) on MNIST.

python examples/train_softmax.py [--quick] [--epochs 10]
"""

from run_recipe import run_example

from tinygrad_lenet.train import RunConfig

if __name__ == "__main__":
    run_example(RunConfig(model="softmax", epochs=10, schedule="cosine", out="runs/softmax"), __doc__.split("\n")[0])
