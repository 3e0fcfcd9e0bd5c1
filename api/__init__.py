"""Public gateway: web chat, chat API, SMS webhook, directory API, health."""
