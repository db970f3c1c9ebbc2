"""SpeechQA ingestion: load, clean, structure, chunk and index documents."""
