"""Page routes, one module per page; each exposes `router`."""
