"""Reusable Streamlit pieces: the login gate, archive forms, tables, history, the card."""
