"""Numba kernels: @njit code only, no I/O and no Python objects.

Arguments are validated by the Python layer that calls them.
"""
