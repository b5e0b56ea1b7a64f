"""File discovery, the matching engine and false-positive filters."""
