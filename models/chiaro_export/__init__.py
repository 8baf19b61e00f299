"""Chiaro model exporter: SD1.5 + IC-Light weights -> TorchScript bundle (CONTRACTS.md section 2)."""

EXPORTER_VERSION = "1.1.0"  # 1.1: UNet attention calls the chiaro::attention operator

# Registers the chiaro::attention operator, so any user of this package can script and load UNets.
from . import attention_op  # noqa: E402,F401
