"""The process entry points: the `learnql` command (cli.py) and the composition root of the API
(composition.py). The only package that imports both graph/ and workers/; graph/, domain/ and
workers/ never import it."""
