"""The in-scope OpInfos that do not pass, each with its one-line reason (see tests/opinfo.py).

A reason starting "not yet:" is work to do; any other is a deliberate difference. An entry that
starts passing fails tests/test_opinfo.py until it is removed from here
(python tests/opinfo_ledger.py --differences).
"""

DIFFERENCES: dict[str, str] = {
    "H": "not yet: raises: sample 0 (lambda): AttributeError: 'Tensor' object has no attribute 'H'; input tensor(10, "
    "10):float64, args [], kwargs {}",
    "acos": "not yet: missing: module 'tinygrad_lenet' has no attribute 'acos'",
    "acosh": "not yet: missing: module 'tinygrad_lenet' has no attribute 'acosh'",
    "add": "not yet: missing: module 'tinygrad_lenet' has no attribute 'add'",
    "addbmm": "not yet: missing: module 'tinygrad_lenet' has no attribute 'addbmm'",
    "addcdiv": "not yet: missing: module 'tinygrad_lenet' has no attribute 'addcdiv'",
    "addcmul": "not yet: missing: module 'tinygrad_lenet' has no attribute 'addcmul'",
    "addmm": "not yet: missing: module 'tinygrad_lenet' has no attribute 'addmm'",
    "addmm.decomposed": "not yet: missing: module 'tinygrad_lenet' has no attribute 'addmm'",
    "addmv": "not yet: missing: module 'tinygrad_lenet' has no attribute 'addmv'",
    "addr": "not yet: missing: module 'tinygrad_lenet' has no attribute 'addr'",
    "alias_copy": "not yet: missing: module 'tinygrad_lenet' has no attribute 'alias_copy'",
    "all": "not yet: missing: module 'tinygrad_lenet' has no attribute 'all'",
    "allclose": "not yet: missing: 'Tensor' object has no attribute 'allclose'",
    "amax": "not yet: missing: module 'tinygrad_lenet' has no attribute 'amax'",
    "amin": "not yet: missing: module 'tinygrad_lenet' has no attribute 'amin'",
    "aminmax": "not yet: missing: module 'tinygrad_lenet' has no attribute 'aminmax'",
    "angle": "not yet: missing: module 'tinygrad_lenet' has no attribute 'angle'",
    "any": "not yet: missing: module 'tinygrad_lenet' has no attribute 'any'",
    "argmax": "not yet: raises: sample 1 (function): ValueError: not enough values to unpack (expected 1, got 0); "
    "input tensor():float64, args [], kwargs {dim=0, keepdim=True}",
    "argmin": "not yet: raises: sample 1 (function): ValueError: not enough values to unpack (expected 1, got 0); "
    "input tensor():float64, args [], kwargs {dim=0, keepdim=True}",
    "argsort": "not yet: missing: module 'tinygrad_lenet' has no attribute 'argsort'",
    "argwhere": "not yet: missing: module 'tinygrad_lenet' has no attribute 'argwhere'",
    "as_strided": "not yet: missing: module 'tinygrad_lenet' has no attribute 'as_strided'",
    "as_strided.partial_views": "not yet: missing: module 'tinygrad_lenet' has no attribute 'as_strided'",
    "as_strided_copy": "not yet: missing: module 'tinygrad_lenet' has no attribute 'as_strided_copy'",
    "as_strided_scatter": "not yet: missing: module 'tinygrad_lenet' has no attribute 'as_strided_scatter'",
    "asin": "not yet: missing: module 'tinygrad_lenet' has no attribute 'asin'",
    "asinh": "not yet: missing: module 'tinygrad_lenet' has no attribute 'asinh'",
    "atan": "not yet: missing: module 'tinygrad_lenet' has no attribute 'atan'",
    "atan2": "not yet: missing: module 'tinygrad_lenet' has no attribute 'atan2'",
    "atanh": "not yet: missing: module 'tinygrad_lenet' has no attribute 'atanh'",
    "atleast_1d": "not yet: missing: module 'tinygrad_lenet' has no attribute 'atleast_1d'",
    "atleast_2d": "not yet: missing: module 'tinygrad_lenet' has no attribute 'atleast_2d'",
    "atleast_3d": "not yet: missing: module 'tinygrad_lenet' has no attribute 'atleast_3d'",
    "baddbmm": "not yet: missing: module 'tinygrad_lenet' has no attribute 'baddbmm'",
    "bernoulli": "not yet: raises: sample 0 (lambda): AttributeError: module 'tinygrad_lenet' has no attribute "
    "'bernoulli'; input tensor(3,):float64, args [], kwargs {}",
    "bfloat16": "not yet: raises: sample 0 (lambda): AttributeError: 'Tensor' object has no attribute 'bfloat16'; "
    "input tensor():float64, args [], kwargs {}",
    "bincount": "not yet: missing: module 'tinygrad_lenet' has no attribute 'bincount'",
    "bitwise_and": "not yet: missing: module 'tinygrad_lenet' has no attribute 'bitwise_and'",
    "bitwise_left_shift": "not yet: missing: module 'tinygrad_lenet' has no attribute 'bitwise_left_shift'",
    "bitwise_not": "not yet: missing: module 'tinygrad_lenet' has no attribute 'bitwise_not'",
    "bitwise_or": "not yet: missing: module 'tinygrad_lenet' has no attribute 'bitwise_or'",
    "bitwise_right_shift": "not yet: missing: module 'tinygrad_lenet' has no attribute 'bitwise_right_shift'",
    "bitwise_xor": "not yet: missing: module 'tinygrad_lenet' has no attribute 'bitwise_xor'",
    "block_diag": "not yet: missing: module 'tinygrad_lenet' has no attribute 'block_diag'",
    "bmm": "not yet: missing: 'Tensor' object has no attribute 'bmm'",
    "bmm.triton_optimized": "not yet: missing: 'Tensor' object has no attribute 'bmm'",
    "bool": "not yet: raises: sample 1 (lambda): TypeError: Tensor.bool() got an unexpected keyword argument "
    "'memory_format'; input tensor():float64, args [], kwargs {memory",
    "broadcast_shapes": "not yet: missing: module 'tinygrad_lenet' has no attribute 'broadcast_shapes'",
    "broadcast_tensors": "not yet: missing: module 'tinygrad_lenet' has no attribute 'broadcast_tensors'",
    "broadcast_to": "not yet: missing: module 'tinygrad_lenet' has no attribute 'broadcast_to'",
    "bucketize": "not yet: missing: module 'tinygrad_lenet' has no attribute 'bucketize'",
    "byte": "not yet: raises: sample 0 (lambda): AttributeError: 'Tensor' object has no attribute 'byte'; input "
    "tensor():float64, args [], kwargs {}",
    "cartesian_prod": "not yet: missing: module 'tinygrad_lenet' has no attribute 'cartesian_prod'",
    "cat": "not yet: raises: sample 5 (function): IndexError: cat: dim 1 is out of range for a tensor with 1 "
    "dimension(s) (expected an int in [-1, 0]); input [tensor(0,):fl",
    "cdist": "not yet: missing: module 'tinygrad_lenet' has no attribute 'cdist'",
    "cdouble": "not yet: missing: 'Tensor' object has no attribute 'cdouble'",
    "ceil": "not yet: missing: module 'tinygrad_lenet' has no attribute 'ceil'",
    "cfloat": "not yet: missing: 'Tensor' object has no attribute 'cfloat'",
    "chalf": "not yet: raises: sample 0 (lambda): AttributeError: 'Tensor' object has no attribute 'chalf'; input "
    "tensor():float64, args [], kwargs {}",
    "char": "not yet: raises: sample 0 (lambda): AttributeError: 'Tensor' object has no attribute 'char'; input "
    "tensor():float64, args [], kwargs {}",
    "cholesky": "not yet: missing: module 'tinygrad_lenet' has no attribute 'cholesky'",
    "cholesky_inverse": "not yet: missing: module 'tinygrad_lenet' has no attribute 'cholesky_inverse'",
    "cholesky_solve": "not yet: missing: module 'tinygrad_lenet' has no attribute 'cholesky_solve'",
    "chunk": "not yet: missing: module 'tinygrad_lenet' has no attribute 'chunk'",
    "clamp": "not yet: raises: sample 0 (function): TypeError: operand 'Tensor' does not support ufuncs "
    "(__array_ufunc__=None); input tensor(5, 10, 5):float64, args [tensor(5",
    "clamp_max": "not yet: missing: module 'tinygrad_lenet' has no attribute 'clamp_max'",
    "clamp_min": "not yet: missing: module 'tinygrad_lenet' has no attribute 'clamp_min'",
    "clone": "not yet: missing: module 'tinygrad_lenet' has no attribute 'clone'",
    "column_stack": "not yet: missing: module 'tinygrad_lenet' has no attribute 'column_stack'",
    "combinations": "not yet: missing: module 'tinygrad_lenet' has no attribute 'combinations'",
    "complex": "not yet: missing: module 'tinygrad_lenet' has no attribute 'complex'",
    "conj": "not yet: missing: module 'tinygrad_lenet' has no attribute 'conj'",
    "conj_physical": "not yet: missing: module 'tinygrad_lenet' has no attribute 'conj_physical'",
    "constant_pad_nd": "not yet: missing: module 'tinygrad_lenet' has no attribute 'constant_pad_nd'",
    "copysign": "not yet: missing: module 'tinygrad_lenet' has no attribute 'copysign'",
    "corrcoef": "not yet: missing: module 'tinygrad_lenet' has no attribute 'corrcoef'",
    "cos": "not yet: missing: module 'tinygrad_lenet' has no attribute 'cos'",
    "cosh": "not yet: missing: module 'tinygrad_lenet' has no attribute 'cosh'",
    "count_nonzero": "not yet: missing: module 'tinygrad_lenet' has no attribute 'count_nonzero'",
    "cov": "not yet: missing: module 'tinygrad_lenet' has no attribute 'cov'",
    "cross": "not yet: missing: module 'tinygrad_lenet' has no attribute 'cross'",
    "cummax": "not yet: missing: module 'tinygrad_lenet' has no attribute 'cummax'",
    "cummin": "not yet: missing: module 'tinygrad_lenet' has no attribute 'cummin'",
    "cumprod": "not yet: missing: module 'tinygrad_lenet' has no attribute 'cumprod'",
    "cumsum": "not yet: missing: module 'tinygrad_lenet' has no attribute 'cumsum'",
    "cumulative_trapezoid": "not yet: missing: module 'tinygrad_lenet' has no attribute 'cumulative_trapezoid'",
    "deg2rad": "not yet: missing: module 'tinygrad_lenet' has no attribute 'deg2rad'",
    "diag": "not yet: missing: module 'tinygrad_lenet' has no attribute 'diag'",
    "diag_embed": "not yet: missing: module 'tinygrad_lenet' has no attribute 'diag_embed'",
    "diagflat": "not yet: missing: module 'tinygrad_lenet' has no attribute 'diagflat'",
    "diagonal": "not yet: missing: module 'tinygrad_lenet' has no attribute 'diagonal'",
    "diagonal_copy": "not yet: missing: module 'tinygrad_lenet' has no attribute 'diagonal_copy'",
    "diagonal_scatter": "not yet: missing: module 'tinygrad_lenet' has no attribute 'diagonal_scatter'",
    "diff": "not yet: missing: module 'tinygrad_lenet' has no attribute 'diff'",
    "digamma": "not yet: missing: module 'tinygrad_lenet' has no attribute 'digamma'",
    "dist": "not yet: missing: module 'tinygrad_lenet' has no attribute 'dist'",
    "div.floor_rounding": "not yet: missing: module 'tinygrad_lenet' has no attribute 'div'",
    "div.no_rounding_mode": "not yet: missing: module 'tinygrad_lenet' has no attribute 'div'",
    "div.trunc_rounding": "not yet: missing: module 'tinygrad_lenet' has no attribute 'div'",
    "dot": "not yet: missing: module 'tinygrad_lenet' has no attribute 'dot'",
    "double": "not yet: raises: sample 1 (lambda): TypeError: Tensor.double() got an unexpected keyword argument "
    "'memory_format'; input tensor():float64, args [], kwargs {memo",
    "dsplit": "not yet: missing: module 'tinygrad_lenet' has no attribute 'dsplit'",
    "dstack": "not yet: missing: module 'tinygrad_lenet' has no attribute 'dstack'",
    "einsum": "not yet: raises: sample 0 (lambda): AttributeError: module 'tinygrad_lenet' has no attribute 'einsum'; "
    "input [tensor(3,):float64], args ['i->'], kwargs {}",
    "empty_like": "not yet: raises: sample 3 (function): TypeError: empty_like() got an unexpected keyword argument "
    "'device'; input tensor(5,):float64, args [], kwargs {dtype=torc",
    "empty_permuted": "not yet: missing: module 'tinygrad_lenet' has no attribute 'empty_permuted'",
    "empty_strided": "not yet: raises: sample 0 (lambda): AttributeError: module 'tinygrad_lenet' has no attribute "
    "'empty_strided'; input [], args [[]], kwargs {requires_grad=False, ",
    "eq": "not yet: missing: module 'tinygrad_lenet' has no attribute 'eq'",
    "equal": "not yet: missing: 'Tensor' object has no attribute 'equal'",
    "erf": "not yet: missing: module 'tinygrad_lenet' has no attribute 'erf'",
    "erfc": "not yet: missing: module 'tinygrad_lenet' has no attribute 'erfc'",
    "erfinv": "not yet: missing: module 'tinygrad_lenet' has no attribute 'erfinv'",
    "exp2": "not yet: missing: module 'tinygrad_lenet' has no attribute 'exp2'",
    "expand_copy": "not yet: missing: module 'tinygrad_lenet' has no attribute 'expand_copy'",
    "expm1": "not yet: missing: module 'tinygrad_lenet' has no attribute 'expm1'",
    "fill": "not yet: missing: module 'tinygrad_lenet' has no attribute 'fill'",
    "flip": "not yet: raises: sample 0 (method): TypeError: TensorMovement.flip() got an unexpected keyword argument "
    "'dims'; input tensor(5, 10, 5):float64, args [], kwargs ",
    "fliplr": "not yet: missing: module 'tinygrad_lenet' has no attribute 'fliplr'",
    "flipud": "not yet: missing: module 'tinygrad_lenet' has no attribute 'flipud'",
    "float": "not yet: raises: sample 1 (lambda): TypeError: Tensor.float() got an unexpected keyword argument "
    "'memory_format'; input tensor():float64, args [], kwargs {memor",
    "float_power": "not yet: missing: module 'tinygrad_lenet' has no attribute 'float_power'",
    "floor": "not yet: missing: module 'tinygrad_lenet' has no attribute 'floor'",
    "floor_divide": "not yet: missing: module 'tinygrad_lenet' has no attribute 'floor_divide'",
    "fmax": "not yet: missing: module 'tinygrad_lenet' has no attribute 'fmax'",
    "fmin": "not yet: missing: module 'tinygrad_lenet' has no attribute 'fmin'",
    "fmod": "not yet: missing: module 'tinygrad_lenet' has no attribute 'fmod'",
    "frac": "not yet: missing: module 'tinygrad_lenet' has no attribute 'frac'",
    "frexp": "not yet: missing: module 'tinygrad_lenet' has no attribute 'frexp'",
    "gather": "not yet: missing: module 'tinygrad_lenet' has no attribute 'gather'",
    "gcd": "not yet: missing: module 'tinygrad_lenet' has no attribute 'gcd'",
    "ge": "not yet: missing: module 'tinygrad_lenet' has no attribute 'ge'",
    "geqrf": "not yet: missing: module 'tinygrad_lenet' has no attribute 'geqrf'",
    "gradient": "not yet: missing: module 'tinygrad_lenet' has no attribute 'gradient'",
    "grid_sampler_2d": "not yet: missing: module 'tinygrad_lenet' has no attribute 'grid_sampler_2d'",
    "grid_sampler_3d": "not yet: missing: module 'tinygrad_lenet' has no attribute 'grid_sampler_3d'",
    "gt": "not yet: missing: module 'tinygrad_lenet' has no attribute 'gt'",
    "half": "not yet: raises: sample 1 (lambda): TypeError: Tensor.half() got an unexpected keyword argument "
    "'memory_format'; input tensor():float64, args [], kwargs {memory",
    "hash_tensor": "not yet: missing: module 'tinygrad_lenet' has no attribute 'hash_tensor'",
    "heaviside": "not yet: missing: module 'tinygrad_lenet' has no attribute 'heaviside'",
    "histc": "not yet: missing: module 'tinygrad_lenet' has no attribute 'histc'",
    "histogram": "not yet: missing: module 'tinygrad_lenet' has no attribute 'histogram'",
    "histogramdd": "not yet: missing: module 'tinygrad_lenet' has no attribute 'histogramdd'",
    "hsplit": "not yet: missing: module 'tinygrad_lenet' has no attribute 'hsplit'",
    "hstack": "not yet: missing: module 'tinygrad_lenet' has no attribute 'hstack'",
    "hypot": "not yet: missing: module 'tinygrad_lenet' has no attribute 'hypot'",
    "i0": "not yet: missing: module 'tinygrad_lenet' has no attribute 'i0'",
    "igamma": "not yet: missing: module 'tinygrad_lenet' has no attribute 'igamma'",
    "igammac": "not yet: missing: module 'tinygrad_lenet' has no attribute 'igammac'",
    "imag": "not yet: unsupported: no float64, int64 or bool samples in PyTorch",
    "index_add": "not yet: missing: module 'tinygrad_lenet' has no attribute 'index_add'",
    "index_copy": "not yet: missing: module 'tinygrad_lenet' has no attribute 'index_copy'",
    "index_fill": "not yet: missing: module 'tinygrad_lenet' has no attribute 'index_fill'",
    "index_put": "not yet: missing: module 'tinygrad_lenet' has no attribute 'index_put'",
    "index_reduce.amax": "not yet: missing: module 'tinygrad_lenet' has no attribute 'index_reduce'",
    "index_reduce.amin": "not yet: missing: module 'tinygrad_lenet' has no attribute 'index_reduce'",
    "index_reduce.mean": "not yet: missing: module 'tinygrad_lenet' has no attribute 'index_reduce'",
    "index_reduce.prod": "not yet: missing: module 'tinygrad_lenet' has no attribute 'index_reduce'",
    "index_select": "not yet: missing: module 'tinygrad_lenet' has no attribute 'index_select'",
    "inner": "not yet: missing: module 'tinygrad_lenet' has no attribute 'inner'",
    "int": "not yet: raises: sample 1 (lambda): TypeError: Tensor.int() got an unexpected keyword argument "
    "'memory_format'; input tensor():float64, args [], kwargs {memory_",
    "isclose": "not yet: missing: 'Tensor' object has no attribute 'isclose'",
    "isfinite": "not yet: missing: module 'tinygrad_lenet' has no attribute 'isfinite'",
    "isin": "not yet: missing: module 'tinygrad_lenet' has no attribute 'isin'",
    "isinf": "not yet: missing: module 'tinygrad_lenet' has no attribute 'isinf'",
    "isnan": "not yet: missing: module 'tinygrad_lenet' has no attribute 'isnan'",
    "isneginf": "not yet: missing: module 'tinygrad_lenet' has no attribute 'isneginf'",
    "isposinf": "not yet: missing: module 'tinygrad_lenet' has no attribute 'isposinf'",
    "isreal": "not yet: missing: module 'tinygrad_lenet' has no attribute 'isreal'",
    "istft": "not yet: unsupported: no float64, int64 or bool samples in PyTorch",
    "kron": "not yet: missing: module 'tinygrad_lenet' has no attribute 'kron'",
    "kthvalue": "not yet: missing: module 'tinygrad_lenet' has no attribute 'kthvalue'",
    "lcm": "not yet: missing: module 'tinygrad_lenet' has no attribute 'lcm'",
    "ldexp": "not yet: missing: module 'tinygrad_lenet' has no attribute 'ldexp'",
    "le": "not yet: missing: module 'tinygrad_lenet' has no attribute 'le'",
    "lerp": "not yet: missing: module 'tinygrad_lenet' has no attribute 'lerp'",
    "lgamma": "not yet: missing: module 'tinygrad_lenet' has no attribute 'lgamma'",
    "linspace": "not yet: raises: sample 0 (function): TypeError: linspace() got an unexpected keyword argument "
    "'device'; input -2.0, args [-3, 0], kwargs {dtype=torch.float64, ",
    "linspace.tensor_overload": "not yet: raises: sample 0 (function): TypeError: linspace() got an unexpected "
    "keyword argument 'device'; input tensor():float32, args [tensor():int64, 0], kwarg",
    "log10": "not yet: missing: module 'tinygrad_lenet' has no attribute 'log10'",
    "log1p": "not yet: missing: module 'tinygrad_lenet' has no attribute 'log1p'",
    "log2": "not yet: missing: module 'tinygrad_lenet' has no attribute 'log2'",
    "log_softmax.with_dtype": "not yet: raises: sample 0 (function): TypeError: log_softmax() got an unexpected "
    "keyword argument 'dtype'; input tensor(5,):float64, args [0], kwargs {dtype=tor",
    "logaddexp": "not yet: missing: module 'tinygrad_lenet' has no attribute 'logaddexp'",
    "logaddexp2": "not yet: missing: module 'tinygrad_lenet' has no attribute 'logaddexp2'",
    "logcumsumexp": "not yet: missing: module 'tinygrad_lenet' has no attribute 'logcumsumexp'",
    "logdet": "not yet: missing: module 'tinygrad_lenet' has no attribute 'logdet'",
    "logical_and": "not yet: missing: module 'tinygrad_lenet' has no attribute 'logical_and'",
    "logical_not": "not yet: missing: module 'tinygrad_lenet' has no attribute 'logical_not'",
    "logical_or": "not yet: missing: module 'tinygrad_lenet' has no attribute 'logical_or'",
    "logical_xor": "not yet: missing: module 'tinygrad_lenet' has no attribute 'logical_xor'",
    "logit": "not yet: missing: module 'tinygrad_lenet' has no attribute 'logit'",
    "logspace": "not yet: missing: module 'tinygrad_lenet' has no attribute 'logspace'",
    "logspace.tensor_overload": "not yet: missing: module 'tinygrad_lenet' has no attribute 'logspace'",
    "logsumexp": "not yet: missing: module 'tinygrad_lenet' has no attribute 'logsumexp'",
    "long": "not yet: raises: sample 1 (lambda): TypeError: Tensor.long() got an unexpected keyword argument "
    "'memory_format'; input tensor():float64, args [], kwargs {memory",
    "lt": "not yet: missing: module 'tinygrad_lenet' has no attribute 'lt'",
    "lu": "not yet: missing: module 'tinygrad_lenet' has no attribute 'lu'",
    "lu_solve": "not yet: missing: module 'tinygrad_lenet' has no attribute 'lu_solve'",
    "lu_unpack": "not yet: missing: module 'tinygrad_lenet' has no attribute 'lu_unpack'",
    "mH": "not yet: raises: sample 0 (lambda): AttributeError: 'Tensor' object has no attribute 'mH'; input tensor(1, "
    "2, 3):float64, args [], kwargs {}",
    "mT": "not yet: raises: sample 0 (lambda): AttributeError: 'Tensor' object has no attribute 'mT'; input tensor(1, "
    "2, 3):float64, args [], kwargs {}",
    "masked_fill": "not yet: missing: module 'tinygrad_lenet' has no attribute 'masked_fill'",
    "masked_scatter": "not yet: missing: module 'tinygrad_lenet' has no attribute 'masked_scatter'",
    "masked_select": "not yet: missing: module 'tinygrad_lenet' has no attribute 'masked_select'",
    "matrix_exp": "not yet: missing: module 'tinygrad_lenet' has no attribute 'matrix_exp'",
    "max.binary": "not yet: raises: sample 0 (method): TypeError: iteration over a 0-d tensor; input "
    "tensor():float64, args [tensor():float64], kwargs {}",
    "max.reduction_with_dim": "not yet: raises: sample 2 (function): ValueError: not enough values to unpack "
    "(expected 1, got 0); input tensor():float64, args [0], kwargs {}",
    "median": "not yet: missing: module 'tinygrad_lenet' has no attribute 'median'",
    "meshgrid.list_of_tensors": "not yet: missing: module 'tinygrad_lenet' has no attribute 'meshgrid'",
    "meshgrid.variadic_tensors": "not yet: missing: module 'tinygrad_lenet' has no attribute 'meshgrid'",
    "min.binary": "not yet: raises: sample 0 (method): TypeError: iteration over a 0-d tensor; input "
    "tensor():float64, args [tensor():float64], kwargs {}",
    "min.reduction_with_dim": "not yet: raises: sample 2 (function): ValueError: not enough values to unpack "
    "(expected 1, got 0); input tensor():float64, args [0], kwargs {}",
    "mode": "not yet: missing: module 'tinygrad_lenet' has no attribute 'mode'",
    "movedim": "not yet: missing: module 'tinygrad_lenet' has no attribute 'movedim'",
    "msort": "not yet: missing: module 'tinygrad_lenet' has no attribute 'msort'",
    "mul": "not yet: missing: module 'tinygrad_lenet' has no attribute 'mul'",
    "multinomial": "not yet: raises: sample 0 (lambda): AttributeError: module 'tinygrad_lenet' has no attribute "
    "'multinomial'; input tensor(3,):float64, args [3], kwargs {}",
    "mv": "not yet: missing: module 'tinygrad_lenet' has no attribute 'mv'",
    "mvlgamma.mvlgamma_p_1": "not yet: missing: module 'tinygrad_lenet' has no attribute 'mvlgamma'",
    "mvlgamma.mvlgamma_p_3": "not yet: missing: module 'tinygrad_lenet' has no attribute 'mvlgamma'",
    "mvlgamma.mvlgamma_p_5": "not yet: missing: module 'tinygrad_lenet' has no attribute 'mvlgamma'",
    "nan_to_num": "not yet: missing: module 'tinygrad_lenet' has no attribute 'nan_to_num'",
    "nanmean": "not yet: missing: module 'tinygrad_lenet' has no attribute 'nanmean'",
    "nanmedian": "not yet: missing: module 'tinygrad_lenet' has no attribute 'nanmedian'",
    "nanquantile": "not yet: missing: module 'tinygrad_lenet' has no attribute 'nanquantile'",
    "nansum": "not yet: missing: module 'tinygrad_lenet' has no attribute 'nansum'",
    "narrow": "not yet: missing: module 'tinygrad_lenet' has no attribute 'narrow'",
    "narrow_copy": "not yet: missing: module 'tinygrad_lenet' has no attribute 'narrow_copy'",
    "native_batch_norm": "not yet: missing: module 'tinygrad_lenet' has no attribute 'native_batch_norm'",
    "native_group_norm": "not yet: missing: module 'tinygrad_lenet' has no attribute 'native_group_norm'",
    "native_layer_norm": "not yet: missing: module 'tinygrad_lenet' has no attribute 'native_layer_norm'",
    "ne": "not yet: missing: module 'tinygrad_lenet' has no attribute 'ne'",
    "neg": "not yet: missing: module 'tinygrad_lenet' has no attribute 'neg'",
    "new_empty": "not yet: raises: sample 0 (lambda): AttributeError: 'Tensor' object has no attribute 'new_empty'; "
    "input tensor():float64, args [[]], kwargs {}",
    "new_empty_strided": "not yet: raises: sample 0 (lambda): AttributeError: 'Tensor' object has no attribute "
    "'new_empty_strided'; input tensor():float64, args [[], []], kwargs {}",
    "new_full": "not yet: raises: sample 0 (lambda): AttributeError: 'Tensor' object has no attribute 'new_full'; "
    "input tensor():float64, args [[], -7.582430495695129], kwargs {",
    "new_ones": "not yet: raises: sample 0 (lambda): AttributeError: 'Tensor' object has no attribute 'new_ones'; "
    "input tensor():float64, args [[]], kwargs {}",
    "new_zeros": "not yet: raises: sample 0 (lambda): AttributeError: 'Tensor' object has no attribute 'new_zeros'; "
    "input tensor():float64, args [[]], kwargs {}",
    "nextafter": "not yet: missing: module 'tinygrad_lenet' has no attribute 'nextafter'",
    "nn.functional.adaptive_avg_pool1d": "not yet: missing: module 'tinygrad_lenet.nn.functional' has no attribute "
    "'adaptive_avg_pool1d'",
    "nn.functional.adaptive_avg_pool3d": "not yet: missing: module 'tinygrad_lenet.nn.functional' has no attribute "
    "'adaptive_avg_pool3d'",
    "nn.functional.adaptive_max_pool1d": "not yet: missing: module 'tinygrad_lenet.nn.functional' has no attribute "
    "'adaptive_max_pool1d'",
    "nn.functional.adaptive_max_pool2d": "not yet: missing: module 'tinygrad_lenet.nn.functional' has no attribute "
    "'adaptive_max_pool2d'",
    "nn.functional.adaptive_max_pool3d": "not yet: missing: module 'tinygrad_lenet.nn.functional' has no attribute "
    "'adaptive_max_pool3d'",
    "nn.functional.alpha_dropout": "not yet: raises: sample 0 (lambda): AttributeError: module "
    "'tinygrad_lenet.nn.functional' has no attribute 'alpha_dropout'; input tensor(5, "
    "5):float64, args [],",
    "nn.functional.avg_pool1d": "not yet: missing: module 'tinygrad_lenet.nn.functional' has no attribute 'avg_pool1d'",
    "nn.functional.avg_pool2d": "not yet: raises: sample 0 (function): TypeError: avg_pool2d() takes from 2 to 4 "
    "positional arguments but 7 were given; input tensor(1, 3, 9, 9):float64, args [3",
    "nn.functional.avg_pool3d": "not yet: missing: module 'tinygrad_lenet.nn.functional' has no attribute 'avg_pool3d'",
    "nn.functional.batch_norm": "not yet: missing: module 'tinygrad_lenet.nn.functional' has no attribute 'batch_norm'",
    "nn.functional.batch_norm.without_cudnn": "not yet: unsupported: no float64, int64 or bool samples in PyTorch",
    "nn.functional.bilinear": "not yet: missing: module 'tinygrad_lenet.nn.functional' has no attribute 'bilinear'",
    "nn.functional.celu": "not yet: missing: module 'tinygrad_lenet.nn.functional' has no attribute 'celu'",
    "nn.functional.channel_shuffle": "not yet: missing: module 'tinygrad_lenet.nn.functional' has no attribute "
    "'channel_shuffle'",
    "nn.functional.conv1d": "not yet: missing: module 'tinygrad_lenet.nn.functional' has no attribute 'conv1d'",
    "nn.functional.conv3d": "not yet: missing: module 'tinygrad_lenet.nn.functional' has no attribute 'conv3d'",
    "nn.functional.conv_transpose1d": "not yet: missing: module 'tinygrad_lenet.nn.functional' has no attribute "
    "'conv_transpose1d'",
    "nn.functional.conv_transpose2d": "not yet: missing: module 'tinygrad_lenet.nn.functional' has no attribute "
    "'conv_transpose2d'",
    "nn.functional.conv_transpose3d": "not yet: missing: module 'tinygrad_lenet.nn.functional' has no attribute "
    "'conv_transpose3d'",
    "nn.functional.cosine_embedding_loss": "not yet: missing: module 'tinygrad_lenet.nn.functional' has no attribute "
    "'cosine_embedding_loss'",
    "nn.functional.cosine_similarity": "not yet: missing: module 'tinygrad_lenet.nn.functional' has no attribute "
    "'cosine_similarity'",
    "nn.functional.cross_entropy": "not yet: raises: sample 2 (function): ShapeError: cross_entropy: expected input "
    "of shape (N, C), got (2, 3, 1); input tensor(2, 3, 1):float64, args [tensor(2, 1",
    "nn.functional.ctc_loss": "not yet: missing: module 'tinygrad_lenet.nn.functional' has no attribute 'ctc_loss'",
    "nn.functional.dropout3d": "not yet: raises: sample 0 (lambda): AttributeError: module "
    "'tinygrad_lenet.nn.functional' has no attribute 'dropout3d'; input tensor(5, 5, 5, "
    "5):float64, args [",
    "nn.functional.embedding": "not yet: raises: sample 0 (lambda): AttributeError: module "
    "'tinygrad_lenet.nn.functional' has no attribute 'embedding'; input tensor(10, "
    "5):float64, args [tenso",
    "nn.functional.embedding_bag": "not yet: raises: sample 0 (lambda): AttributeError: module "
    "'tinygrad_lenet.nn.functional' has no attribute 'embedding_bag'; input tensor(10, "
    "5):float64, args [t",
    "nn.functional.feature_alpha_dropout.with_train": "not yet: raises: sample 0 (lambda): AttributeError: module "
    "'tinygrad_lenet.nn.functional' has no attribute "
    "'feature_alpha_dropout'; input tensor(5, 5, 5, 5):flo",
    "nn.functional.feature_alpha_dropout.without_train": "not yet: raises: sample 0 (lambda): AttributeError: module "
    "'tinygrad_lenet.nn.functional' has no attribute "
    "'feature_alpha_dropout'; input tensor(5, 5):float64, ",
    "nn.functional.fractional_max_pool2d": "not yet: raises: sample 0 (lambda): AttributeError: module "
    "'tinygrad_lenet.nn.functional' has no attribute 'fractional_max_pool2d'; "
    "input tensor(1, 3, 9, 9):flo",
    "nn.functional.fractional_max_pool3d": "not yet: raises: sample 0 (lambda): AttributeError: module "
    "'tinygrad_lenet.nn.functional' has no attribute 'fractional_max_pool3d'; "
    "input tensor(2, 3, 5, 5, 5):",
    "nn.functional.gaussian_nll_loss": "not yet: missing: module 'tinygrad_lenet.nn.functional' has no attribute "
    "'gaussian_nll_loss'",
    "nn.functional.glu": "not yet: missing: module 'tinygrad_lenet.nn.functional' has no attribute 'glu'",
    "nn.functional.grid_sample": "not yet: missing: module 'tinygrad_lenet.nn.functional' has no attribute "
    "'grid_sample'",
    "nn.functional.group_norm": "not yet: missing: module 'tinygrad_lenet.nn.functional' has no attribute 'group_norm'",
    "nn.functional.hardshrink": "not yet: missing: module 'tinygrad_lenet.nn.functional' has no attribute 'hardshrink'",
    "nn.functional.hardsigmoid": "not yet: missing: module 'tinygrad_lenet.nn.functional' has no attribute "
    "'hardsigmoid'",
    "nn.functional.hardtanh": "not yet: missing: module 'tinygrad_lenet.nn.functional' has no attribute 'hardtanh'",
    "nn.functional.hinge_embedding_loss": "not yet: missing: module 'tinygrad_lenet.nn.functional' has no attribute "
    "'hinge_embedding_loss'",
    "nn.functional.instance_norm": "not yet: missing: module 'tinygrad_lenet.nn.functional' has no attribute "
    "'instance_norm'",
    "nn.functional.interpolate.area": "not yet: missing: module 'tinygrad_lenet.nn.functional' has no attribute "
    "'interpolate'",
    "nn.functional.interpolate.bicubic": "not yet: missing: module 'tinygrad_lenet.nn.functional' has no attribute "
    "'interpolate'",
    "nn.functional.interpolate.bilinear": "not yet: missing: module 'tinygrad_lenet.nn.functional' has no attribute "
    "'interpolate'",
    "nn.functional.interpolate.linear": "not yet: missing: module 'tinygrad_lenet.nn.functional' has no attribute "
    "'interpolate'",
    "nn.functional.interpolate.nearest": "not yet: missing: module 'tinygrad_lenet.nn.functional' has no attribute "
    "'interpolate'",
    "nn.functional.interpolate.nearest-exact": "not yet: missing: module 'tinygrad_lenet.nn.functional' has no "
    "attribute 'interpolate'",
    "nn.functional.interpolate.trilinear": "not yet: missing: module 'tinygrad_lenet.nn.functional' has no attribute "
    "'interpolate'",
    "nn.functional.layer_norm": "not yet: missing: module 'tinygrad_lenet.nn.functional' has no attribute 'layer_norm'",
    "nn.functional.linear_cross_entropy": "not yet: missing: module 'tinygrad_lenet.nn.functional' has no attribute "
    "'linear_cross_entropy'",
    "nn.functional.linear_cross_entropy.chunked": "not yet: missing: module 'tinygrad_lenet.nn.functional' has no "
    "attribute 'linear_cross_entropy'",
    "nn.functional.linear_cross_entropy.chunked_none": "not yet: missing: module 'tinygrad_lenet.nn.functional' has "
    "no attribute 'linear_cross_entropy'",
    "nn.functional.local_response_norm": "not yet: missing: module 'tinygrad_lenet.nn.functional' has no attribute "
    "'local_response_norm'",
    "nn.functional.logsigmoid": "not yet: missing: module 'tinygrad_lenet.nn.functional' has no attribute 'logsigmoid'",
    "nn.functional.margin_ranking_loss": "not yet: missing: module 'tinygrad_lenet.nn.functional' has no attribute "
    "'margin_ranking_loss'",
    "nn.functional.max_pool1d": "not yet: missing: module 'tinygrad_lenet.nn.functional' has no attribute 'max_pool1d'",
    "nn.functional.max_pool2d": "not yet: raises: sample 0 (function): TypeError: max_pool2d() got an unexpected "
    "keyword argument 'ceil_mode'; input tensor(1, 2, 3, 6):float64, args [], kwargs ",
    "nn.functional.max_pool3d": "not yet: missing: module 'tinygrad_lenet.nn.functional' has no attribute 'max_pool3d'",
    "nn.functional.max_unpool1d": "not yet: missing: module 'tinygrad_lenet.nn.functional' has no attribute "
    "'max_unpool1d'",
    "nn.functional.max_unpool1d.grad": "not yet: missing: module 'tinygrad_lenet.nn.functional' has no attribute "
    "'max_unpool1d'",
    "nn.functional.max_unpool2d": "not yet: missing: module 'tinygrad_lenet.nn.functional' has no attribute "
    "'max_unpool2d'",
    "nn.functional.max_unpool2d.grad": "not yet: missing: module 'tinygrad_lenet.nn.functional' has no attribute "
    "'max_unpool2d'",
    "nn.functional.max_unpool3d": "not yet: missing: module 'tinygrad_lenet.nn.functional' has no attribute "
    "'max_unpool3d'",
    "nn.functional.max_unpool3d.grad": "not yet: missing: module 'tinygrad_lenet.nn.functional' has no attribute "
    "'max_unpool3d'",
    "nn.functional.multi_head_attention_forward": "not yet: raises: sample 0 (lambda): AttributeError: module "
    "'tinygrad_lenet.nn.functional' has no attribute "
    "'multi_head_attention_forward'; input tensor(3, 2, 2)",
    "nn.functional.multi_margin_loss": "not yet: missing: module 'tinygrad_lenet.nn.functional' has no attribute "
    "'multi_margin_loss'",
    "nn.functional.multilabel_margin_loss": "not yet: missing: module 'tinygrad_lenet.nn.functional' has no attribute "
    "'multilabel_margin_loss'",
    "nn.functional.multilabel_soft_margin_loss": "not yet: missing: module 'tinygrad_lenet.nn.functional' has no "
    "attribute 'multilabel_soft_margin_loss'",
    "nn.functional.nll_loss": "not yet: raises: sample 7 (function): ShapeError: nll_loss: expected input of shape "
    "(N, C), got (3,); input tensor(3,):float64, args [tensor():int64], kwargs {r",
    "nn.functional.normalize": "not yet: missing: module 'tinygrad_lenet.nn.functional' has no attribute 'normalize'",
    "nn.functional.pad.circular": "not yet: raises: sample 0 (function): ValueError: pad: only mode='constant' is "
    "supported, got 'circular'; input tensor(0, 3, 3):float64, args [[1, 2], 'circular",
    "nn.functional.pad.constant": "not yet: raises: sample 4 (function): ValueError: pad: expected an even number of "
    "non-negative ints, at most 2 per dim of (5, 3), got (-1, -2, 1, 1); input tens",
    "nn.functional.pad.reflect": "not yet: raises: sample 0 (function): ValueError: pad: only mode='constant' is "
    "supported, got 'reflect'; input tensor(1, 3):float64, args [[1, 2], 'reflect'], k",
    "nn.functional.pad.replicate": "not yet: raises: sample 0 (function): ValueError: pad: only mode='constant' is "
    "supported, got 'replicate'; input tensor(1, 3):float64, args [[1, 2], 'replicate'",
    "nn.functional.pad.replicate_negative": "not yet: raises: sample 0 (function): ValueError: pad: only "
    "mode='constant' is supported, got 'replicate'; input tensor(5, 3, 4, "
    "4):float64, args [[-4, 5, 0, 0]",
    "nn.functional.pairwise_distance": "not yet: missing: module 'tinygrad_lenet.nn.functional' has no attribute "
    "'pairwise_distance'",
    "nn.functional.pdist": "not yet: missing: module 'tinygrad_lenet.nn.functional' has no attribute 'pdist'",
    "nn.functional.pixel_shuffle": "not yet: missing: module 'tinygrad_lenet.nn.functional' has no attribute "
    "'pixel_shuffle'",
    "nn.functional.pixel_unshuffle": "not yet: missing: module 'tinygrad_lenet.nn.functional' has no attribute "
    "'pixel_unshuffle'",
    "nn.functional.poisson_nll_loss": "not yet: missing: module 'tinygrad_lenet.nn.functional' has no attribute "
    "'poisson_nll_loss'",
    "nn.functional.prelu": "not yet: missing: module 'tinygrad_lenet.nn.functional' has no attribute 'prelu'",
    "nn.functional.rms_norm": "not yet: missing: module 'tinygrad_lenet.nn.functional' has no attribute 'rms_norm'",
    "nn.functional.rrelu": "not yet: raises: sample 0 (lambda): AttributeError: module 'tinygrad_lenet.nn.functional' "
    "has no attribute 'rrelu'; input tensor(20,):float64, args [], kwargs {",
    "nn.functional.scaled_dot_product_attention": "not yet: raises: sample 0 (lambda): AttributeError: module "
    "'tinygrad_lenet.nn.functional' has no attribute "
    "'scaled_dot_product_attention'; input tensor(4, 3, 8)",
    "nn.functional.selu": "not yet: missing: module 'tinygrad_lenet.nn.functional' has no attribute 'selu'",
    "nn.functional.silu.complex": "not yet: unsupported: no float64, int64 or bool samples in PyTorch",
    "nn.functional.soft_margin_loss": "not yet: missing: module 'tinygrad_lenet.nn.functional' has no attribute "
    "'soft_margin_loss'",
    "nn.functional.softmin": "not yet: missing: module 'tinygrad_lenet.nn.functional' has no attribute 'softmin'",
    "nn.functional.softmin.with_dtype": "not yet: missing: module 'tinygrad_lenet.nn.functional' has no attribute "
    "'softmin'",
    "nn.functional.softshrink": "not yet: missing: module 'tinygrad_lenet.nn.functional' has no attribute 'softshrink'",
    "nn.functional.softsign": "not yet: missing: module 'tinygrad_lenet.nn.functional' has no attribute 'softsign'",
    "nn.functional.tanhshrink": "not yet: missing: module 'tinygrad_lenet.nn.functional' has no attribute 'tanhshrink'",
    "nn.functional.threshold": "not yet: missing: module 'tinygrad_lenet.nn.functional' has no attribute 'threshold'",
    "nn.functional.triplet_margin_loss": "not yet: missing: module 'tinygrad_lenet.nn.functional' has no attribute "
    "'triplet_margin_loss'",
    "nn.functional.triplet_margin_with_distance_loss": "not yet: missing: module 'tinygrad_lenet.nn.functional' has "
    "no attribute 'triplet_margin_with_distance_loss'",
    "nn.functional.unfold": "not yet: missing: module 'tinygrad_lenet.nn.functional' has no attribute 'unfold'",
    "nn.functional.upsample_bilinear": "not yet: missing: module 'tinygrad_lenet.nn.functional' has no attribute "
    "'upsample_bilinear'",
    "nn.functional.upsample_nearest": "not yet: missing: module 'tinygrad_lenet.nn.functional' has no attribute "
    "'upsample_nearest'",
    "nonzero": "not yet: missing: module 'tinygrad_lenet' has no attribute 'nonzero'",
    "nonzero_static": "not yet: missing: module 'tinygrad_lenet' has no attribute 'nonzero_static'",
    "norm": "not yet: missing: module 'tinygrad_lenet' has no attribute 'norm'",
    "norm.fro": "not yet: missing: module 'tinygrad_lenet' has no attribute 'norm'",
    "norm.inf": "not yet: missing: module 'tinygrad_lenet' has no attribute 'norm'",
    "norm.nuc": "not yet: missing: module 'tinygrad_lenet' has no attribute 'norm'",
    "normal": "not yet: raises: sample 0 (lambda): AttributeError: module 'tinygrad_lenet' has no attribute 'normal'; "
    "input tensor():float64, args [tensor():float64], kwargs {",
    "normal.number_mean": "not yet: raises: sample 0 (lambda): AttributeError: module 'tinygrad_lenet' has no "
    "attribute 'normal'; input 1.6, args [0.3, [2, 3]], kwargs {dtype=torch.float6",
    "ormqr": "not yet: missing: module 'tinygrad_lenet' has no attribute 'ormqr'",
    "outer": "not yet: missing: module 'tinygrad_lenet' has no attribute 'outer'",
    "pca_lowrank": "not yet: raises: sample 0 (lambda): AttributeError: module 'tinygrad_lenet' has no attribute "
    "'pca_lowrank'; input tensor(3, 2):float64, args [tensor(3, 2):float",
    "permute": "not yet: missing: module 'tinygrad_lenet' has no attribute 'permute'",
    "permute_copy": "not yet: missing: module 'tinygrad_lenet' has no attribute 'permute_copy'",
    "pinverse": "not yet: missing: module 'tinygrad_lenet' has no attribute 'pinverse'",
    "polar": "not yet: missing: module 'tinygrad_lenet' has no attribute 'polar'",
    "polygamma.polygamma_n_0": "not yet: raises: sample 0 (lambda): AttributeError: module 'tinygrad_lenet' has no "
    "attribute 'polygamma'; input tensor(5, 5):float64, args [1], kwargs {}",
    "polygamma.polygamma_n_1": "not yet: raises: sample 0 (lambda): AttributeError: module 'tinygrad_lenet' has no "
    "attribute 'polygamma'; input tensor(5, 5):float64, args [1], kwargs {}",
    "polygamma.polygamma_n_2": "not yet: raises: sample 0 (lambda): AttributeError: module 'tinygrad_lenet' has no "
    "attribute 'polygamma'; input tensor(5, 5):float64, args [1], kwargs {}",
    "polygamma.polygamma_n_3": "not yet: raises: sample 0 (lambda): AttributeError: module 'tinygrad_lenet' has no "
    "attribute 'polygamma'; input tensor(5, 5):float64, args [1], kwargs {}",
    "polygamma.polygamma_n_4": "not yet: raises: sample 0 (lambda): AttributeError: module 'tinygrad_lenet' has no "
    "attribute 'polygamma'; input tensor(5, 5):float64, args [1], kwargs {}",
    "positive": "not yet: missing: module 'tinygrad_lenet' has no attribute 'positive'",
    "pow": "not yet: missing: module 'tinygrad_lenet' has no attribute 'pow'",
    "prod": "not yet: missing: module 'tinygrad_lenet' has no attribute 'prod'",
    "put": "not yet: missing: module 'tinygrad_lenet' has no attribute 'put'",
    "qr": "not yet: missing: module 'tinygrad_lenet' has no attribute 'qr'",
    "quantile": "not yet: missing: module 'tinygrad_lenet' has no attribute 'quantile'",
    "rad2deg": "not yet: missing: module 'tinygrad_lenet' has no attribute 'rad2deg'",
    "randint": "not yet: raises: sample 2 (lambda): ValueError: low >= high; input 10, args [[5, 5]], kwargs "
    "{device='cpu'}",
    "randint_like": "not yet: raises: sample 0 (lambda): AttributeError: module 'tinygrad_lenet' has no attribute "
    "'randint_like'; input tensor():float64, args [10], kwargs {}",
    "ravel": "not yet: missing: module 'tinygrad_lenet' has no attribute 'ravel'",
    "real": "not yet: missing: module 'tinygrad_lenet' has no attribute 'real'",
    "reciprocal": "not yet: missing: module 'tinygrad_lenet' has no attribute 'reciprocal'",
    "remainder": "not yet: missing: module 'tinygrad_lenet' has no attribute 'remainder'",
    "renorm": "not yet: missing: module 'tinygrad_lenet' has no attribute 'renorm'",
    "repeat_interleave": "not yet: missing: module 'tinygrad_lenet' has no attribute 'repeat_interleave'",
    "reshape": "not yet: missing: module 'tinygrad_lenet' has no attribute 'reshape'",
    "resize_": "not yet: raises: sample 0 (lambda): AttributeError: 'Tensor' object has no attribute 'resize_'; input "
    "tensor(5, 5, 5):float64, args [[25, 5]], kwargs {}",
    "resize_as_": "not yet: raises: sample 0 (lambda): AttributeError: module 'tinygrad_lenet' has no attribute "
    "'resize_as_'; input tensor(5, 5, 5):float64, args [tensor(5, 5, 5):",
    "resolve_conj": "not yet: missing: module 'tinygrad_lenet' has no attribute 'resolve_conj'",
    "resolve_neg": "not yet: missing: module 'tinygrad_lenet' has no attribute 'resolve_neg'",
    "roll": "not yet: missing: module 'tinygrad_lenet' has no attribute 'roll'",
    "rot90": "not yet: missing: module 'tinygrad_lenet' has no attribute 'rot90'",
    "round": "not yet: missing: module 'tinygrad_lenet' has no attribute 'round'",
    "round.decimals_0": "not yet: missing: module 'tinygrad_lenet' has no attribute 'round'",
    "round.decimals_3": "not yet: missing: module 'tinygrad_lenet' has no attribute 'round'",
    "round.decimals_neg_3": "not yet: missing: module 'tinygrad_lenet' has no attribute 'round'",
    "rsqrt": "not yet: missing: module 'tinygrad_lenet' has no attribute 'rsqrt'",
    "rsub": "not yet: missing: module 'tinygrad_lenet' has no attribute 'rsub'",
    "scalar_tensor": "not yet: missing: module 'tinygrad_lenet' has no attribute 'scalar_tensor'",
    "scatter": "not yet: missing: module 'tinygrad_lenet' has no attribute 'scatter'",
    "scatter_add": "not yet: missing: module 'tinygrad_lenet' has no attribute 'scatter_add'",
    "scatter_reduce.amax": "not yet: missing: module 'tinygrad_lenet' has no attribute 'scatter_reduce'",
    "scatter_reduce.amin": "not yet: missing: module 'tinygrad_lenet' has no attribute 'scatter_reduce'",
    "scatter_reduce.mean": "not yet: missing: module 'tinygrad_lenet' has no attribute 'scatter_reduce'",
    "scatter_reduce.prod": "not yet: missing: module 'tinygrad_lenet' has no attribute 'scatter_reduce'",
    "scatter_reduce.sum": "not yet: missing: module 'tinygrad_lenet' has no attribute 'scatter_reduce'",
    "searchsorted": "not yet: missing: module 'tinygrad_lenet' has no attribute 'searchsorted'",
    "select": "not yet: missing: module 'tinygrad_lenet' has no attribute 'select'",
    "select_scatter": "not yet: missing: module 'tinygrad_lenet' has no attribute 'select_scatter'",
    "sgn": "not yet: missing: module 'tinygrad_lenet' has no attribute 'sgn'",
    "short": "not yet: raises: sample 0 (lambda): AttributeError: 'Tensor' object has no attribute 'short'; input "
    "tensor():float64, args [], kwargs {}",
    "sign": "not yet: missing: module 'tinygrad_lenet' has no attribute 'sign'",
    "signbit": "not yet: missing: module 'tinygrad_lenet' has no attribute 'signbit'",
    "sin": "not yet: missing: module 'tinygrad_lenet' has no attribute 'sin'",
    "sinc": "not yet: missing: module 'tinygrad_lenet' has no attribute 'sinc'",
    "sinh": "not yet: missing: module 'tinygrad_lenet' has no attribute 'sinh'",
    "slice_scatter": "not yet: missing: module 'tinygrad_lenet' has no attribute 'slice_scatter'",
    "softmax.with_dtype": "not yet: raises: sample 0 (function): TypeError: softmax() got an unexpected keyword "
    "argument 'dtype'; input tensor(5,):float64, args [0], kwargs {dtype=torch.f",
    "sort": "not yet: missing: module 'tinygrad_lenet' has no attribute 'sort'",
    "split": "not yet: missing: module 'tinygrad_lenet' has no attribute 'split'",
    "split.list_args": "not yet: missing: module 'tinygrad_lenet' has no attribute 'split'",
    "split_with_sizes": "not yet: missing: module 'tinygrad_lenet' has no attribute 'split_with_sizes'",
    "split_with_sizes_copy": "not yet: missing: module 'tinygrad_lenet' has no attribute 'split_with_sizes_copy'",
    "square": "not yet: missing: module 'tinygrad_lenet' has no attribute 'square'",
    "squeeze": "not yet: missing: module 'tinygrad_lenet' has no attribute 'squeeze'",
    "squeeze.multiple": "not yet: missing: module 'tinygrad_lenet' has no attribute 'squeeze'",
    "squeeze_copy": "not yet: missing: module 'tinygrad_lenet' has no attribute 'squeeze_copy'",
    "std": "not yet: raises: sample 8 (function): TypeError: unsupported operand type(s) for -: 'int' and 'NoneType'; "
    "input tensor(5, 5, 5):float64, args [], kwargs {dim=No",
    "std.unbiased": "not yet: raises: sample 0 (function): IndexError: var: dim True is out of range for a tensor "
    "with 2 dimension(s) (expected an int in [-2, 1]); input tensor(5, 5",
    "std_mean": "not yet: missing: module 'tinygrad_lenet' has no attribute 'std_mean'",
    "std_mean.unbiased": "not yet: missing: module 'tinygrad_lenet' has no attribute 'std_mean'",
    "stft": "not yet: missing: module 'tinygrad_lenet' has no attribute 'stft'",
    "sub": "not yet: missing: module 'tinygrad_lenet' has no attribute 'sub'",
    "sum_to_size": "not yet: raises: sample 0 (lambda): AttributeError: 'Tensor' object has no attribute "
    "'sum_to_size'; input tensor():float64, args [[]], kwargs {}",
    "svd": "not yet: missing: module 'tinygrad_lenet' has no attribute 'svd'",
    "svd_lowrank": "not yet: raises: sample 0 (lambda): AttributeError: module 'tinygrad_lenet' has no attribute "
    "'svd_lowrank'; input tensor(3, 2):float64, args [tensor(3, 2):float",
    "t": "not yet: missing: module 'tinygrad_lenet' has no attribute 't'",
    "t_copy": "not yet: missing: module 'tinygrad_lenet' has no attribute 't_copy'",
    "take": "not yet: missing: module 'tinygrad_lenet' has no attribute 'take'",
    "take_along_dim": "not yet: missing: module 'tinygrad_lenet' has no attribute 'take_along_dim'",
    "tan": "not yet: missing: module 'tinygrad_lenet' has no attribute 'tan'",
    "tensor_split": "not yet: missing: module 'tinygrad_lenet' has no attribute 'tensor_split'",
    "tensordot": "not yet: missing: module 'tinygrad_lenet' has no attribute 'tensordot'",
    "tile": "not yet: missing: module 'tinygrad_lenet' has no attribute 'tile'",
    "to": "not yet: raises: sample 0 (lambda): TypeError: to() got unexpected arguments ['memory_format']; input "
    "tensor(5, 5, 5, 5):float64, args ['cpu', torch.float64, Tr",
    "to_sparse": "not yet: raises: sample 0 (lambda): AttributeError: 'Tensor' object has no attribute 'to_sparse'; "
    "input tensor(5, 5):float64, args [], kwargs {}",
    "topk": "not yet: raises: sample 7 (function): IndexError: index (tensor([0]),) does not fit a tensor of shape "
    "(): too many indices for array: array is 0-dimensional, bu",
    "trace": "not yet: missing: module 'tinygrad_lenet' has no attribute 'trace'",
    "transpose": "not yet: missing: module 'tinygrad_lenet' has no attribute 'transpose'",
    "transpose_copy": "not yet: missing: module 'tinygrad_lenet' has no attribute 'transpose_copy'",
    "trapezoid": "not yet: missing: module 'tinygrad_lenet' has no attribute 'trapezoid'",
    "trapz": "not yet: missing: module 'tinygrad_lenet' has no attribute 'trapz'",
    "triangular_solve": "not yet: missing: module 'tinygrad_lenet' has no attribute 'triangular_solve'",
    "tril": "not yet: missing: module 'tinygrad_lenet' has no attribute 'tril'",
    "tril_indices": "not yet: missing: module 'tinygrad_lenet' has no attribute 'tril_indices'",
    "triu": "not yet: missing: module 'tinygrad_lenet' has no attribute 'triu'",
    "triu_indices": "not yet: missing: module 'tinygrad_lenet' has no attribute 'triu_indices'",
    "true_divide": "not yet: missing: module 'tinygrad_lenet' has no attribute 'true_divide'",
    "trunc": "not yet: missing: module 'tinygrad_lenet' has no attribute 'trunc'",
    "unbind": "not yet: missing: module 'tinygrad_lenet' has no attribute 'unbind'",
    "unbind_copy": "not yet: missing: module 'tinygrad_lenet' has no attribute 'unbind_copy'",
    "unflatten": "not yet: missing: module 'tinygrad_lenet' has no attribute 'unflatten'",
    "unfold": "not yet: raises: sample 0 (lambda): AttributeError: 'Tensor' object has no attribute 'unfold'; input "
    "tensor():float64, args [0, 1, 1], kwargs {}",
    "unfold_copy": "not yet: missing: module 'tinygrad_lenet' has no attribute 'unfold_copy'",
    "unique": "not yet: missing: module 'tinygrad_lenet' has no attribute 'unique'",
    "unique_consecutive": "not yet: missing: module 'tinygrad_lenet' has no attribute 'unique_consecutive'",
    "unravel_index": "not yet: missing: module 'tinygrad_lenet' has no attribute 'unravel_index'",
    "unsafe_chunk": "not yet: missing: module 'tinygrad_lenet' has no attribute 'unsafe_chunk'",
    "unsafe_split": "not yet: missing: module 'tinygrad_lenet' has no attribute 'unsafe_split'",
    "unsqueeze": "not yet: missing: module 'tinygrad_lenet' has no attribute 'unsqueeze'",
    "unsqueeze_copy": "not yet: missing: module 'tinygrad_lenet' has no attribute 'unsqueeze_copy'",
    "var": "not yet: raises: sample 8 (function): TypeError: unsupported operand type(s) for -: 'int' and 'NoneType'; "
    "input tensor(5, 5, 5):float64, args [], kwargs {dim=No",
    "var.unbiased": "not yet: raises: sample 0 (function): IndexError: var: dim True is out of range for a tensor "
    "with 2 dimension(s) (expected an int in [-2, 1]); input tensor(5, 5",
    "var_mean": "not yet: missing: module 'tinygrad_lenet' has no attribute 'var_mean'",
    "var_mean.unbiased": "not yet: missing: module 'tinygrad_lenet' has no attribute 'var_mean'",
    "vdot": "not yet: missing: module 'tinygrad_lenet' has no attribute 'vdot'",
    "view_as_complex": "not yet: missing: module 'tinygrad_lenet' has no attribute 'view_as_complex'",
    "view_as_real": "not yet: unsupported: no float64, int64 or bool samples in PyTorch",
    "view_copy": "not yet: missing: module 'tinygrad_lenet' has no attribute 'view_copy'",
    "vsplit": "not yet: missing: module 'tinygrad_lenet' has no attribute 'vsplit'",
    "vstack": "not yet: missing: module 'tinygrad_lenet' has no attribute 'vstack'",
    "xlogy": "not yet: missing: module 'tinygrad_lenet' has no attribute 'xlogy'",
    "zero_": "not yet: raises: sample 0 (lambda): AttributeError: module 'tinygrad_lenet' has no attribute 'zero_'; "
    "input tensor():float64, args [], kwargs {}",
}
