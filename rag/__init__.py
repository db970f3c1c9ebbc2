"""SpeechQA answering core: shared types, config, errors, index access, retrieval and the answer chain."""
