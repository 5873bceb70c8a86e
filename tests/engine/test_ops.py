"""The shared array helpers: top k with deterministic ties, excluding seen items, unit rows."""
from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from cratedig.engine.ops import exclude_seen, top_k, unit_rows


def test_top_k_orders_best_first_and_breaks_ties_by_index():
    scores = np.array([[0.1, 0.9, 0.5, 0.9, -np.inf]])
    assert top_k(scores, 3).tolist() == [[1, 3, 2]]


def test_top_k_takes_the_lowest_indices_among_ties_at_the_kth_place():
    rng = np.random.default_rng(0)
    for _ in range(300):
        scores = rng.integers(0, 3, size=(3, 12)).astype(float)
        k = int(rng.integers(1, 13))
        expected = [sorted(range(12), key=lambda j: (-row[j], j))[:k] for row in scores]
        assert top_k(scores, k).tolist() == expected
        assert top_k(scores, k).tolist() == top_k(scores, min(k + 1, 12))[:, :k].tolist()


def _whole_row_top_k(scores: np.ndarray, k: int) -> list[list[int]]:
    """The definition: indices by descending score, ties to the lower index."""
    return [sorted(range(scores.shape[1]), key=lambda j: (-row[j], j))[:k] for row in scores]


def test_top_k_on_wide_rows_searches_blocks_and_still_gives_the_exact_answer():
    from cratedig.engine import ops

    rng = np.random.default_rng(1)
    n = ops.TOP_K_BLOCKS_ABOVE + 3 * ops.TOP_K_BLOCK + 7  # a shorter last block
    cases = {
        "distinct": rng.standard_normal((4, n)),
        "float32": rng.standard_normal((4, n)).astype(np.float32),
        "ties across blocks": rng.integers(0, 4, (4, n)).astype(float),
        "ties at the k-th only": np.round(rng.standard_normal((4, n)), 1),
        "mostly excluded": np.where(rng.random((4, n)) < 0.999, -np.inf, rng.standard_normal((4, n))),
        "best in the last block": np.concatenate([np.zeros((4, n - 5)), np.ones((4, 5))], axis=1),
    }
    for name, scores in cases.items():
        for k in (1, 5, 16):
            assert top_k(scores, k).tolist() == _whole_row_top_k(scores, k), (name, k)


def test_exclude_seen_sets_played_cells_to_minus_infinity():
    scores = np.zeros((2, 3))
    exclude_seen(scores, sp.csr_matrix(np.array([[1, 0, 1], [0, 1, 0]])))
    assert np.isneginf(scores).tolist() == [[True, False, True], [False, True, False]]


def test_unit_rows_have_norm_one_and_zero_rows_stay_zero():
    unit = unit_rows(np.array([[3.0, 4.0], [0.0, 0.0]]))
    assert np.allclose(unit, [[0.6, 0.8], [0.0, 0.0]])


def test_top_neighbours_keeps_each_columns_k_largest_positive_products_in_chunks():
    from cratedig.engine.ops import top_neighbours

    columns = sp.random(200, 40, density=0.15, random_state=2, format="csr", dtype=np.float32)
    products = (columns.T @ columns).toarray()
    np.fill_diagonal(products, 0.0)
    for k, chunk in ((5, 7), (39, 512), (0, 3)):
        got = top_neighbours(columns, k, chunk=chunk).toarray()
        for i in range(40):
            row = products[i]
            wanted = np.sort(row)[::-1][:k]
            assert np.allclose(np.sort(got[i][got[i] > 0])[::-1], wanted[wanted > 0], atol=1e-6)
            assert got[i, i] == 0 and (got[i][got[i] > 0] == row[got[i] > 0]).all()
