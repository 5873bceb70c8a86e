"""TensorFlow/TFRS model classes, their inputs and the one training loop. Only `fit` and the model
files import TensorFlow (through `runtime`), and only the models' `_fit` imports those."""
