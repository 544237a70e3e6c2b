name = "entities"
requires = ()
assigns = "entities"


def run(ctx):
    return []
