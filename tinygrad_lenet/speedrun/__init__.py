"""Time to accuracy and the accuracy ceiling of LeNet-5: recipes, and the race that times them
under tinygrad_lenet and PyTorch (``tinygrad-lenet speedrun``; docs/results.md)."""

from .race import Outcome, train, warmed_ema
from .recipes import RECIPES, Recipe, recipe_for
from .runner import speedrun

__all__ = ["RECIPES", "Outcome", "Recipe", "recipe_for", "speedrun", "train", "warmed_ema"]
