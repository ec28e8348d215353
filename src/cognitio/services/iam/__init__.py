"""IAM, as far as identity pools need it: the policy grammar (``policy``), its condition
operators (``conditions``), wildcard patterns and policy variables (``patterns``), the evaluator
(``evaluator``) and the roles declared in the configuration file (``roles``).

Imports no other service.
"""
