"""Tests of app/sandbox: the sandbox BigCommerce and Loop, over real loopback HTTP."""
