"""Classify your own handwritten digit with a trained model and print the class probabilities.

    python examples/predict_digit.py my_digit.png [--checkpoint runs/lenet5/best.safetensors]
    python examples/predict_digit.py --quick

Photograph or scan a digit written on paper (any size, dark on light is fine). With --quick and
no checkpoint, a LeNet-5 is first trained for one epoch on the bundled sample; with no image,
a test digit is written to digit.png and classified.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
from PIL import Image

from tinygrad_lenet.data import MNIST, read_digit_image
from tinygrad_lenet.train import RunConfig, predict_probabilities, restore_model, train_run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("images", nargs="*", type=Path)
    parser.add_argument("--checkpoint", type=Path, default=Path("runs/lenet5/best.safetensors"))
    parser.add_argument("--quick", action="store_true", help="train a quick model first if there is no checkpoint")
    args = parser.parse_args()
    if not args.checkpoint.exists():
        if not args.quick:
            parser.error(
                f"{args.checkpoint} does not exist: train a model first (examples/train_lenet5.py) or use --quick"
            )
        args.checkpoint = Path("runs/predict-quick/best.safetensors")
        if not args.checkpoint.exists():  # trained by an earlier --quick run: reuse it
            train_run(
                RunConfig(
                    model="lenet5", epochs=1, batch_size=32, data="sample", out="runs/predict-quick", progress=False
                )
            )
    if not args.images:
        digit = MNIST.sample(train=False).data[0]
        Image.fromarray(255 - digit).resize((112, 112)).save("digit.png")  # dark ink on white, like paper
        args.images = [Path("digit.png")]
        print("wrote digit.png (a test digit, dark on light)")
    model, metadata = restore_model(args.checkpoint)
    images = [read_digit_image(path) for path in args.images]
    for path, probs in zip(args.images, predict_probabilities(model, np.stack(images), metadata["input_size"])):
        best = int(probs.argmax())
        print(f"{path}: {best}  (probability {probs[best]:.1%})")
        for digit, p in sorted(enumerate(probs), key=lambda item: -item[1])[:3]:
            print(f"    {digit}: {p:.4f}")


if __name__ == "__main__":
    main()
