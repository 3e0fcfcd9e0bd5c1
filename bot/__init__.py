"""Rasa-side Python: the project's NLU component and input channel (Python 3.10 env)."""
