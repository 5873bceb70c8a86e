"""The four models behind one interface: shapes, NumPy serving equal to Keras, determinism,
fold-in, and training under a MirroredStrategy."""
from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

from cratedig.engine.data.loader import load_dataset
from cratedig.engine.models.query import liked_query, listeners_query
from cratedig.engine.models.registry import MODELS

FAST = {"mf": {"epochs": 3}, "retrieval": {"epochs": 2}, "ranking": {"epochs": 1, "probe_epochs": 3}, "context": {"epochs": 2}}


@pytest.fixture(scope="module")
def small(small_data_dir):
    return load_dataset(small_data_dir)


@pytest.fixture(scope="module")
def trained(small):
    models = {}
    for name in ("mf", "retrieval", "context", "ranking"):
        models[name] = MODELS[name](**FAST[name]).fit(small, upstream=models)
    return models


def test_every_model_answers_listeners_and_simulated_listeners_alike(small, trained):
    listeners = listeners_query(small, [0, 1, 2])
    liked = liked_query(small.n_artists, [[0, 5, 9], [3]])
    candidates = np.array([[1, 2, 3], [4, 5, 6], [7, 8, 9]])
    for name, model in trained.items():
        full = model.score(listeners)
        assert full.shape == (3, small.n_artists) and np.isfinite(full).all(), name
        assert model.score(liked).shape == (2, small.n_artists), name
        picked = model.score(listeners, candidates)
        assert np.allclose(picked, np.take_along_axis(full, candidates, axis=1), atol=1e-5), name
        assert model.artist_vectors().shape[0] == small.n_artists


def test_numpy_serving_matches_the_keras_ranking_model(small, trained):
    from cratedig.engine.models.keras.runtime import tf

    model = trained["ranking"]
    # The Keras model pools the listener over the histories it was trained on; feed NumPy the same.
    pooling = model.keras_model.history_pool
    listener = np.full(20, 4, np.int32)
    artists = np.arange(20, dtype=np.int32)
    raw = np.random.default_rng(0).normal(size=(20, model.arrays["feature_mean"].size)).astype(np.float32)
    mean = np.full(20, 0.2, np.float32)
    standard = (raw - model.arrays["feature_mean"]) / model.arrays["feature_std"]
    logit, weight = model.keras_model({"features": tf.constant(standard), "listener": tf.constant(listener),
                                       "artist": tf.constant(artists), "mean_weight": tf.constant(mean)})
    table = model.artist_vectors()
    pooled = pooling(tf.constant(listener), tf.constant(table)).numpy()
    play, w = model.forward(raw, pooled, table[artists], mean)
    assert np.allclose(play, tf.sigmoid(logit)[:, 0].numpy(), atol=1e-5)
    assert np.allclose(w, weight[:, 0].numpy(), atol=1e-5)


def test_ranking_trains_on_a_probe_retrievers_candidates_for_hidden_artists(small, trained):
    from cratedig.engine.data.split import holdout_split
    from cratedig.engine.models.ranking.examples import ranking_examples

    split = holdout_split(small, seed=1)
    examples = ranking_examples(trained["mf"], split, 30).columns
    hidden = set(zip(split.test_listener.tolist(), split.test_artist.tolist()))
    visible = split.train.plays
    seen = set(zip(visible.listener.tolist(), visible.artist.tolist()))
    pairs = list(zip(examples["listener"].tolist(), examples["artist"].tolist()))
    candidate = examples["play_mask"] > 0
    # Candidates are labelled by the hidden part and never include what the probe saw.
    assert all((pair in hidden) == bool(label)
               for pair, label, c in zip(pairs, examples["played"], candidate) if c)
    assert not any(pair in seen for pair, c in zip(pairs, candidate) if c)
    # Every hidden pair is a weight example, with its normalised weight as target.
    weight_rows = {pair for pair, w in zip(pairs, examples["weight_mask"]) if w}
    assert weight_rows == hidden
    assert np.all(examples["target"][examples["weight_mask"] > 0] > 0)


