"""The command line (`protokoll`): one module per audience, `app` assembles them."""
