"""Configuration: the TOML files under ``config/`` read into typed settings, and the
committees, priority areas and organisation they describe."""
