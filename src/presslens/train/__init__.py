"""Training code for presslens's shipped models. Needs the ``[train]`` extra; never imported at run time."""
