"""The shared core that both sides of the index build on: settings, errors, the Chroma
store adapter and the index schema, the encoders, text normalisation and the corpus
folder. It imports neither ``ingest`` (the write side) nor ``assistant`` (the question-
answering side) nor any UI; the contracts in ``.importlinter`` check that."""
