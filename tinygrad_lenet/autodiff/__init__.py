"""Layer 1, the machinery of automatic differentiation: grad mode, ``Function`` (a graph node: forward,
backward, ``apply``), the backward engine (a topological walk that accumulates gradients) and the
second-order walk of SDLM. PyTorch's public names for them are in ``tinygrad_lenet.autograd``."""
