"""pytoy: text diffusion, tiny — a character-level masked-diffusion model in pure NumPy.

Read in this order: vocab → data → diffusion (the forward process and losses) → model (the
MLP, forward and backward) → train → sampling → generate. `api` is what the page calls.
"""

__version__ = "0.1.0"

# The settings table (defaults.py) lists the decoding strategies as sampling.py registers
# them: import it first, so whoever reads the table sees every strategy.
from . import sampling as _sampling  # noqa: F401
