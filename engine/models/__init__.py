"""The four recommenders and the baselines, all behind one interface (`base.Recommender`)."""
