"""Tests of app/checkout_plus: the analyze request, the offer, the block, the Orders API push."""
