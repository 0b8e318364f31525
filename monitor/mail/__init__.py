"""Mail: message building, the delivery ledger, the channels and the templates."""
