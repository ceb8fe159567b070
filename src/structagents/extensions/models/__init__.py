"""Models beyond OpenAI's: `LitellmModel` / `LitellmProvider` (install `structagents[litellm]`)."""
