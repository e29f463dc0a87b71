"""The execution domain (执行): 终本 compliance, consumption-ban and dishonest-list violations
(限高/失信违规消费), refusal to execute (拒执), and batch anomalies in execution cases.

``specs/`` holds the built-in ``execution.*`` models, ``operators/`` the operators that build the
derived tables they read, ``patterns/`` what the synthetic county plants for them. Declared in
`jiandu.domains`; see docs/models.md ("Layout: a core and one package per domain").
"""
