"""Analysis stages: one module per stage, each with ``name``, ``requires``, ``assigns`` and
``run(ctx)``. Stages never import each other; they read earlier parts from the context."""
