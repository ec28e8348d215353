"""Events: what happened to users and pools, written to the transactional outbox.

A service that changes something appends the event that tells it (``outbox.append_event``) in
the same write transaction, so an event exists exactly when its change does; delivery to the
targets (webhooks, brokers, EventBridge's API) reads the outbox afterwards, at least once.
Events are CloudEvents (https://github.com/cloudevents/spec, version 1.0, structured JSON)
whose data carries Cognito's field names and never a secret.

Imports ``common`` and the store.
"""
