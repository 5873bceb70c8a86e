"""The facade the front ends (`cli/`, `tui/`) and the chat use: find or fetch a dataset, open it as an
`Engine`, get its models, and answer requests with typed results. Everything a front end needs
from the engine is imported from here."""
from __future__ import annotations

from cratedig.engine.api.engine import Engine
from cratedig.engine.api.history import DEFAULT_NAME as DEFAULT_HISTORY
from cratedig.engine.api.history import histories_folder, remove_history, saved_histories
from cratedig.engine.data.listens import FORMATS as HISTORY_FORMATS
from cratedig.engine.api.requests import (MAX_LIKED, MAX_SEEDS, MODEL_NAMES, Stages, check_seeds, dataset_present,
                                          locate_data, stages_for)
from cratedig.engine.data.fetch import archive_for, dataset_url, fetch_dataset
from cratedig.engine.data.synthetic import write_synthetic
from cratedig.engine.evaluation.report import COLUMNS as EVALUATION_COLUMNS
from cratedig.engine.evaluation.report import EvaluationReport
from cratedig.engine.evaluation.seeds import SeedsReport
from cratedig.engine.api.outputs import output_target
from cratedig.engine.files import spreadsheet_safe, write_output
from cratedig.engine.models.pipeline import MAX_K, check_k
from cratedig.engine.models.registry import DEFAULT_RETRIEVER, RETRIEVERS, check_model, parse_model_names
from cratedig.engine.paths import default_data_dir
from cratedig.engine.progress import DownloadProgress, TrainProgress
from cratedig.engine.serving.catalog import NO_GENRES
from cratedig.engine.serving.results import (ArtistHit, HistoryReport, ArtistSummary, DatasetSummary, ListenerBatch, ListenerSummary,
                                             Neighbours, Recommendations, Steering, TrainedModel, short_id)
from cratedig.engine.training.cluster import Cluster, cluster_from_environment

__all__ = ["Engine", "DEFAULT_HISTORY", "HISTORY_FORMATS", "HistoryReport", "remove_history", "saved_histories", "histories_folder", "NO_GENRES", "Cluster", "cluster_from_environment", "Stages", "stages_for", "locate_data",
           "dataset_present", "fetch_dataset", "dataset_url", "archive_for",
           "default_data_dir", "write_synthetic", "output_target", "spreadsheet_safe", "write_output", "check_k", "check_model",
           "check_seeds", "parse_model_names", "MAX_K", "MAX_LIKED", "MAX_SEEDS", "MODEL_NAMES", "RETRIEVERS",
           "DEFAULT_RETRIEVER", "EVALUATION_COLUMNS", "ArtistHit", "ArtistSummary", "DatasetSummary",
           "DownloadProgress", "EvaluationReport", "SeedsReport", "ListenerBatch", "ListenerSummary", "Neighbours",
           "Recommendations", "Steering", "TrainProgress", "TrainedModel", "short_id"]
