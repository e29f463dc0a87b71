"""The insurance domain (保险诈骗): fraud rings over motor claims (团伙骗保) and anomalous insurance
suits (保险诉讼异常).

``specs/`` holds the built-in ``insurance.*`` models, ``operators/`` the operators that build the
derived tables they read, ``patterns/`` what the synthetic county plants for them. Declared in
`jiandu.domains`; see docs/models.md ("Layout: a core and one package per domain").
"""
