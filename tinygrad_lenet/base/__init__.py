"""Layer 0, what every other layer uses: errors, dtypes, dims, random generators, atomic file writes,
the module stack, the allocator setting, device names and BLAS threads. Imports nothing of the package."""
