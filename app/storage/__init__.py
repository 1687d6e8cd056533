"""The plumbing every durable store shares, SQLite and Redis; it imports nothing of the app.

The stores themselves live with the records they keep (the ledger in ``app.checkout``, the
jobs in ``app.sync``...), each Redis twin beside its SQLite store; ``app.stores`` picks one
backend for all of them.
"""
