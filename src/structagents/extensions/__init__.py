"""Optional integrations, as in the reference SDK's `agents.extensions`."""
