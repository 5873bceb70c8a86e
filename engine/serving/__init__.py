"""Answering requests on trained models: artist search, the catalogue (names, genres, tags,
summaries), suggestions with reasons and every model's score, neighbours in a model's space, and
the typed results the facade returns. Imports training, models and data."""
