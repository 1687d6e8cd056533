"""Prometheus metrics: what the checkout did, for ``GET /metrics`` (``app/metrics_views.py``).

``families`` holds every metric, written once, and the small functions that count; the app
counts through them, or through the wrappers the factory puts around its clients' sessions
and its stores (``upstream``, ``recorders``), so the services stay free of metrics.
``exposition`` makes the scrape; ``processes`` lets gunicorn's workers add up. No Flask here.
"""
