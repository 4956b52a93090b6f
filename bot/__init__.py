"""A Discord bot that answers questions about Machine Learning vs Generative AI."""

__version__ = "0.1.0"
