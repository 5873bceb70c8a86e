"""cratedig, a chat-style terminal music recommender.

The one installed namespace: `cratedig.engine` (data, models, training, serving, the chat),
`cratedig.cli`, `cratedig.tui` and `cratedig.server` (the front ends) and `cratedig.assets`. In the
repository each lives in its own top-level folder (`engine/`, `cli/`, …); pyproject.toml maps them
here, so nothing but `cratedig` is installed at the top of site-packages."""
