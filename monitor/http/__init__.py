"""HTTP for sources: the shared client with the monitor's manners, and recorded replies."""
