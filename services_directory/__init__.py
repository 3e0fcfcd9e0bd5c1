"""The services directory: Open Referral UK shaped models, queries, import, export, checks.

The gateway opens it once with `services_directory.db.open_directory(DATABASE_URL)`.
"""
