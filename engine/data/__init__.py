"""Files in, Dataset out: readers, the immutable Dataset, derived features, the hold-out split,
synthetic data and the dataset download. Imports nothing from the layers above."""
