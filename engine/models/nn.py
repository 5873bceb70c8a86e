"""NumPy forward passes of the small networks the Keras models export (serving needs no TF)."""
from __future__ import annotations

import numpy as np


def mlp_forward(x: np.ndarray, arrays: dict[str, np.ndarray], prefix: str) -> np.ndarray:
    """Apply the layers `{prefix}0_kernel`, `{prefix}1_kernel`, ...: ReLU between, linear last."""
    n_layers = sum(1 for key in arrays if key.startswith(prefix) and key.endswith("_kernel"))
    for i in range(n_layers):
        x = x @ arrays[f"{prefix}{i}_kernel"] + arrays[f"{prefix}{i}_bias"]
        if i < n_layers - 1:
            np.maximum(x, 0.0, out=x)
    return x
