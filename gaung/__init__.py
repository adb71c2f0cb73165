"""Gaung: media monitoring and content measurement for Indonesian government communications offices."""

__version__ = "0.1.0"
__all__ = ["__version__"]
