"""Local Sphinx extensions of Peninsula Papers, one concern per module."""
