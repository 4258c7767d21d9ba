"""pytoy: text diffusion, tiny — a character-level masked-diffusion model in pure NumPy.

Read in this order: vocab → data → diffusion (the forward process and losses) → model (the
MLP, forward and backward) → train → sampling → generate. `api` is what the page calls.
"""

__version__ = "0.1.0"
