"""The four recommenders and the baselines, all behind one interface (`base.Recommender`)."""

#: The four models, in display order. Kept here (import-free) so the app can name them at start-up
#: without loading NumPy/pandas-heavy modules; `registry` checks it matches.
MODEL_NAMES = ("mf", "retrieval", "ranking", "context")
