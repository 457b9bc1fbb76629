"""sekisho: restricted-party screening across US, Japanese and UN lists."""
__version__ = "0.1.0"
