"""Model interface and providers. Import public names from `structagents`."""
