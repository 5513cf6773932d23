"""The in-scope OpInfos that do not pass, each with its one-line reason (see tests/opinfo.py).

A reason starting "not yet:" is work to do; any other is a deliberate difference. An entry that
starts passing fails tests/test_opinfo.py until it is removed from here
(python tests/opinfo_ledger.py --differences).
"""

DIFFERENCES: dict[str, str] = {
    "as_strided.partial_views": "deliberate: tensors do not share a storage, so as_strided reads the tensor's own "
    "elements, not the larger storage it is a view of",
    "as_strided_scatter": "deliberate: PyTorch's input gradient is nonzero exactly at the overwritten places (its own "
    "gradcheck fails there); ours is zero there",
    "cdouble": "deliberate: complex tensors are not supported: tinygrad_lenet holds real numbers only",
    "cfloat": "deliberate: complex tensors are not supported: tinygrad_lenet holds real numbers only",
    "chalf": "deliberate: complex tensors are not supported: tinygrad_lenet holds real numbers only",
    "cholesky": "deliberate: needs a linear-algebra library (factorizations and their gradients); linalg is out of "
    "scope for now",
    "cholesky_inverse": "deliberate: needs a linear-algebra library (factorizations and their gradients); linalg is "
    "out of scope for now",
    "cholesky_solve": "deliberate: needs a linear-algebra library (factorizations and their gradients); linalg is out "
    "of scope for now",
    "complex": "deliberate: complex tensors are not supported: tinygrad_lenet holds real numbers only",
    "geqrf": "deliberate: needs a linear-algebra library (factorizations and their gradients); linalg is out of scope "
    "for now",
    "hash_tensor": "deliberate: hashes raw bit patterns, not a numeric op with a meaning to teach",
    "imag": "PyTorch has no real-valued (float64/int64/bool) samples for it on CPU: nothing to compare (complex only)",
    "istft": "PyTorch has no real-valued (float64/int64/bool) samples for it on CPU: nothing to compare (complex "
    "input)",
    "logdet": "deliberate: needs a linear-algebra library (factorizations and their gradients); linalg is out of "
    "scope for now",
    "lu": "deliberate: needs a linear-algebra library (factorizations and their gradients); linalg is out of scope "
    "for now",
    "lu_solve": "deliberate: needs a linear-algebra library (factorizations and their gradients); linalg is out of "
    "scope for now",
    "lu_unpack": "deliberate: needs a linear-algebra library (factorizations and their gradients); linalg is out of "
    "scope for now",
    "matrix_exp": "deliberate: needs a linear-algebra library (factorizations and their gradients); linalg is out of "
    "scope for now",
    "nn.functional.batch_norm.without_cudnn": "PyTorch has no real-valued (float64/int64/bool) samples for it on CPU: "
    "nothing to compare (a CUDA variant)",
    "nn.functional.silu.complex": "PyTorch has no real-valued (float64/int64/bool) samples for it on CPU: nothing to "
    "compare (complex variant)",
    "norm.nuc": "deliberate: the nuclear norm needs an SVD (linear algebra, out of scope for now); ours says so",
    "ormqr": "deliberate: needs a linear-algebra library (factorizations and their gradients); linalg is out of scope "
    "for now",
    "pca_lowrank": "deliberate: a randomized low-rank decomposition built on qr and svd (linear algebra, out of scope "
    "for now)",
    "pinverse": "deliberate: needs a linear-algebra library (factorizations and their gradients); linalg is out of "
    "scope for now",
    "polar": "deliberate: complex tensors are not supported: tinygrad_lenet holds real numbers only",
    "qr": "deliberate: needs a linear-algebra library (factorizations and their gradients); linalg is out of scope "
    "for now",
    "stft": "deliberate: signal processing on the FFT, out of scope with torch.fft for now",
    "svd": "deliberate: needs a linear-algebra library (factorizations and their gradients); linalg is out of scope "
    "for now",
    "svd_lowrank": "deliberate: a randomized low-rank decomposition built on qr and svd (linear algebra, out of scope "
    "for now)",
    "to_sparse": "deliberate: sparse layouts do not exist; tensors are dense numpy arrays",
    "triangular_solve": "deliberate: needs a linear-algebra library (factorizations and their gradients); linalg is "
    "out of scope for now",
    "view_as_complex": "deliberate: complex tensors are not supported: tinygrad_lenet holds real numbers only",
    "view_as_real": "PyTorch has no real-valued (float64/int64/bool) samples for it on CPU: nothing to compare "
    "(complex only)",
}
