"""One rank of ``tinygrad-lenet speedrun --procs N`` (started by :func:`.parallel.launch`, never imported
by the package, so that ``python -m`` runs it fresh): ``python -m tinygrad_lenet.speedrun.ranks JOB``."""

from __future__ import annotations

import json
import os
import sys
from dataclasses import asdict
from pathlib import Path

import tinygrad_lenet as tl

from ..train.data_parallel import data_parallel, failing_as_a_rank
from .parallel import MARK
from .race import loader, train
from .recipes import Recipe
from .runner import save_weights


def main(argv: list[str]) -> None:
    """One rank: the job of ``argv[0]`` (JSON, from :func:`.parallel.launch`)."""
    job = json.loads(argv[0])
    recipe = Recipe(**job["recipe"])
    tl.tune_allocator()
    procs = int(os.environ.get("WORLD_SIZE", "1"))
    with failing_as_a_rank("speedrun"), data_parallel(procs) as world:
        assert world is not None
        say = print if world.writes else (lambda line: None)
        load = loader(job["data"], job["data_dir"], job["validation"], say)
        outcome = train(
            tl, recipe, job["seed"], job["target"], load, compiled=job["compiled"], progress=False, world=world
        )
        if world.writes:
            evaluation = "validation" if job["validation"] else "test"
            folder = job["save_to"]
            saved = None if folder is None else str(save_weights(outcome, recipe, Path(folder), evaluation))
            kept = {k: v for k, v in asdict(outcome).items() if k not in ("state", "launched")}
            print(MARK + json.dumps({**kept, "saved": saved}), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
