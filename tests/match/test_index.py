import copy
import random
from typing import Any

import numpy as np

from sekisho.names.normalize import EXACT


def test_precomputed_neighbours_equal_the_lookup(screener: Any) -> None:
    """The neighbours stored at build are exactly what the key lookup finds for a Latin query token."""
    index = screener.index
    bare = copy.copy(index)
    bare.near_start = np.zeros(1, np.int64)  # no table: every token goes through the keys
    real = [t for t, on in zip(index.vocab_tokens, index.vocab_real_list, strict=True) if on]
    sample = [*random.Random(3).sample(real, 400), "putin", "bank", "mohammed", "al"]
    assert len(index.near_flat) > len(real)  # every list token is at least its own neighbour
    for token in sample:
        assert sorted(index.similar_tokens(token, EXACT)) == sorted(bare.similar_tokens(token, EXACT)), token
