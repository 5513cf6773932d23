"""Layer 2, files of tensors: safetensors checkpoints (``tl.save``, ``tl.load``) and torch.save's zip
files, read through an allowlist unpickler."""
