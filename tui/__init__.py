"""cratedig's Textual app. Talks to the engine only through `engine.service.Engine`."""
