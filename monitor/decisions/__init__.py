"""The decision calendar and the registers: meetings, decide-by dates, applications,
activities and their progress."""
