"""Software prefetch of matrix rows, for kernels that know which rows come next.

Word vectors sit in rows scattered over large matrices; training and the
layer kernels read them at random. Asking the memory system for a row a
little before it is used hides much of the cache-miss time. A prefetch is a
hint only: it never faults and never changes results.
"""
from llvmlite import ir
from numba import njit, types
from numba.core import cgutils
from numba.extending import intrinsic


@intrinsic
def _prefetch_line(typingctx, arr, i, offset):
    """Start loading the cache line ``offset`` bytes into row ``arr[i]`` (for writing)."""
    if not isinstance(arr, types.Array) or not isinstance(i, types.Integer):
        return None
    sig = types.void(arr, i, offset)

    def codegen(context, builder, signature, args):
        ary_t = signature.args[0]
        ary = context.make_array(ary_t)(context, builder, args[0])
        zero = context.get_constant(types.intp, 0)
        row = context.cast(builder, args[1], signature.args[1], types.intp)
        index = [row] + [zero] * (ary_t.ndim - 1)
        ptr = cgutils.get_item_pointer(context, builder, ary_t, ary, index, wraparound=False)
        i8p = ir.IntType(8).as_pointer()
        i32 = ir.IntType(32)
        fnty = ir.FunctionType(ir.VoidType(), [i8p, i32, i32, i32])
        fn = cgutils.get_or_insert_function(builder.module, fnty, "llvm.prefetch.p0")
        off = context.cast(builder, args[2], signature.args[2], types.intp)
        addr = builder.gep(builder.bitcast(ptr, i8p), [off])
        # write access (rows are read and then updated), high locality, data cache
        builder.call(fn, [addr, i32(1), i32(3), i32(1)])
        return context.get_dummy_value()

    return sig, codegen


@njit(cache=True, nogil=True, inline="always")
def prefetch_row(a, i):
    """Hint that row ``a[i]`` of a C-contiguous array will be used soon."""
    for offset in range(0, a.strides[0], 64):
        _prefetch_line(a, i, offset)
