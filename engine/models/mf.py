"""`mf`: matrix factorisation with L2 and gravity; new listeners folded in by exact least squares."""
from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from cratedig.engine.models.base import FactorModel
from cratedig.engine.models.keras.inputs import positive_pairs


#: fold-in: rows solved together, and the longest row padded into a batch (longer ones are solved alone)
FOLD_IN_CHUNK = 512
FOLD_IN_PADDED = 256


class MatrixFactorizationModel(FactorModel):
    name = "mf"
    defaults = dict(dim=64, l2=0.2, gravity=50.0, epochs=100, batch_size=131072, learning_rate=0.1)

    def _content(self, dataset):
        """The artists' content bag the artist vectors also read (see keras.mf); none for mf."""
        return None

    def _listener_content(self, dataset):
        """The listeners' content bag (profile tokens) their vectors also read; none for mf."""
        return None

    def _start(self, upstream) -> tuple[np.ndarray, np.ndarray] | None:
        """Listener and artist tables to start from instead of random ones; none for mf."""
        return None

    def _fit(self, dataset, progress, strategy, upstream):
        from cratedig.engine.models.keras.fit import fit
        from cratedig.engine.models.keras.mf import MatrixFactorization

        p = self.params
        pairs = positive_pairs(dataset)
        features = {"listener": pairs["listener"], "artist": pairs["artist"],
                    "target": np.ones(len(pairs["artist"]), np.float32)}
        content, start = self._content(dataset), self._start(upstream)
        model, self.losses = fit(
            self.name, lambda: MatrixFactorization(dataset.n_listeners, dataset.n_artists, p["dim"], p["l2"],
                                                   p["gravity"], content=content,
                                                   content_l2=p.get("content_l2", 0.0), start=start,
                                                   listener_content=self._listener_content(dataset)),
            features, epochs=p["epochs"], batch_size=p["batch_size"], learning_rate=p["learning_rate"],
            seed=p.get("seed", 0), progress=progress, strategy=strategy)
        self.keras_model = model  # kept for checks in this process; never saved
        self.users = model.listener_table().numpy()
        self.artists = model.artist_table().numpy()
        self.fold_in_regulariser = np.array(self._regulariser(len(features["artist"]), p), np.float32)

    def _regulariser(self, n_observed: int, p: dict) -> np.ndarray:
        """The terms of the objective that act on one listener's vector u besides its own plays:
        n_obs * (l2 / n_listeners * I + gravity / (n_listeners * n_artists) * V^T V)."""
        n_listeners, n_artists = len(self.users), len(self.artists)
        gram = self.artists.T.astype(np.float64) @ self.artists
        return n_observed * (p["l2"] / n_listeners * np.eye(gram.shape[0])
                             + p["gravity"] / (n_listeners * n_artists) * gram)

    def fold_in(self, artists: np.ndarray, weights: np.ndarray) -> np.ndarray:
        """The listener vector minimising the training objective for a listener who played
        `artists` (the objective is on binary plays, so `weights` do not enter)."""
        v = self.artists[artists].astype(np.float64)
        return np.linalg.solve(v.T @ v + self.fold_in_regulariser, v.sum(axis=0)).astype(np.float32)

    def fold_in_many(self, history: sp.csr_matrix) -> np.ndarray:
        """`fold_in` for every row at once: each row's Gram matrix from its artists (padded to the
        chunk's longest row), then one batched solve. Rows longer than FOLD_IN_PADDED artists (a
        whole imported history) are solved one by one."""
        dim = self.artists.shape[1]
        out = np.zeros((history.shape[0], dim), np.float32)
        lengths = np.diff(history.indptr)
        long = lengths > FOLD_IN_PADDED
        for i in np.flatnonzero(long):
            out[i] = self.fold_in(history.indices[history.indptr[i]:history.indptr[i + 1]], None)
        rows = np.flatnonzero(~long & (lengths > 0))
        for start in range(0, len(rows), FOLD_IN_CHUNK):
            chunk = rows[start:start + FOLD_IN_CHUNK]
            part = history[chunk]
            padded = np.zeros((len(chunk), int(lengths[chunk].max()), dim))
            row_of = np.repeat(np.arange(len(chunk)), np.diff(part.indptr))
            padded[row_of, np.arange(part.nnz) - part.indptr[row_of]] = self.artists[part.indices]
            gram = np.einsum("bld,ble->bde", padded, padded) + self.fold_in_regulariser
            out[chunk] = np.linalg.solve(gram, padded.sum(axis=1)[:, :, None])[:, :, 0]
        return out

    def to_arrays(self):
        return {"users": self.users, "artists": self.artists, "fold_in_regulariser": self.fold_in_regulariser}

    def load_arrays(self, arrays, dataset, upstream):
        self.users, self.artists = arrays["users"], arrays["artists"]
        self.fold_in_regulariser = arrays["fold_in_regulariser"]
