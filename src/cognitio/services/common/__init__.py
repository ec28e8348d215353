"""Shared by every service: ids and the clock (``ids``), pagination tokens (``pagination``).

Imports no other service.
"""
