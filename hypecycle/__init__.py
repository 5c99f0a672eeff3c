"""hypecycle: read dated news and tell where a technology stands in its hype cycle."""

__version__ = "0.1.0"
