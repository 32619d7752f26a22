"""Segmentation: from document text to clause nodes. Nothing here knows about files or the CLI."""
