"""cratedig's Textual app: screens, widgets and messages. Talks to the engine only through
`engine.api` (loaded in workers, off the start-up path) and the chat package."""
