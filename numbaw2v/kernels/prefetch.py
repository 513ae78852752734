"""A software prefetch of one matrix row, for kernels that know which rows come next.

Training reads rows at random (the next word's context and negatives); asking
the memory system for them one word ahead hides much of the cache-miss time.
A prefetch never faults and never changes results.
"""
from llvmlite import ir
from numba import types
from numba.core import cgutils
from numba.extending import intrinsic

_LINES = 8          # cache lines fetched per row: 512 bytes, a 128-float32 row


@intrinsic
def prefetch_row(typingctx, arr, row):
    """Hint the CPU to bring the first 512 bytes of ``arr[row]`` into cache."""
    if not isinstance(arr, types.Array) or arr.ndim != 2 or not isinstance(row, types.Integer):
        return None
    sig = types.void(arr, row)

    def codegen(context, builder, signature, args):
        aryty, rowty = signature.args
        ary = context.make_array(aryty)(context, builder, args[0])
        r = context.cast(builder, args[1], rowty, types.intp)
        zero = context.get_constant(types.intp, 0)
        ptr = cgutils.get_item_pointer2(
            context, builder, ary.data, cgutils.unpack_tuple(builder, ary.shape),
            cgutils.unpack_tuple(builder, ary.strides), aryty.layout, [r, zero],
            wraparound=False)
        i8p = ir.IntType(8).as_pointer()
        i32 = ir.IntType(32)
        fnty = ir.FunctionType(ir.VoidType(), [i8p, i32, i32, i32])
        fn = cgutils.get_or_insert_function(builder.module, fnty, "llvm.prefetch.p0")
        base = builder.bitcast(ptr, i8p)
        for line in range(_LINES):
            p = builder.gep(base, [ir.Constant(ir.IntType(64), 64 * line)])
            # read access, high temporal locality, data cache
            builder.call(fn, [p, i32(0), i32(3), i32(1)])
        return context.get_dummy_value()

    return sig, codegen
