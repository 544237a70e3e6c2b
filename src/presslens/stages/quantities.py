name = "quantities"
requires = ()
assigns = "quantities"


def run(ctx):
    return []