def test_ranking_examples_can_add_each_listener_as_a_newcomer_with_a_few_liked_artists(small, trained):
    from cratedig.engine.data.split import holdout_split
    from cratedig.engine.models.ranking.examples import ranking_examples

    split = holdout_split(small, seed=1)
    plain = ranking_examples(trained["mf"], split, 30)
    examples = ranking_examples(trained["mf"], split, 30, liked=3)
    n_listeners = split.train.history.shape[0]
    extra = examples.columns["listener"] >= n_listeners
    assert extra.sum() == len(examples.columns["listener"]) - len(plain.columns["listener"]) > 0
    newcomers = examples.history[n_listeners:]
    assert set(np.diff(newcomers.indptr).tolist()) == {3}  # exactly the liked artists
    hidden = set(zip(split.test_listener.tolist(), split.test_artist.tolist()))
    visible = split.train.history
    checked = 0
    for row in np.flatnonzero(extra):
        newcomer = newcomers[examples.columns["listener"][row] - n_listeners]
        artist = int(examples.columns["artist"][row])
        # Whose newcomer this is: the one listener whose visible artists include all the liked ones.
        owner = np.flatnonzero(np.all(visible[:, newcomer.indices].toarray() > 0, axis=1))
        if len(owner) != 1:
            continue
        checked += 1
        assert visible[owner[0], artist] == 0  # never one of their visible artists as a candidate
        assert examples.columns["played"][row] == float((int(owner[0]), artist) in hidden)
    assert checked > 100


def test_examples_of_several_pseudo_splits_keep_each_row_on_its_own_history(small, trained):
    from cratedig.engine.data.split import holdout_split
    from cratedig.engine.models.ranking.examples import join_examples, ranking_examples

    parts = [ranking_examples(trained["mf"], holdout_split(small, seed=seed), 20, liked=3) for seed in (1, 2)]
    joined = join_examples(parts)
    assert len(joined.columns["artist"]) == sum(len(p.columns["artist"]) for p in parts)
    assert joined.history.shape[0] == sum(p.history.shape[0] for p in parts)
    offset = parts[0].history.shape[0]
    n_first = len(parts[0].columns["listener"])
    for row in (0, n_first - 1, n_first, len(joined.columns["listener"]) - 1):
        part, index, shift = (parts[0], row, 0) if row < n_first else (parts[1], row - n_first, offset)
        assert joined.columns["listener"][row] == part.columns["listener"][index] + shift
        assert (joined.history[joined.columns["listener"][row]] != part.history[part.columns["listener"][index]]).nnz == 0
    # Two different hold-outs: the second part's labels are not a copy of the first's.
    assert not np.array_equal(parts[0].columns["played"][:500], parts[1].columns["played"][:500])


def test_examples_come_from_a_seeded_sample_of_at_most_max_listeners(small, trained):
    from cratedig.engine.data.split import holdout_split
    from cratedig.engine.models.ranking.examples import ranking_examples, sample_listeners

    split = holdout_split(small, seed=1)
    assert sample_listeners(split, None, 0) is split and sample_listeners(split, 10**6, 0) is split
    sampled = sample_listeners(split, 30, seed=4)
    chosen = np.unique(sampled.test_listener)
    assert len(chosen) == 30 and sampled.train is split.train
    assert np.array_equal(chosen, np.unique(sample_listeners(split, 30, seed=4).test_listener))
    # every hidden pair of a chosen listener kept, none of the others
    mask = np.isin(split.test_listener, chosen)
    assert np.array_equal(sampled.test_artist, split.test_artist[mask])
    assert np.array_equal(sampled.test_target, split.test_target[mask])
    examples = ranking_examples(trained["mf"], sampled, 10)
    assert set(np.unique(examples.columns["listener"])) <= set(chosen.tolist())


@pytest.mark.slow
def test_ranking_trains_one_probe_per_pseudo_split(small, trained, monkeypatch):
    from cratedig.engine.models.ranking import model as ranking_module

    seen = []
    real = ranking_module.ranking_examples
    monkeypatch.setattr(ranking_module, "ranking_examples",
                        lambda probe, split, *a: seen.append((probe, split)) or real(probe, split, *a))
    MODELS["ranking"](**{**FAST["ranking"], "pseudo_splits": 2}).fit(small, upstream={"mf": trained["mf"]})
    (probe_a, split_a), (probe_b, split_b) = seen
    assert probe_a is not probe_b and probe_a is not trained["mf"]
    assert not np.array_equal(split_a.test_artist, split_b.test_artist)


