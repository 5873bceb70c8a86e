"""Measuring models on the hold-out split: ranking metrics (`metrics`) and the evaluation
report every front end shows (`report`: run, save, load). Imports training, models and data."""
