"""The meeting story: a deck of slides and a written briefing built from the metrics."""
