"""Train a fully connected network 784-1024-128-10 with dropout on MNIST.

python examples/train_mlp.py [--quick] [--epochs 20]
"""

from run_recipe import run_example

from tinygrad_lenet.train import RunConfig

if __name__ == "__main__":
    recipe = RunConfig(
        model="mlp",
        model_options={"sizes": [784, 1024, 128, 10], "dropout": 0.2},
        epochs=20,
        schedule="cosine",
        out="runs/mlp",
    )
    run_example(recipe, __doc__.split("\n")[0])
