"""Shared by every service: ids and the clock (``ids``), pagination tokens (``pagination``)
and a listing's page (``pages``).

Imports no other service.
"""