def test_context_artist_vectors_are_id_plus_tag_embeddings(small, trained):
    model = trained["context"]
    keras = model.keras_model
    ids = keras.artist_embedding.embeddings.numpy()
    tokens = keras.token_embedding.embeddings.numpy()
    assert np.allclose(model.artist_vectors(), keras.artist_table().numpy(), atol=1e-6)
    assert np.abs(tokens).max() > 0  # the tag tokens were trained (they start at zero)
    bag_rows = set(keras.content.indices.numpy()[:, 0].tolist())
    untagged = [a for a in range(small.n_artists) if a not in bag_rows]
    tagged = sorted(bag_rows)
    assert np.allclose(model.artist_vectors()[untagged], ids[untagged])
    assert not np.allclose(model.artist_vectors()[tagged], ids[tagged])


def test_context_starts_from_the_trained_mf(small, trained):
    mf = trained["mf"]
    still = MODELS["context"](epochs=1, learning_rate=0.0).fit(small, upstream={"mf": mf})
    assert np.array_equal(still.users, mf.users) and np.allclose(still.artists, mf.artists)
    moved = MODELS["context"](epochs=2).fit(small, upstream={"mf": mf})
    assert not np.allclose(moved.artists, mf.artists)
    other_size = MODELS["context"](epochs=1, dim=8).fit(small, upstream={"mf": mf})  # cannot start from mf
    assert other_size.artists.shape == (small.n_artists, 8)


def test_training_is_deterministic_for_a_seed(small):
    a = MODELS["mf"](epochs=2, seed=5).fit(small).to_arrays()
    b = MODELS["mf"](epochs=2, seed=5).fit(small).to_arrays()
    c = MODELS["mf"](epochs=2, seed=6).fit(small).to_arrays()
    assert all(np.array_equal(a[k], b[k]) for k in a)
    assert not np.array_equal(a["artists"], c["artists"])


def test_mf_fold_in_minimises_the_training_objective(trained):
    mf = trained["mf"]
    liked = np.array([3, 8, 21])
    u = mf.fold_in(liked, np.ones(len(liked))).astype(np.float64)
    v = mf.artists[liked].astype(np.float64)
    gradient = v.T @ (v @ u - 1.0) + mf.fold_in_regulariser @ u
    assert np.linalg.norm(gradient) < 1e-3 * max(1.0, np.linalg.norm(v.sum(0)))


def test_retrieval_fold_in_raises_the_liked_artists_likelihood(trained):
    model = trained["retrieval"]
    liked = np.array([2, 4, 6])
    weights = np.ones(3)

    def log_likelihood(u):
        logits = model.artists @ u
        return float(np.mean(logits[liked]) - (np.log(np.exp(logits - logits.max()).sum()) + logits.max()))

    start = model.artists[liked].mean(axis=0)
    assert log_likelihood(model.fold_in(liked, weights)) > log_likelihood(start)


def test_an_epoch_can_be_capped_at_a_number_of_batches(small):
    """`max_steps_per_epoch` (what keeps the two-tower model affordable at Last.fm-360K size):
    each epoch is that many batches of a fresh permutation, never more than a full pass."""
    from cratedig.engine.models.keras.fit import _steps

    assert _steps(10_000, 1024, None) == 10 and _steps(10_000, 1024, 3) == 3 and _steps(10_000, 1024, 50) == 10
    model = MODELS["retrieval"](epochs=2, batch_size=64, max_steps_per_epoch=3).fit(small)
    assert int(model.keras_model.optimizer.iterations.numpy()) == 6 and len(model.losses) == 2


def test_ranking_requires_its_retrieval_model(small):
    with pytest.raises(ValueError, match="needs trained mf"):
        MODELS["ranking"](epochs=1).fit(small)


