"""Numba kernels: @njit code only, no I/O and no Python objects.

Arguments are validated by the Python layer that calls them. Importing the package
selects a fork-safe threading layer (numbaw2v.kernels.threads).
"""
from .threads import choose_forksafe_layer

choose_forksafe_layer()
