"""The Checkout+ offer: the analyze request, the shopper's offer state and the service that
keeps it current.
"""
