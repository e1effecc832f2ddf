"""Plain business rules of KeDang: no streamlit, no database sessions."""
