"""The Lambda-style triggers: running them and their events (``triggers``), and the
CustomMessage and custom sender triggers of outgoing messages (``message_triggers``).

Imports ``common`` to ``tokens`` (PreTokenGeneration shapes tokens).
"""
