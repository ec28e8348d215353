"""Delivering the outbox's events (cognitio.services.events) to the targets an operator
configures: signed webhooks, NATS JetStream, Redis Streams, RabbitMQ and EventBridge's API."""
