"""Chiaro model exporter: SD1.5 + IC-Light weights -> TorchScript bundle (CONTRACTS.md section 2)."""

EXPORTER_VERSION = "1.0.0"
