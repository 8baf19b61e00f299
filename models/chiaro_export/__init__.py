"""Chiaro model exporter: SD1.5 + IC-Light weights -> TorchScript bundle (CONTRACTS.md section 2)."""

EXPORTER_VERSION = "1.3.0"  # 1.1: UNet attention calls chiaro::attention; 1.2: chiaro::geglu, CPU
# token projections as channels-last 1x1 convolutions; 1.3: special token ids from the vocabulary

# Registers the chiaro:: operators, so any user of this package can script and load UNets.
from . import ops  # noqa: E402,F401
