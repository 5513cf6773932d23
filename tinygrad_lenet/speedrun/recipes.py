"""The speedrun recipes: how LeNet-5 is trained to 99.0%, to 99.5%, and as far as it goes.

A recipe is data, read by :func:`tinygrad_lenet.speedrun.race.train` the same way for
tinygrad_lenet and for PyTorch. Its settings were chosen on a validation split (10,000 digits
held out from the training set, ``speedrun --validation``), never on the test set;
docs/results.md gives the runs that chose them.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

# RandomAffine ranges: small rotations, shifts, zooms and shears, as handwriting varies
GENTLE = {"degrees": 8.0, "translate": (0.08, 0.08), "scale": (0.92, 1.08), "shear": 8.0}
"""The augmentation of the time-to-99.5% recipe."""

STRONG = {"degrees": 12.0, "translate": (0.04375, 0.04375), "scale": (0.88, 1.12), "squeeze": (0.9, 1.1), "shear": 12.0}
"""The augmentation of the accuracy-ceiling recipe, which distorts the digit padded to 32x32: strong changes
of shape, small shifts (up to 1.4 pixels: 4.375% of those 32, 5% of the digit's own 28), as MNIST's digits
are centred by their centre of mass."""


NESTEROV = {"momentum": 0.9, "nesterov": True, "weight_decay": 5e-4}
"""SGD's options in every recipe: Nesterov momentum (cycled 0.85-0.95 by OneCycleLR), L2 weight decay."""


@dataclass(frozen=True)
class Recipe:
    """How to train the 61,706-parameter LeNet-5: one-cycle schedule over ``epochs``, batches of
    ``batch_size`` (the last incomplete batch of an epoch is dropped, so every step has one shape).

    ``optimizer`` names a class of ``T.optim`` (with ``options``); OneCycleLR (PyTorch's) takes the
    learning rate from ``max_lr / div_factor`` up to ``max_lr`` over ``pct_start`` of the steps and
    down to ``max_lr / (div_factor final_div_factor)``, cycling momentum or Adam's beta1.
    ``augmentation``: RandomAffine ranges (None: none); ``elastic``: ElasticTransform's (alpha, sigma)
    after it (None: none); ``distort_padded``: both work on the digit padded to 32x32, the model's input,
    rather than on its 28x28 square, so a stroke moved towards the edge is not cut off; the last
    ``clean_epochs`` epochs train on the digits as they are, undistorted, which is what the model is
    tested on. ``label_smoothing``: cross-entropy's.
    ``ema``: decay of an exponential moving average of the weights, which is what is evaluated
    (None: the weights themselves). A time-to-accuracy run evaluates every ``eval_every`` epochs
    from epoch ``eval_from`` on and stops at the first evaluation at or above the target.
    """

    name: str
    description: str
    target: float
    epochs: int
    batch_size: int = 128
    optimizer: str = "SGD"
    options: dict[str, Any] = field(default_factory=lambda: dict(NESTEROV))
    max_lr: float = 0.1
    pct_start: float = 0.25
    div_factor: float = 25.0
    final_div_factor: float = 1e3
    augmentation: dict[str, Any] | None = None
    elastic: tuple[float, float] | None = None
    distort_padded: bool = False
    clean_epochs: int = 0
    label_smoothing: float = 0.0
    ema: float | None = None
    eval_from: float = 1.0
    eval_every: float = 0.25

    def with_epochs(self, epochs: int | None) -> Recipe:
        """The same recipe over another number of epochs (None: unchanged), with the same share of them
        undistorted."""
        if epochs is None:
            return self
        return replace(self, epochs=epochs, clean_epochs=round(self.clean_epochs * epochs / self.epochs))

    def settings(self) -> str:
        """One line naming every setting, for logs and reports."""
        options = "".join(f", {k}={v}" for k, v in self.options.items())
        parts = [
            f"{self.epochs} epochs of batches of {self.batch_size}",
            f"{self.optimizer}(max_lr={self.max_lr:g}{options}) with OneCycleLR(pct_start={self.pct_start:g}, "
            f"div_factor={self.div_factor:g}, final_div_factor={self.final_div_factor:g})",
            f"augmentation {self.augmentation}" if self.augmentation else "no augmentation",
        ]
        if self.elastic is not None:
            parts.append(f"elastic distortion alpha {self.elastic[0]:g} sigma {self.elastic[1]:g}")
        if self.distort_padded:
            parts.append("distortions on the digit padded to 32x32")
        if self.clean_epochs:
            parts.append(f"the last {self.clean_epochs} epochs undistorted")
        if self.label_smoothing:
            parts.append(f"label smoothing {self.label_smoothing:g}")
        if self.ema is not None:
            parts.append(f"weight EMA {self.ema:g}")
        return "; ".join(parts)


RECIPES: dict[str, Recipe] = {
    recipe.name: recipe
    for recipe in (
        Recipe(
            "fast",
            "99.0% in seconds: no augmentation, a short one-cycle, label smoothing, a fast weight EMA",
            target=0.99,
            epochs=5,
            label_smoothing=0.1,
            ema=0.99,
            eval_from=2.5,
        ),
        Recipe(
            "augmented",
            "99.5% in two minutes: gentle random affine distortions, one-cycle, weight EMA",
            target=0.995,
            epochs=20,
            augmentation=GENTLE,
            ema=0.999,
            eval_from=12.0,
            eval_every=1.0,
        ),
        Recipe(
            "ceiling",
            "as accurate as LeNet-5 gets: strong distortions of the padded digit (none in the last epochs),"
            " a long one-cycle, label smoothing, weight EMA",
            target=0.996,
            epochs=60,
            augmentation=STRONG,
            distort_padded=True,
            clean_epochs=6,
            label_smoothing=0.1,
            ema=0.999,
            eval_from=20.0,
            eval_every=1.0,
        ),
    )
}
"""The recipes by name; ``speedrun --target T`` runs the first whose target is at least T."""


def recipe_for(target: float) -> Recipe:
    """The first recipe whose target is ``target`` or above (ceiling's beyond it)."""
    for recipe in RECIPES.values():
        if recipe.target >= target - 1e-12:
            return recipe
    return RECIPES["ceiling"]
