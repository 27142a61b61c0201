"""hpc-gateway's JupyterHub spawner: `c.JupyterHub.spawner_class = "hpcg_spawner.GatewaySpawner"`."""

from .spawner import GatewaySpawner

__all__ = ["GatewaySpawner"]
__version__ = "0.1.0"
