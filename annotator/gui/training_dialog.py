"""Tools › Train model: `annotator train` in a process of its own behind a progress dialog; the new model replaces
the configured one only when it does better on the same held-out articles (annotator.retraining)."""
