"""annotator: keyboard-first span labelling for news articles."""
__version__ = "0.1.0"
