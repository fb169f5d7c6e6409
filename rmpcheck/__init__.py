"""rmpcheck: model checking for SEV-SNP Reverse Map Table designs."""

__version__ = "0.1.0"
