"""The small array helpers every layer shares: top k per row, excluding seen items, unit rows
(dense and sparse)."""
from __future__ import annotations

import numpy as np
import scipy.sparse as sp


def top_k(scores: np.ndarray, k: int) -> np.ndarray:
    """Indices of the k highest scores per row, best first; ties go to the lower index, also at
    the k-th place (so the top k is always the start of the top k + 1)."""
    k = min(k, scores.shape[1])
    part = np.argpartition(-scores, k - 1, axis=1)[:, :k]
    kth = np.take_along_axis(scores, part, axis=1).min(axis=1, keepdims=True)
    above = scores > kth
    # argpartition picks any of the artists tied at the k-th score: take the lowest indices.
    tied = scores == kth
    wanted = k - above.sum(axis=1, keepdims=True)
    keep = above | (tied & (np.cumsum(tied, axis=1) <= wanted))
    part = np.nonzero(keep)[1].reshape(len(scores), k)
    part_scores = np.take_along_axis(scores, part, axis=1)
    order = np.lexsort((part, -part_scores), axis=1)
    return np.take_along_axis(part, order, axis=1)


def exclude_seen(scores: np.ndarray, seen: sp.csr_matrix) -> np.ndarray:
    """Set scores of already-played artists to -inf, in place; returns scores."""
    rows, cols = seen.nonzero()
    scores[rows, cols] = -np.inf
    return scores


def normalised_rows(matrix: sp.spmatrix, norm: str = "l2") -> sp.csr_matrix:
    """A sparse matrix with each row scaled to unit sum ("l1") or unit length ("l2"), float32;
    empty rows stay empty."""
    matrix = matrix.tocsr().astype(np.float32)
    if norm == "l1":
        size = np.asarray(matrix.sum(axis=1)).ravel()
    else:
        size = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
    return (sp.diags(np.where(size > 0, 1.0 / np.maximum(size, 1e-12), 0.0)) @ matrix).tocsr()


def unit_rows(matrix: np.ndarray) -> np.ndarray:
    """Each row divided by its L2 norm (float64; all-zero rows stay zero)."""
    matrix = np.asarray(matrix, dtype=np.float64)
    norms = np.linalg.norm(matrix, axis=-1, keepdims=True)
    return matrix / np.maximum(norms, 1e-12)


def top_neighbours(columns: sp.csr_matrix, k: int, chunk: int = 2048) -> sp.csr_matrix:
    """(n, n) CSR: for each column i of `columns`, the k other columns with the largest dot
    product with it (positive ones only), a chunk of columns at a time and kept sparse, so that
    the full n x n product is never held (at 160,000 artists it would be 100 GB)."""
    by_column = columns.T.tocsr()
    n = by_column.shape[0]
    k = max(0, min(k, n - 1))
    indptr, indices, values = [0], [], []
    for start in range(0, n, chunk):
        block = (by_column[start:start + chunk] @ columns).tocsr()
        block.sum_duplicates()
        for row in range(block.shape[0]):
            lo, hi = block.indptr[row], block.indptr[row + 1]
            cols, vals = block.indices[lo:hi], block.data[lo:hi]
            keep = (cols != start + row) & (vals > 0)
            cols, vals = cols[keep], vals[keep]
            if len(vals) > k:
                best = np.argpartition(-vals, k - 1)[:k] if k else np.zeros(0, np.int64)
                cols, vals = cols[best], vals[best]
            indices.append(cols)
            values.append(vals)
            indptr.append(indptr[-1] + len(cols))
    return sp.csr_matrix((np.concatenate(values or [np.zeros(0)]).astype(np.float32),
                          np.concatenate(indices or [np.zeros(0, np.int64)]), np.asarray(indptr)), shape=(n, n))
