"""The run loop. Private: use `Runner` from `structagents`."""
