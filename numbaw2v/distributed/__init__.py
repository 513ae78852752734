"""Data-parallel training on a Dask cluster (``pip install numbaw2v[distributed]``).

    from dask.distributed import Client
    import numbaw2v.distributed
    client = Client("tcp://scheduler:8786")
    model = numbaw2v.distributed.train(client, "s3://bucket/shards/*.txt.gz",
                                       vector_size=300, sg=1, epochs=5)
    model.wv.most_similar("king")

``train`` returns an ordinary ``numbaw2v.Word2Vec``. ``import numbaw2v`` never
imports this package (nor Dask); the modules here import Dask only when used.
"""
from .cluster import connect
from .driver import default_round_words, train
from .merge import RULES as MERGE_RULES

__all__ = ["default_round_words", "MERGE_RULES", "connect", "train"]
