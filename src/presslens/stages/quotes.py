name = "quotes"
requires = ("entities",)
assigns = "quotes"


def run(ctx):
    return []
