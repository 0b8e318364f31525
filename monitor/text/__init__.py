"""Text helpers: dates in funder text, working days, stemming, Swedish/English strings."""
