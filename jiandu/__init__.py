"""jiandu (监督): big-data legal supervision for Chinese procuratorates."""

__version__ = "0.1.0"
