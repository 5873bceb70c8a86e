"""The conversation: plain words parsed into typed intents (`intents`), answered by the facade
with typed replies (`replies`, `conversation`). No UI here and no key names: the front ends
render replies their own way."""
