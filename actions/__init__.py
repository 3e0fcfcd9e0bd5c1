"""rasa-sdk custom actions: thin; they ask the directory and render replies per channel."""
