"""The small array helpers every layer shares: top k per row, excluding seen items, unit rows
(dense and sparse)."""
from __future__ import annotations

import numpy as np
import scipy.sparse as sp


#: top_k's column blocks: above TOP_K_BLOCKS_ABOVE columns, the top k is sought in the k blocks
#: of TOP_K_BLOCK columns with the highest maxima instead of in the whole row
TOP_K_BLOCK = 128
TOP_K_BLOCKS_ABOVE = 8_192
#: a chunk of full score rows holds at most this many floats (16 MB in float32)
CHUNK_FLOATS = 2**22


def rows_per_chunk(n_columns: int, most: int) -> int:
    """How many rows of a (rows, n_columns) score block to work on at once: at most `most`, and
    few enough on a wide catalogue that a block stays under CHUNK_FLOATS (at 160,000 artists 26
    rows, not 256). Blocks above 32 MB are mapped afresh by glibc each time they are allocated and
    their pages faulted in again; smaller ones reuse freed memory (1.4x the export's throughput)."""
    return int(max(1, min(most, max(16, CHUNK_FLOATS // max(n_columns, 1)))))


def top_k(scores: np.ndarray, k: int) -> np.ndarray:
    """Indices of the k highest scores per row, best first; ties go to the lower index, also at
    the k-th place (so the top k is always the start of the top k + 1).

    On wide rows (a catalogue of 160,000 artists) the exact answer is found among the columns of
    the k blocks with the highest maxima: every score at or above the row's k-th highest lies in a
    block whose maximum is at least that high, and there are at most k such blocks unless the
    k-th score is tied across blocks — those rows (and rows with fewer than k finite scores) go
    through the whole-row path. Same result, a few times faster (one pass for the block maxima)."""
    k = min(k, scores.shape[1])
    n = scores.shape[1]
    if n <= TOP_K_BLOCKS_ABOVE or k * TOP_K_BLOCK * 4 > n or len(scores) == 0:
        return _top_k_rows(scores, k)
    starts = np.arange(0, n, TOP_K_BLOCK)
    block_max = np.maximum.reduceat(scores, starts, axis=1)
    blocks = np.sort(np.argpartition(-block_max, k - 1, axis=1)[:, :k], axis=1)
    columns = (blocks[:, :, None] * TOP_K_BLOCK + np.arange(TOP_K_BLOCK)).reshape(len(scores), -1)
    outside = columns >= n  # the last block is shorter
    values = np.take_along_axis(scores, np.minimum(columns, n - 1), axis=1)
    values[outside] = -np.inf
    best = _top_k_rows(values, k)
    kth = np.take_along_axis(values, best[:, -1:], axis=1)
    # a block left out whose maximum reaches the k-th score would hold a tie at a lower index
    whole_row = (np.isneginf(kth[:, 0]) | ((block_max >= kth).sum(axis=1) > k))
    out = np.take_along_axis(columns, best, axis=1)
    if whole_row.any():
        out[whole_row] = _top_k_rows(scores[whole_row], k)
    return out


def _top_k_rows(scores: np.ndarray, k: int) -> np.ndarray:
    """top_k over whole rows."""
    part = np.argpartition(-scores, k - 1, axis=1)[:, :k]
    kth = np.take_along_axis(scores, part, axis=1).min(axis=1, keepdims=True)
    above = scores > kth
    # argpartition picks any of the artists tied at the k-th score: take the lowest indices.
    tied = scores == kth
    wanted = k - above.sum(axis=1, keepdims=True)
    keep = above | tied
    if (tied.sum(axis=1, keepdims=True) > wanted).any():  # the count along the row only when needed
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