@pytest.mark.slow
def test_training_runs_under_a_mirrored_strategy_on_two_logical_cpus(small_data_dir, tmp_path):
    script = textwrap.dedent(f"""
        import numpy as np
        from cratedig.engine.models.keras.runtime import tf
        cpu = tf.config.list_physical_devices("CPU")[0]
        tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * 2)
        strategy = tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"])
        assert strategy.num_replicas_in_sync == 2
        from cratedig.engine.data.loader import load_dataset
        from cratedig.engine.models.registry import MODELS
        data = load_dataset({str(small_data_dir)!r})
        models = {{}}
        for name in ("mf", "retrieval", "context", "ranking"):
            models[name] = MODELS[name](epochs=1).fit(data, strategy=strategy, upstream=models)
            assert np.isfinite(models[name].losses).all(), name
        print("trained under", strategy.num_replicas_in_sync, "replicas")
    """)
    env = {**os.environ, "CRATEDIG_CACHE": str(tmp_path)}
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "trained under 2 replicas" in done.stdout


@pytest.mark.slow
def test_every_model_trains_and_serves_without_tags_or_friends(small_copy):
    """The ranker's friend and tag features have nothing to read and the context model no tags:
    every model still trains and answers, the features are zero, and context reads the artists'
    names instead (as on Last.fm-360K)."""
    from cratedig.engine.models.ranking.features import FEATURE_NAMES

    for name in ("user_taggedartists.dat", "user_friends.dat"):
        path = small_copy / name
        path.write_text(path.read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8")
    bare = load_dataset(small_copy)
    assert len(bare.taggings) == 0 and len(bare.friends) == 0
    models = {}
    for name in ("mf", "retrieval", "context", "ranking"):
        models[name] = MODELS[name](**FAST[name]).fit(bare, upstream=models)
    query = listeners_query(bare, [0, 1])
    liked = liked_query(bare.n_artists, [[0, 5, 9]])
    for name, model in models.items():
        assert np.isfinite(model.score(query)).all() and np.isfinite(model.score(liked)).all(), name
    content = models["context"].keras_model.content  # one row per artist: its name's words
    assert content.dense_shape[0] == bare.n_artists and content.indices.shape[0] >= bare.n_artists
    features = models["ranking"].features(query, np.array([[1, 2, 3], [4, 5, 6]]))
    for feature in ("share of the listener's friends who play the artist",
                    "cosine between the artist's tags and the history's tags"):
        assert not features[..., FEATURE_NAMES.index(feature)].any()


def test_the_ranker_compiles_its_step_with_xla_exactly_when_it_pools_from_a_padded_table(trained):
    from cratedig.engine.models.keras.layers import PaddedHistoryPooling

    model = trained["ranking"].keras_model
    assert model.jit_compile == isinstance(model.history_pool, PaddedHistoryPooling)


@pytest.mark.parametrize("name", ["mf", "retrieval", "context"])
def test_batched_fold_in_is_the_one_by_one_fold_in(trained, small, name, monkeypatch):
    """Simulated listeners are folded in as one batch (no per-listener Python loop); the batch gives
    what folding each in alone gives, long rows and chunk edges included."""
    import scipy.sparse as sp

    from cratedig.engine.models import mf as mf_module
    from cratedig.engine.models import retrieval as retrieval_module
    from cratedig.engine.models.base import FactorModel

    model = trained[name]
    rng = np.random.default_rng(5)
    lengths = [1, 2, 5, 9, 30, small.n_artists // 2] + list(rng.integers(1, 40, 40))
    rows = [np.sort(rng.choice(small.n_artists, n, replace=False)) for n in lengths]
    history = sp.csr_matrix((np.concatenate([rng.random(len(r)) + 0.1 for r in rows]).astype(np.float32),
                             (np.repeat(np.arange(len(rows)), lengths), np.concatenate(rows))),
                            shape=(len(rows), small.n_artists))
    monkeypatch.setattr(mf_module, "FOLD_IN_CHUNK", 7)  # several chunks, a ragged last one
    monkeypatch.setattr(mf_module, "FOLD_IN_PADDED", 100)  # the half-catalogue row alone
    monkeypatch.setattr(retrieval_module, "FOLD_IN_CELLS", 11 * small.n_artists)
    batched = model.fold_in_many(history)
    one_by_one = FactorModel.fold_in_many(model, history)
    assert batched.shape == (len(rows), model.artists.shape[1])
    np.testing.assert_allclose(batched, one_by_one, rtol=1e-4, atol=1e-5)
