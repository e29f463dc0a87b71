"""The civil domain (民事): the false-litigation family (虚假诉讼) and routine-loan models.

``specs/`` holds the built-in ``civil.*`` models, ``operators/`` the operators that build the
derived tables they read (loan signs, claim wording, party links, execution applications,
register keys, document facts, person relations, interest caps, civil mentions) and
``patterns/`` what the synthetic county plants for them. Declared in `jiandu.domains`; see
docs/models.md ("Layout: a core and one package per domain").
"""
