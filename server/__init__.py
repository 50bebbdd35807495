"""The web server around the Streamlit script: small HTTP endpoints that keep identity in
HttpOnly cookies (never in an address) and save drafts while the user types."""
