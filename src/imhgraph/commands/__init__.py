"""One module per command; each exposes ``command``, a thin click command.

Modules here import only click at the top, and the library inside the command
body, so that ``imhgraph --help`` stays fast.
"""
