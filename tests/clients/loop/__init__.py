"""Tests of app/clients/loop against the sandbox Loop over real loopback HTTP."""
