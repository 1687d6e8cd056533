"""Tests of the sandbox BigCommerce (contract and behaviour), over real loopback HTTP."""
