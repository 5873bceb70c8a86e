"""The ranking model: what it sees of a (listener, candidate) pair (`features`), the pseudo
hold-out it trains on (`examples`) and the model itself (`model`)."""
