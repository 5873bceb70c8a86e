"""TensorFlow/TFRS model definitions and the one training loop. Imported only when training."""
