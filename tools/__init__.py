"""Development tools (not installed): the README generator, the output snapshot."""
