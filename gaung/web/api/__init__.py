"""The JSON API under /api/; each module exposes `router`."""
